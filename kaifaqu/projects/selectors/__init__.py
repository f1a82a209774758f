"""Reads of the projects app; every read starts from for_user. Projects, their board and cycle
times (`projects.py`); the "三个一批" rounds (`rounds.py`); 专班陪跑 (`taskforces.py`) and the project's timeline
(`timeline.py`)."""

from kaifaqu.projects.selectors.projects import (
    BOARD_CARDS,
    BoardColumn,
    officer_choices,
    project_board,
    project_cycles,
    project_list,
    project_stage_history,
)
from kaifaqu.projects.selectors.rounds import (
    ListFigures,
    PlaceSummary,
    RoundRow,
    RoundSummary,
    round_comparison,
    round_entries,
    round_list,
    round_summary,
    summary_text,
    yi_rounded,
)
from kaifaqu.projects.selectors.taskforces import (
    IssueCounts,
    may_see_project_work,
    overdue_departments,
    overdue_issue_count,
    overdue_issues,
    project_documents,
    project_issue_counts,
    project_issues,
    project_task_force,
    project_visits,
)
from kaifaqu.projects.selectors.timeline import TimelineEvent, project_timeline

__all__ = [
    "BOARD_CARDS",
    "BoardColumn",
    "IssueCounts",
    "ListFigures",
    "PlaceSummary",
    "RoundRow",
    "RoundSummary",
    "TimelineEvent",
    "may_see_project_work",
    "officer_choices",
    "overdue_departments",
    "overdue_issue_count",
    "overdue_issues",
    "project_board",
    "project_cycles",
    "project_documents",
    "project_issue_counts",
    "project_issues",
    "project_list",
    "project_stage_history",
    "project_task_force",
    "project_timeline",
    "project_visits",
    "round_comparison",
    "round_entries",
    "round_list",
    "round_summary",
    "summary_text",
    "yi_rounded",
]
