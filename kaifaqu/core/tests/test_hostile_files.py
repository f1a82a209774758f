"""Hostile files (issue 15, item 7): each is refused as a whole with a clear message in Chinese and
English that quotes no more than an excerpt of the file, and reading it takes bounded memory.

The files are built at test time (hostile.py); the memory is measured in a fresh process, as the
growth of its peak resident size (ru_maxrss) while the guarded reader refuses each file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import fastexcel
import pytest
from django.test import override_settings
from django.utils import translation

from kaifaqu.core.imports import ImportKind, ImportPage, ImportResult, ImportTemplate, guard
from kaifaqu.core.imports.errors import RowError, UnreadableFileError, excerpt
from kaifaqu.core.imports.headers import NAME, PERIOD, USCC, FormSpec
from kaifaqu.core.imports.reading import read_sheet
from kaifaqu.core.imports.registry import run_import
from kaifaqu.core.tests import hostile

SPEC = FormSpec(
    fields={"revenue": ("营业收入",)},
    keys={USCC: ("统一社会信用代码",), NAME: ("单位详细名称",), PERIOD: ("报告期",)},
    money=frozenset({"revenue"}),
)

# case: (English words of the refusal, Chinese words of it)
REFUSALS: dict[str, tuple[str, str]] = {
    "zip_bomb": ("decompression bomb", "解压炸弹"),
    "millions_of_rows": ("more than 500000 rows", "文件超过 500000 行"),
    "huge_cell": ("decompression bomb", "解压炸弹"),
    "huge_shared_string": ("decompression bomb", "解压炸弹"),
    "billion_laughs": ("declares entities (a DTD)", "声明了实体（DTD）"),
    "formula_without_value": (
        "B7 is a formula without a calculated value",
        "B7 是公式且没有计算结果：请在 Excel 中计算并保存后再导入",
    ),
    "macros": ("contains macros (VBA)", "含有宏（VBA）"),
    "embedded": ("embedded file or object", "嵌入了文件或对象"),
    "truncated": ("damaged or incomplete", "已损坏或不完整"),
    "html_as_xlsx": ("not an Excel workbook: it is a web page", "这不是 Excel 工作簿"),
    "csv_as_xlsx": ("not an Excel workbook: it is a text (CSV) file", "这不是 Excel 工作簿"),
    "empty": ("The file is empty.", "文件为空"),
    "binary_as_csv": ("neither", "既不是"),
    "bad_utf8_in_sheet": ("not well-formed XML", "不是格式正确的 XML"),
    "long_csv_line": ("Line 2 of the file is longer than 1000000 characters", "第 2 行超过"),
}


def refusal(path: Path) -> str:
    with path.open("rb") as handle, pytest.raises(UnreadableFileError) as refused:
        read_sheet(handle, path.name, SPEC)
    return refused.value.message


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {case: build(folder / name) for case, (name, build) in hostile.BUILDERS.items()}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_each_hostile_file_is_refused_with_a_clear_message_in_both_languages(
    corpus: dict[str, Path], case: str
) -> None:
    english, chinese = REFUSALS[case]
    with translation.override("en"):
        message = refusal(corpus[case])
    assert english in message
    assert len(message) < 400  # an excerpt of the file at most, never the file
    with translation.override("zh-hans"):
        assert chinese in refusal(corpus[case])


def test_a_hostile_file_is_refused_by_run_import_and_its_writer_never_called(
    corpus: dict[str, Path],
) -> None:
    """Through the registry, as every page, API and command imports: the file is rejected as a
    whole and the kind's writer, the only code that writes, is never reached."""
    written: list[str] = []

    def write(sheet: object, **options: object) -> ImportResult:
        written.append("called")
        return ImportResult()

    kind = ImportKind(
        kind="hostile-test",
        spec=SPEC,
        write=write,
        action="returns.import",
        refusal="no",
        template=ImportTemplate(filename="t.xlsx", sheet="t", headers=list, notes=()),
        template_url="returns:return-import-template",
        page=ImportPage(title="t", pretitle="t", help="", done=""),
    )
    for case in ("billion_laughs", "formula_without_value", "macros", "html_as_xlsx", "truncated"):
        result = run_import(kind, by=None, file=corpus[case], filename=corpus[case].name)
        assert [(e.row, e.code) for e in result.errors] == [(None, "file")], case
    assert written == []


