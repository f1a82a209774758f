"""The import framework's shared parts: reading CSV files in the encodings Chinese offices use,
the registry of kinds, and `kfq import KIND` dispatching on it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from kaifaqu.cli import main
from kaifaqu.core.imports import ImportKind, ImportPage, ImportResult, ImportTemplate, register
from kaifaqu.core.imports.headers import NAME, PERIOD, USCC, FormSpec
from kaifaqu.core.imports.reading import ROW, read_sheet
from kaifaqu.core.imports.registry import (
    KindAlreadyRegisteredError,
    UnknownKindError,
    get_kind,
    unregister,
)

SPEC = FormSpec(
    fields={"revenue": ("营业收入",)},
    keys={USCC: ("统一社会信用代码",), NAME: ("单位详细名称",), PERIOD: ("报告期",)},
    money=frozenset({"revenue"}),
)
HEADER = "统一社会信用代码,单位详细名称,报告期,营业收入(万元)\n"
ROWS = (
    "91140600MA0K000001,朔州市鑫磊陶瓷有限公司,2025年3月,1500\n"
    "91140600MA0K000002,山西𠮷祥䶮业科技有限公司,2025年3月,12.5\n"
)


def cells(data: bytes, filename: str = "三月.csv") -> list[list[str]]:
    sheet = read_sheet(io.BytesIO(data), filename, SPEC)
    assert [c.target for c in sheet.columns] == [USCC, NAME, PERIOD, "revenue"]
    return [list(row) for row in sheet.frame.drop(ROW).iter_rows()]


def test_it_reads_a_gbk_csv_file_with_chinese_headers_and_names() -> None:
    text = HEADER + "91140600MA0K000001,朔州市鑫磊陶瓷有限公司,2025年3月,1500\n"
    assert cells(text.encode("gbk")) == [
        ["91140600MA0K000001", "朔州市鑫磊陶瓷有限公司", "2025年3月", "1500"]
    ]


def test_it_reads_a_gb18030_csv_file_with_characters_beyond_gbk() -> None:
    data = (HEADER + ROWS).encode("gb18030")
    with pytest.raises(UnicodeEncodeError):
        ROWS.encode("gbk")  # 𠮷 and 䶮 are only in GB18030
    assert [row[1] for row in cells(data)] == ["朔州市鑫磊陶瓷有限公司", "山西𠮷祥䶮业科技有限公司"]


def test_it_reads_a_utf8_file_with_a_byte_order_mark() -> None:
    data = "\ufeff".encode() + (HEADER + ROWS).encode()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = cells(data)
    assert rows[0][0] == "91140600MA0K000001"  # not "\ufeff9114…"
    assert rows[1][1] == "山西𠮷祥䶮业科技有限公司"


def test_the_first_row_of_a_file_with_a_bom_is_still_its_header_row() -> None:
    sheet = read_sheet(io.BytesIO(b"\xef\xbb\xbf" + HEADER.encode()), "a.csv", SPEC)
    assert (sheet.header_row, sheet.columns[0].header) == (1, "统一社会信用代码")


def _kind(name: str) -> ImportKind:
    return ImportKind(
        kind=name,
        spec=SPEC,
        write=lambda sheet, **options: ImportResult(rows=sheet.frame.height),
        action="returns.import",
        refusal="no",
        template=ImportTemplate(filename="t.xlsx", sheet="t", headers=list, notes=()),
        template_url="returns:return-import-template",
        page=ImportPage(title="t", pretitle="t", help="", done=""),
    )


def test_a_kind_registered_twice_is_refused() -> None:
    first = register(kind="test-kind", spec=_kind("test-kind"))
    try:
        assert get_kind("test-kind") is first
        assert register(kind="test-kind", spec=first) is first  # the same declaration again
        with pytest.raises(KindAlreadyRegisteredError):
            register(kind="test-kind", spec=_kind("test-kind"))
        with pytest.raises(KindAlreadyRegisteredError):
            register(kind="returns", spec=_kind("returns"))
        assert get_kind("test-kind") is first
    finally:
        unregister("test-kind")


def test_the_apps_register_their_kinds_at_start_up() -> None:
    for kind in ("returns", "proxies", "projects"):
        assert get_kind(kind).kind == kind
    with pytest.raises(UnknownKindError):
        get_kind("nothing")


def test_kfq_import_of_an_unknown_kind_names_the_kinds(tmp_path: Path) -> None:
    path = tmp_path / "march.csv"
    path.write_bytes(HEADER.encode())
    result = CliRunner().invoke(main, ["import", "leases", str(path)])
    assert result.exit_code == 1
    assert "leases" in result.output
    assert "projects, proxies, returns" in result.output
    assert "Traceback" not in result.output


def test_kfq_import_dispatches_to_the_kinds_options(tmp_path: Path) -> None:
    path = tmp_path / "ledger.csv"
    path.write_bytes("项目名称,项目阶段\n".encode())
    help_text = CliRunner().invoke(main, ["import", "projects", "--help"])
    assert help_text.exit_code == 0
    assert "--zone" in help_text.output and "--unit" in help_text.output
    missing = CliRunner().invoke(main, ["import", "projects", str(path)])
    assert missing.exit_code == 2
    assert "--zone" in missing.output
    assert "--source" in CliRunner().invoke(main, ["import", "proxies", "--help"]).output
