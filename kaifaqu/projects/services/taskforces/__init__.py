"""Writes for 专班陪跑: a project's task force (formed, changed, dissolved), its service visits,
its issue list (问题清单) and its documents (项目文件).

Who may write: the roles the permission table (core/permissions/policy.py) gives each model, on projects their scope shows them (a
park's service centre: its park's projects). Every write is audited as the person who made it.
"""

from kaifaqu.projects.services.taskforces.common import (
    DOCUMENT_FIELDS,
    ISSUE_FIELDS,
    ISSUE_TRANSITIONS,
    VISIT_FIELDS,
)
from kaifaqu.projects.services.taskforces.documents import (
    check_document_file,
    document_add,
    document_max_bytes,
    document_remove,
)
from kaifaqu.projects.services.taskforces.issues import (
    allowed_issue_statuses,
    issue_raise,
    issue_transition,
    issue_update,
)
from kaifaqu.projects.services.taskforces.task_forces import (
    Person,
    task_force_assign,
    task_force_dissolve,
)
from kaifaqu.projects.services.taskforces.visits import service_visit_record, service_visit_update

__all__ = [
    "DOCUMENT_FIELDS",
    "ISSUE_FIELDS",
    "ISSUE_TRANSITIONS",
    "VISIT_FIELDS",
    "Person",
    "allowed_issue_statuses",
    "check_document_file",
    "document_add",
    "document_max_bytes",
    "document_remove",
    "issue_raise",
    "issue_transition",
    "issue_update",
    "service_visit_record",
    "service_visit_update",
    "task_force_assign",
    "task_force_dissolve",
]