@override_settings(KFQ_IMPORT_MAX_CELL_CHARS=10)
def test_a_shared_string_of_many_short_runs_is_measured_whole(tmp_path: Path) -> None:
    runs = "".join(f"<r><rPr><b/></rPr><t>{'长' * 4}</t></r>" for _ in range(3))  # 12 characters
    path = hostile.workbook(
        tmp_path / "rich.xlsx",
        [
            hostile.SHEET_OPEN,
            hostile.header_row(),
            '<row r="2"><c r="B2" t="s"><v>1</v></c></row>',
            hostile.SHEET_CLOSE,
        ],
        strings=[f"<sst><si><t>短</t></si><si>{runs}</si></sst>"],
    )
    with translation.override("en"):
        assert "shared string 2" in refusal(path)


def test_the_bombs_are_small_files(corpus: dict[str, Path]) -> None:
    """What makes them hostile is what they decompress to, not their size."""
    sizes = {case: corpus[case].stat().st_size for case in ("zip_bomb", "huge_cell")}
    assert all(size < 1024 * 1024 for size in sizes.values()), sizes
    assert corpus["millions_of_rows"].stat().st_size < 20 * 1024 * 1024


def test_a_plain_workbook_passes_the_guard_and_is_read(tmp_path: Path) -> None:
    path = hostile.good(tmp_path / "good.xlsx")
    with path.open("rb") as handle:
        sheet = read_sheet(handle, path.name, SPEC)
    assert sheet.frame.height == 1
    assert sheet.frame.row(0)[1:] == (hostile.USCC, "鑫磊陶瓷", "2025-03", 1500.0)


def test_a_formula_with_its_calculated_value_is_read_as_that_value(tmp_path: Path) -> None:
    path = hostile.formula_with_value(tmp_path / "calculated.xlsx")
    with path.open("rb") as handle:
        sheet = read_sheet(handle, path.name, SPEC)
    assert sheet.frame.row(0)[-1] == 1500.0


def test_a_formula_whose_result_is_empty_text_is_read(tmp_path: Path) -> None:
    row = (
        f'<row r="2">{hostile.inline("A2", hostile.USCC)}{hostile.inline("C2", "2025-03")}'
        '<c r="B2" t="str"><f>""</f><v></v></c><c r="D2"><v>1</v></c></row>'
    )
    path = hostile.workbook(
        tmp_path / "empty.xlsx",
        [hostile.SHEET_OPEN, hostile.header_row(), row, hostile.SHEET_CLOSE],
    )
    with path.open("rb") as handle:
        assert read_sheet(handle, path.name, SPEC).frame.height == 1


@pytest.mark.parametrize(
    "cell", ['<c r="D2"><f>SUM(D3:D4)</f></c>', '<c r="D2"><f t="shared" si="0"/><v/></c>']
)
def test_every_form_of_a_formula_without_a_value_is_found(tmp_path: Path, cell: str) -> None:
    row = f'<row r="2">{hostile.inline("A2", hostile.USCC)}{cell}</row>'
    path = hostile.workbook(
        tmp_path / "f.xlsx", [hostile.SHEET_OPEN, hostile.header_row(), row, hostile.SHEET_CLOSE]
    )
    with translation.override("en"):
        assert refusal(path).startswith("D2 is a formula without a calculated value")


@override_settings(KFQ_IMPORT_MAX_ROWS=3)
def test_rows_with_a_namespace_prefix_are_counted(tmp_path: Path) -> None:
    rows = "".join(f'<x:row r="{n}"><x:c r="D{n}"><x:v>1</x:v></x:c></x:row>' for n in range(2, 8))
    sheet = hostile.SHEET_OPEN.replace("<worksheet xmlns=", "<x:worksheet xmlns:x=")
    path = hostile.workbook(tmp_path / "x.xlsx", [sheet, rows, "</sheetData></x:worksheet>"])
    with translation.override("en"):
        assert "more than 3 rows" in refusal(path)


# --- each limit, reached on its own (the bombs above stop at the ratio) -------------------------


@override_settings(KFQ_IMPORT_MAX_RATIO=1_000_000)
def test_rows_are_counted_while_streaming_and_refused_past_the_limit(
    corpus: dict[str, Path],
) -> None:
    with translation.override("en"):
        message = refusal(corpus["millions_of_rows"])
    assert message == ("The file has more than 500000 rows; at most 500000 rows can be imported.")


