"""The projects app's models: the projects and their stages (`projects.py`), the province's
"三个一批" rounds (`rounds.py`), the task forces that run alongside projects with their visits, issue lists and
documents (`taskforces.py`)."""

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
from kaifaqu.projects.models.taskforces import (
    DOCUMENT_EXTENSIONS,
    PENDING,
    SETTLED,
    TASK_FORCE_ROLES,
    DocumentKind,
    IssueStatus,
    MemberRole,
    ProjectDocument,
    ProjectIssue,
    ServiceVisit,
    TaskForce,
    TaskForceMember,
    task_force_staff,
)

__all__ = [
    "DOCUMENT_EXTENSIONS",
    "LIFECYCLE",
    "LIST_AMOUNT",
    "LIST_STAGE",
    "MONEY",
    "PENDING",
    "SETTLED",
    "TASK_FORCE_ROLES",
    "DocumentKind",
    "IssueStatus",
    "MemberRole",
    "Project",
    "ProjectDocument",
    "ProjectIssue",
    "ProjectQuerySet",
    "ProjectSettings",
    "Round",
    "RoundEntry",
    "RoundList",
    "RoundStatus",
    "ServiceVisit",
    "Stage",
    "StageChange",
    "TaskForce",
    "TaskForceMember",
    "officers_of",
    "task_force_staff",
]
