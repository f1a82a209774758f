"""Reads of the projects app; every read starts from for_user. Projects, their board and cycle
times (`projects.py`); the "三个一批" rounds (`rounds.py`)."""

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

__all__ = [
    "BOARD_CARDS",
    "BoardColumn",
    "ListFigures",
    "PlaceSummary",
    "RoundRow",
    "RoundSummary",
    "officer_choices",
    "project_board",
    "project_cycles",
    "project_list",
    "project_stage_history",
    "round_comparison",
    "round_entries",
    "round_list",
    "round_summary",
    "summary_text",
    "yi_rounded",
]