@override_settings(KFQ_IMPORT_MAX_RATIO=1_000_000)
def test_a_cell_longer_than_excel_allows_is_refused_by_its_address(
    corpus: dict[str, Path],
) -> None:
    with translation.override("en"):
        assert refusal(corpus["huge_cell"]) == (
            "Cell B2 holds more than 32767 characters; a cell may hold at most 32767."
        )
        assert "shared string 1" in refusal(corpus["huge_shared_string"])


@override_settings(KFQ_IMPORT_MAX_RATIO=1_000_000, KFQ_IMPORT_MAX_UNCOMPRESSED_MB=10)
def test_the_uncompressed_size_of_the_whole_workbook_is_limited(corpus: dict[str, Path]) -> None:
    with translation.override("en"):
        assert "at most 10 MB are read" in refusal(corpus["zip_bomb"])


@override_settings(KFQ_IMPORT_MAX_MB=1)
def test_the_size_of_the_upload_is_limited(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes((hostile.HEAD + "\n").encode() + b"x,y,z,1\n" * 200_000)
    with translation.override("en"):
        assert refusal(path) == "The file is larger than 1 MB."


@override_settings(KFQ_IMPORT_MAX_ROWS=3)
def test_a_csv_files_rows_are_limited_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(hostile.HEAD + "\n" + "x,y,z,1\n" * 20, encoding="utf-8")
    with translation.override("en"):
        assert "more than 3 rows" in refusal(path)


@override_settings(KFQ_IMPORT_MAX_CELL_CHARS=10)
def test_a_csv_cell_longer_than_the_limit_is_refused_by_its_address(tmp_path: Path) -> None:
    path = tmp_path / "cell.csv"
    path.write_text(hostile.HEAD + "\n" + "x,y," + "长" * 11 + ",1\n", encoding="gbk")
    with translation.override("en"):
        assert refusal(path) == (
            "Cell C2 holds more than 10 characters; a cell may hold at most 10."
        )


def test_a_csv_file_in_gbk_still_passes_the_guard(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_text(hostile.HEAD + "\n" + f"{hostile.USCC},鑫磊陶瓷,2025年3月,1500\n", "gbk")
    with path.open("rb") as handle:
        assert read_sheet(handle, path.name, SPEC).frame.row(0)[2] == "鑫磊陶瓷"


# --- the native readers ---------------------------------------------------------------------------


def panic_exception() -> type[BaseException]:
    """pyo3's PanicException, the class a panic in Rust code raises (fastexcel defines it on
    import): a BaseException, not an Exception, so `except Exception` lets it through."""

    def subclasses(cls: type[BaseException]) -> list[type[BaseException]]:
        return [c for s in cls.__subclasses__() for c in (s, *subclasses(s))]

    assert fastexcel.__version__
    found = [c for c in subclasses(BaseException) if c.__name__ == "PanicException"]
    assert found, "pyo3_runtime.PanicException not found"
    return found[0]


def test_a_panic_of_the_native_reader_is_contained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    panic = panic_exception()
    assert not issubclass(panic, Exception)

    def read_excel(data: bytes) -> None:
        raise panic("capacity overflow" + "x" * 10_000)

    monkeypatch.setattr("kaifaqu.core.imports.reading.fastexcel.read_excel", read_excel)
    with translation.override("en"):
        message = refusal(hostile.good(tmp_path / "good.xlsx"))
    assert message.startswith("The file could not be read as an Excel workbook (capacity overflow")
    assert len(message) < 120


@override_settings(KFQ_IMPORT_READ_SECONDS=0.3)
def test_a_reader_slower_than_the_time_limit_is_abandoned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow(data: bytes) -> None:
        time.sleep(2)

    monkeypatch.setattr("kaifaqu.core.imports.reading.fastexcel.read_excel", slow)
    started = time.monotonic()
    with translation.override("zh-hans"):
        message = refusal(hostile.good(tmp_path / "good.xlsx"))
    assert time.monotonic() - started < 1.5
    assert message == "读取文件超过 0.3 秒：请拆分为较小的文件。"


@override_settings(KFQ_IMPORT_READ_SECONDS=0.05, KFQ_IMPORT_MAX_RATIO=1_000_000)
def test_streaming_a_sheet_stops_at_the_time_limit(corpus: dict[str, Path]) -> None:
    with translation.override("en"):
        assert "took longer than 0.05 seconds" in refusal(corpus["millions_of_rows"])


def test_a_message_quotes_at_most_an_excerpt_of_a_cell() -> None:
    assert excerpt("长" * 32_767) == "长" * 50 + "…"
    assert len(RowError(row=2, column="x", code="c", message="y" * 100_000).message) == 401


# --- memory ------------------------------------------------------------------------------------

_MEASURE = """
import io, json, resource, sys
import django
django.setup()
from django.utils import translation
from kaifaqu.core.imports.errors import RowError, UnreadableFileError, excerpt
from kaifaqu.core.imports.reading import read_sheet
from kaifaqu.core.tests.test_hostile_files import SPEC
translation.activate("en")
growth = {"baseline": [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, "MB"]}
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        read_sheet(io.BytesIO(data), path.rsplit("/", 1)[-1], SPEC)
        outcome = "read"
    except UnreadableFileError as error:
        outcome = error.message[:60]
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    growth[path.rsplit("/", 1)[-1]] = [(after - before) // 1024, outcome]
growth["peak"] = [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, "MB"]
print(json.dumps(growth))
"""

BOUND_MB = 200


def peak_growth(paths: list[Path], **environment: str) -> dict[str, list[object]]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kaifaqu.config.settings.test",
        **environment,
    }
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *map(str, paths)],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[3],  # this checkout's kaifaqu, not an installed one
        check=True,
        timeout=300,
    )
    growth: dict[str, list[object]] = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(growth, ensure_ascii=False, indent=1))  # the figures, with -s
    return growth


