"""Project pages: the registry (list, details with the stage history and the form that moves a
project on, edit, history, export) the pipeline board (看板) and the cycle times (周期)."""

from kaifaqu.projects.views.board import ProjectBoardView
from kaifaqu.projects.views.cycles import CycleTimesView
from kaifaqu.projects.views.registry import (
    PROJECTS,
    RELATED_COLUMNS,
    ProjectAdvanceView,
    ProjectCreateView,
    ProjectDetailView,
    StageChangeCorrectView,
)

__all__ = [
    "PROJECTS",
    "RELATED_COLUMNS",
    "CycleTimesView",
    "ProjectAdvanceView",
    "ProjectBoardView",
    "ProjectCreateView",
    "ProjectDetailView",
    "StageChangeCorrectView",
]
