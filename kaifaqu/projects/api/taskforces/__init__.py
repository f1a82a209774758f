"""API for 专班陪跑: task forces, service visits, the issue list, documents (upload and scoped
download) and a project's timeline. Every write goes through the services of
`services/taskforces.py`; every read starts from for_user."""

from kaifaqu.projects.api.taskforces.documents import DocumentViewSet
from kaifaqu.projects.api.taskforces.issues import IssueViewSet
from kaifaqu.projects.api.taskforces.task_forces import TaskForceViewSet
from kaifaqu.projects.api.taskforces.timeline import ProjectTimelineViewSet
from kaifaqu.projects.api.taskforces.visits import ServiceVisitViewSet

__all__ = [
    "DocumentViewSet",
    "IssueViewSet",
    "ProjectTimelineViewSet",
    "ServiceVisitViewSet",
    "TaskForceViewSet",
]
