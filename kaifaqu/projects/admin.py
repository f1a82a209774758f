"""Read-only admin pages for system administrators (see core/admin.py)."""

from kaifaqu.core.admin import register_read_only
from kaifaqu.projects.models import (
    FaiRegistration,
    FaiReport,
    FollowUp,
    Lead,
    Project,
    ProjectDocument,
    ProjectIssue,
    ProjectSettings,
    Round,
    RoundEntry,
    ServiceVisit,
    StageChange,
    TaskForce,
    TaskForceMember,
)

register_read_only(
    Project,
    StageChange,
    ProjectSettings,
    Round,
    RoundEntry,
    FaiRegistration,
    FaiReport,
    Lead,
    FollowUp,
    TaskForce,
    TaskForceMember,
    ServiceVisit,
    ProjectIssue,
    ProjectDocument,
)
