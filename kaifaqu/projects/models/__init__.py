"""The projects app's models: the projects and their stages (`projects.py`), the province's
"三个一批" rounds (`rounds.py`), the fixed-asset investment database (`fai.py`), investment
promotion leads and their follow-ups (`leads.py`)."""

from kaifaqu.projects.models.fai import (
    FAI_STAGES,
    FAI_THRESHOLD,
    FaiRegistration,
    FaiRegistrationQuerySet,
    FaiReport,
    FaiReportQuerySet,
)
from kaifaqu.projects.models.leads import (
    CONTACT_FIELDS,
    DEFAULT_COLD_DAYS,
    DropReason,
    FollowUp,
    FollowUpMethod,
    Lead,
    LeadSource,
    LeadStatus,
    may_see_contacts,
)
from kaifaqu.projects.models.projects import (
    LIFECYCLE,
    MONEY,
    Project,
    ProjectQuerySet,
    ProjectSettings,
    Stage,
    StageChange,
    officers_of,
)
from kaifaqu.projects.models.rounds import (
    LIST_AMOUNT,
    LIST_STAGE,
    Round,
    RoundEntry,
    RoundList,
    RoundStatus,
)

__all__ = [
    "CONTACT_FIELDS",
    "DEFAULT_COLD_DAYS",
    "FAI_STAGES",
    "FAI_THRESHOLD",
    "LIFECYCLE",
    "LIST_AMOUNT",
    "LIST_STAGE",
    "MONEY",
    "DropReason",
    "FaiRegistration",
    "FaiRegistrationQuerySet",
    "FaiReport",
    "FaiReportQuerySet",
    "FollowUp",
    "FollowUpMethod",
    "Lead",
    "LeadSource",
    "LeadStatus",
    "Project",
    "ProjectQuerySet",
    "ProjectSettings",
    "Round",
    "RoundEntry",
    "RoundList",
    "RoundStatus",
    "Stage",
    "StageChange",
    "may_see_contacts",
    "officers_of",
]
