"""Building returns files for the import tests: xlsx (openpyxl) and CSV from rows of cells."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook


def xlsx(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> io.BytesIO:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("月度报表")
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def csv(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], encoding: str = "utf-8"
) -> io.BytesIO:
    def cell(value: Any) -> str:
        text = "" if value is None else str(value)
        return f'"{text}"' if "," in text else text

    lines = [",".join(cell(h) for h in headers)]
    lines += [",".join(cell(v) for v in row) for row in rows]
    return io.BytesIO(("\n".join(lines) + "\n").encode(encoding))
