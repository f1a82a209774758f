"""The import framework: every file the platform imports (a month of returns, the tax bureau's
and the grid's lists, a project ledger) is read, matched and reported on here.

- `reading`: a workbook (fastexcel) or CSV file (UTF-8, GBK/GB18030…) into a frame, bounded;
- `headers`: `FormSpec` (a kind's columns and aliases) and tolerant header matching with units;
- `units` and `cells`: set-based cells to whole units (元/千元/万元/亿元), every error by row;
- `values`: one cell at a time (text, number, money, date), for files read row by row;
- `errors`: `RowError` (row, column, reason) and `ImportResult`;
- `template`: the downloadable template workbook;
- `registry`: `ImportKind`, what an app declares, `register` and `run_import`;
- `views`: the one upload page and template download, for every kind.

See docs/development/adding-an-import.md.
"""

from kaifaqu.core.imports.errors import ImportResult, RowError, UnreadableFileError
from kaifaqu.core.imports.registry import (
    ImportKind,
    ImportOption,
    ImportPage,
    get_kind,
    register,
    run_import,
)
from kaifaqu.core.imports.template import ImportTemplate

__all__ = [
    "ImportKind",
    "ImportOption",
    "ImportPage",
    "ImportResult",
    "ImportTemplate",
    "RowError",
    "UnreadableFileError",
    "get_kind",
    "register",
    "run_import",
]
