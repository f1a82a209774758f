"""What went wrong in an import: a row (as the user sees it in Excel), a column and a reason."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class RowError:
    row: int | None  # the Excel row (header = 1); None for a problem of the whole file
    column: str
    code: str
    message: str


class UnreadableFileError(Exception):
    """The file cannot be read as a table of returns at all (not a workbook, no header…)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
