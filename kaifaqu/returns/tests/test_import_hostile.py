"""Hostile and lossy files through the returns import and its page (issue 15): a formula without
a calculated value never overwrites a stored figure, a huge cell is refused with a short page,
an upload over the size limit is refused before it is kept or queued. Nothing is written."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.core.models import JobProgress
from kaifaqu.core.tests import hostile
from kaifaqu.returns.imports import returns_import
from kaifaqu.returns.models import Return, ReturnSource
from kaifaqu.returns.tests.helpers import stored_return

HEADERS = ["统一社会信用代码", "报告期", "工业总产值(当年价格)"]
MARCH = date(2025, 3, 1)


def workbook(uscc: str, output: object) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    sheet.append([uscc, "2025-03", output])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def output_of(world: World) -> object:
    return Return.objects.values_list("gross_output", flat=True).get(
        enterprise=world.ent_a1, period=MARCH
    )


def test_a_formula_without_a_value_never_overwrites_a_stored_figure(
    world: World, personas: Personas
) -> None:
    stored_return(world.ent_a1, MARCH, source=ReturnSource.IMPORT, gross_output=Decimal("150"))
    with translation.override("zh-hans"):
        result = returns_import(
            by=personas.statistician,
            file=workbook(world.ent_a1.uscc, "=1000+500"),  # openpyxl writes no cached value
            filename="returns.xlsx",
            unit=MoneyUnit.WAN,
            today=date(2025, 6, 10),
        )
    assert [error.message for error in result.errors] == [
        "C2 是公式且没有计算结果：请在 Excel 中计算并保存后再导入。"
    ]
    assert output_of(world) == Decimal("150")
    # The same file with a figure is written: the refusal above is the formula's.
    result = returns_import(
        by=personas.statistician,
        file=workbook(world.ent_a1.uscc, 1500),
        filename="returns.xlsx",
        unit=MoneyUnit.WAN,
        today=date(2025, 6, 10),
    )
    assert result.errors == []
    assert output_of(world) == Decimal("1500")


def test_a_huge_cell_is_refused_with_a_short_page_and_nothing_written(
    client: Client, world: World, personas: Personas, tmp_path: Path
) -> None:
    """Today's main answered a 67 KB file with a 64 MiB cell by a 67 MB page echoing it."""
    path = hostile.huge_cell(tmp_path / "cell.xlsx")
    assert path.stat().st_size < settings.KFQ_IMPORT_BACKGROUND_BYTES  # read in the request
    before = Return.objects.count()
    client.force_login(personas.statistician)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with path.open("rb") as upload:
        page = client.post(reverse("returns:return-import"), {"file": upload, "unit": "万元"})
    assert page.status_code == 400
    assert len(page.content) < 200_000
    assert b"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" not in page.content
    assert b"decompression bomb" in page.content
    assert Return.objects.count() == before


@override_settings(KFQ_IMPORT_MAX_MB=1)
def test_an_upload_over_the_size_limit_is_neither_kept_nor_queued(
    client: Client, world: World, personas: Personas
) -> None:
    upload = io.BytesIO(
        ("统一社会信用代码,报告期,工业总产值(当年价格)\n" + "x,2025-03,1\n" * 200_000).encode()
    )
    upload.name = "big.csv"  # type: ignore[attr-defined]
    client.force_login(personas.statistician)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.post(reverse("returns:return-import"), {"file": upload, "unit": "万元"})
    assert page.status_code == 200  # the form again, with its error
    assert "文件超过 1 MB。" in page.content.decode()
    assert not JobProgress.objects.exists()


def test_a_bad_cell_is_quoted_by_an_excerpt_only(world: World, personas: Personas) -> None:
    """A cell within Excel's limit but not a number: the message quotes 50 characters of it."""
    text = "营" * 30_000
    upload = io.BytesIO(
        (
            f"统一社会信用代码,报告期,工业总产值(当年价格)\n{world.ent_a1.uscc},2025-03,{text}\n"
        ).encode()
    )
    with translation.override("en"):
        result = returns_import(
            by=personas.statistician,
            file=upload,
            filename="returns.csv",
            unit=MoneyUnit.WAN,
            today=date(2025, 6, 10),
        )
    assert [error.message for error in result.errors] == [f"“{'营' * 50}…” is not a number."]
    assert not Return.objects.filter(enterprise=world.ent_a1, period=MARCH).exists()
