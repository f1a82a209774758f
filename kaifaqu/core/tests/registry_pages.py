"""Reading registry pages back in tests: the rows of a page's tables and of an exported workbook."""

from html.parser import HTMLParser
from io import BytesIO
from typing import Any

from openpyxl import load_workbook


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._in_body = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag in {"td", "th"} and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False
        elif tag in {"td", "th"} and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_rows(response: Any, table: int = 0) -> list[list[str]]:
    """The body rows of the page's n-th table, each a list of cell texts."""
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables[table] if len(parser.tables) > table else []


def column(response: Any, index: int, table: int = 0) -> list[str]:
    return [row[index] for row in table_rows(response, table)]


def xlsx_rows(content: bytes) -> list[tuple[object, ...]]:
    sheet = load_workbook(BytesIO(content), read_only=True).active
    assert sheet is not None
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]
