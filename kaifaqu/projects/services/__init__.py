"""Writes of the projects app: projects and their stages (`projects.py`), the "三个一批" rounds
(`rounds.py`). A project's stage changes only through `project_advance`."""

from kaifaqu.projects.services.projects import (
    NORM_FIELDS,
    PROJECT_FIELDS,
    REASON_REQUIRED,
    STAGE_DATA_FIELDS,
    STAGE_REQUIRES,
    allowed_next_stages,
    check_stage_data,
    project_advance,
    project_create,
    project_settings_for,
    project_settings_update,
    project_update,
    stage_change_correct,
)
from kaifaqu.projects.services.rounds import (
    ROUND_FIELDS,
    eligible_projects,
    round_close,
    round_create,
    round_entry_add,
    round_entry_remove,
    round_reopen,
    round_update,
)

__all__ = [
    "NORM_FIELDS",
    "PROJECT_FIELDS",
    "REASON_REQUIRED",
    "ROUND_FIELDS",
    "STAGE_DATA_FIELDS",
    "STAGE_REQUIRES",
    "allowed_next_stages",
    "check_stage_data",
    "eligible_projects",
    "project_advance",
    "project_create",
    "project_settings_for",
    "project_settings_update",
    "project_update",
    "round_close",
    "round_create",
    "round_entry_add",
    "round_entry_remove",
    "round_reopen",
    "round_update",
    "stage_change_correct",
]
