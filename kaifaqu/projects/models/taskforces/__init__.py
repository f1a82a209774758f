"""专班陪跑: the task force that runs alongside a project (its lead and members), its service
visits (服务走访), the project's issue list (问题清单) and the project's documents (项目文件).

Everything here belongs to a project and is seen by whoever sees the project in the zone's work
(province, zone, the project's park); an enterprise's reporter does not see the zone's working
notes on its project.
"""

from kaifaqu.projects.models.taskforces.documents import (
    DOCUMENT_EXTENSIONS,
    DocumentKind,
    ProjectDocument,
    document_path,
)
from kaifaqu.projects.models.taskforces.issues import (
    PENDING,
    SETTLED,
    IssueStatus,
    ProjectIssue,
    ServiceVisit,
)
from kaifaqu.projects.models.taskforces.scope import (
    ProjectWorkQuerySet,
    TaskForceMemberQuerySet,
    task_force_staff,
)
from kaifaqu.projects.models.taskforces.task_forces import MemberRole, TaskForce, TaskForceMember

__all__ = [
    "DOCUMENT_EXTENSIONS",
    "PENDING",
    "SETTLED",
    "DocumentKind",
    "IssueStatus",
    "MemberRole",
    "ProjectDocument",
    "ProjectIssue",
    "ProjectWorkQuerySet",
    "ServiceVisit",
    "TaskForce",
    "TaskForceMember",
    "TaskForceMemberQuerySet",
    "document_path",
    "task_force_staff",
]
