"""What went wrong in an import: a row (as the user sees it in Excel), a column and a reason;
and what an import did (`ImportResult`), the same for every kind of file."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class RowError:
    row: int | None  # the Excel row (header = 1); None for a problem of the whole file
    column: str
    code: str
    message: str

    def __post_init__(self) -> None:
        # A backstop for messages that quote a cell: never more than a sentence and an excerpt.
        if len(self.message) > MAX_MESSAGE:
            object.__setattr__(self, "message", self.message[:MAX_MESSAGE] + "…")


EXCERPT = 50
MAX_MESSAGE = 400


def excerpt(text: object, limit: int = EXCERPT) -> str:
    """At most `limit` characters of what a file holds, for a message: an error never echoes a
    file (a 64 MiB cell once came back as a 67 MB error page)."""
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "…"


class UnreadableFileError(Exception):
    """The file cannot be read as a table at all (not a workbook, no header row…)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @classmethod
    def rejected(cls, message: str, code: str = "file") -> ImportResult:
        """The result of a file refused as a whole (unreadable, no rows)."""
        return cls(errors=[RowError(row=None, column="", code=code, message=message)])