def test_refusing_the_bombs_takes_bounded_memory(corpus: dict[str, Path]) -> None:
    """Today's main took 1 GB for the rows and 1.5 GB for a 64 MiB cell; refused at the zip's
    directory, each now costs next to nothing."""
    cases = ["zip_bomb", "millions_of_rows", "huge_cell", "huge_shared_string", "billion_laughs"]
    growth = peak_growth([corpus[case] for case in cases])
    baseline, peak = growth.pop("baseline")[0], growth.pop("peak")[0]
    assert isinstance(baseline, int) and isinstance(peak, int)
    assert peak - baseline < BOUND_MB
    for name, (megabytes, outcome) in growth.items():
        assert outcome != "read", name
        assert isinstance(megabytes, int) and megabytes < BOUND_MB, (name, megabytes)


def test_streaming_past_the_ratio_limit_still_takes_bounded_memory(
    corpus: dict[str, Path],
) -> None:
    """With the ratio limit lifted, the rows and the cells are refused while streaming: memory
    stays bounded by the chunk, not by the sheet."""
    cases = ["millions_of_rows", "huge_cell", "huge_shared_string"]
    growth = peak_growth(
        [corpus[case] for case in cases],
        KFQ_IMPORT_MAX_RATIO="1000000",
        KFQ_IMPORT_MAX_UNCOMPRESSED_MB="2000",
        KFQ_IMPORT_MAX_SHEET_XML_MB="2000",
    )
    baseline, peak = growth.pop("baseline")[0], growth.pop("peak")[0]
    assert isinstance(baseline, int) and isinstance(peak, int)
    assert peak - baseline < BOUND_MB
    for name, (megabytes, outcome) in growth.items():
        assert outcome != "read", name
        assert isinstance(megabytes, int) and megabytes < BOUND_MB, (name, megabytes)


def test_the_guard_reads_no_member_to_refuse_a_bomb(
    corpus: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ratio is judged from the central directory: nothing is decompressed."""
    opened: list[str] = []
    original = zipfile.ZipFile.open

    def spy(self: zipfile.ZipFile, name: object, *args: object, **kwargs: object) -> object:
        opened.append(str(name))
        return original(self, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    refusal(corpus["zip_bomb"])
    assert opened == []


def test_settings_are_read_at_call_time() -> None:
    with override_settings(KFQ_IMPORT_MAX_ROWS=7):
        assert guard.Limits.from_settings().max_rows == 7
    assert guard.Limits.from_settings().max_rows == 500_000
