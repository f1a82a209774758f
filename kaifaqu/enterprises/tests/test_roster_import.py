"""Importing a roster (名录) file: all or nothing, every bad row with its number and reason."""

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from click.testing import CliRunner
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kaifaqu.cli import main
from kaifaqu.conftest import Personas, World, make_uscc
from kaifaqu.enterprises.imports import rosters_import
from kaifaqu.enterprises.imports.spec import template_headers
from kaifaqu.enterprises.models import RosterEntry, StatCategory
from kaifaqu.enterprises.services import roster_entry_add

pytestmark = pytest.mark.django_db

HEADERS = [
    "统一社会信用代码",
    "单位详细名称",
    "名录年份",
    "名录类别",
    "入库方式",
    "入库日期",
    "退库日期",
    "退库原因",
]


def workbook(rows: Any, headers: list[str] = HEADERS) -> io.BytesIO:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("名录")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "roster.xlsx"
    return buffer


def run(by: Any, rows: Any, headers: list[str] = HEADERS) -> Any:
    return rosters_import(by=by, file=workbook(rows, headers), filename="roster.xlsx")


def test_a_good_file_is_written_and_a_second_import_changes_nothing(
    world: World, personas: Personas
) -> None:
    rows = [
        [world.ent_a1.uscc, "甲一水泥有限公司", 2025, "规上工业", "年度", "2025-01-01", None, None],
        # Codes as people type them, the category's code, the monthly entry in Chinese.
        [world.ent_a2.uscc.lower(), "", "2025", "services", "新开业月度入库", "2025年3月15日"],
        [world.ent_a2.uscc, "甲二新材料有限公司", 2024, "限上零售", "", "", "2024-09-30", "停业"],
    ]
    result = run(personas.statistician, rows)
    assert result.errors == []
    assert (result.rows, result.created, result.updated, result.unchanged) == (3, 3, 0, 0)
    stored = {
        (e.enterprise_id, e.year, e.category): (
            e.entry_kind,
            e.entered_on,
            e.exited_on,
            e.exit_reason,
        )
        for e in RosterEntry.objects.all()
    }
    assert stored == {
        (world.ent_a1.pk, 2025, StatCategory.INDUSTRY): ("annual", date(2025, 1, 1), None, ""),
        (world.ent_a2.pk, 2025, StatCategory.SERVICES): ("monthly", date(2025, 3, 15), None, ""),
        (world.ent_a2.pk, 2024, StatCategory.RETAIL): ("annual", None, date(2024, 9, 30), "停业"),
    }
    entry = RosterEntry.objects.get(enterprise=world.ent_a1)
    assert LogEntry.objects.get_for_object(entry).get().actor == personas.statistician
    again = run(personas.statistician, rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_a_stored_entry_takes_the_files_exit(world: World, personas: Personas) -> None:
    roster_entry_add(by=None, enterprise=world.ent_a1, year=2025, category=StatCategory.INDUSTRY)
    result = run(
        personas.statistician,
        [[world.ent_a1.uscc, "", 2025, "规上工业", "年度", "", "2025-08-31", "营收低于标准"]],
    )
    assert (result.created, result.updated, result.errors) == (0, 1, [])
    entry = RosterEntry.objects.get()
    assert (entry.exited_on, entry.exit_reason) == (date(2025, 8, 31), "营收低于标准")


def test_bad_rows_are_reported_all_at_once_and_nothing_is_written(
    world: World, personas: Personas
) -> None:
    unknown = make_uscc("140600", 999)
    rows = [
        [world.ent_a1.uscc, "甲一水泥有限公司", 2025, "规上工业"],  # 2: good
        ["91140600MA0000001X", "", 2025, "规上工业"],  # 3: a wrong check character
        [unknown, "", 2025, "规上工业"],  # 4: not registered
        [world.ent_b.uscc, "", 2025, "规上工业"],  # 5: zone 乙's
        [world.ent_a2.uscc, "别的公司", 2025, "规上工业"],  # 6: not its name
        [world.ent_a2.uscc, "", "明年", "规上工业"],  # 7: no year
        [world.ent_a2.uscc, "", 2025, "规上农业"],  # 8: no such category
        [world.ent_a2.uscc, "", 2025, "限上批发", "季度"],  # 9: no such kind of entry
        [world.ent_a2.uscc, "", 2025, "限上零售", "月度"],  # 10: monthly without a date
        [world.ent_a2.uscc, "", 2025, "限上住宿", "", "", "2025-06-30"],  # 11: exit, no reason
        [world.ent_a2.uscc, "", 2025, "限上餐饮", "", "2025-05-01", "2025-04-30", "停产"],  # 12
        [world.ent_a2.uscc, "", 2025, "规上服务业", "", "2025-13-45"],  # 13: not a date
        [world.ent_a1.uscc, "", 2025, "industry"],  # 14: row 2 again
    ]
    result = run(personas.statistician, rows)
    found = [(e.row, e.code) for e in result.errors]
    assert found == [
        (3, "uscc"),
        (4, "enterprise"),
        (5, "enterprise"),
        (6, "name"),
        (7, "year"),
        (8, "category"),
        (9, "entry_kind"),
        (10, "entered_on"),
        (11, "exit_reason"),
        (12, "exited_on"),
        (13, "date"),
        (14, "duplicate"),
    ]
    messages = {e.row: e.message for e in result.errors}
    assert "outside your scope" not in messages[4] and "范围" in messages[5]
    assert "甲二新材料有限公司" in messages[6]
    assert "第 2 行" in messages[14] or "2" in messages[14]
    assert result.created == 0
    assert not RosterEntry.objects.exists()


def test_the_errors_read_in_english_too(world: World, personas: Personas) -> None:
    from django.utils import translation

    with translation.override("en"):
        result = run(
            personas.statistician, [[world.ent_a1.uscc, "", 2025, "规上工业", "", "", "2025-06-30"]]
        )
    assert [e.message for e in result.errors] == ["Give the reason for the exit."]


def test_a_file_without_the_year_column_is_refused(world: World, personas: Personas) -> None:
    result = run(
        personas.statistician, [[world.ent_a1.uscc, "规上工业"]], ["统一社会信用代码", "名录类别"]
    )
    assert [(e.row, e.code) for e in result.errors] == [(None, "missing_column")]


@pytest.mark.parametrize("who", ["reporter", "park_user", "zone_admin_of_b"])
def test_who_may_not_import_is_refused(who: str, world: World, personas: Personas) -> None:
    user = personas.outsider if who == "zone_admin_of_b" else getattr(personas, who)
    if who == "zone_admin_of_b":
        # Zone 乙's administrator may import, but zone 甲's enterprises are not in its scope.
        result = run(user, [[world.ent_a1.uscc, "", 2025, "规上工业"]])
        assert [e.code for e in result.errors] == ["enterprise"]
    else:
        with pytest.raises(PermissionDenied):
            run(user, [[world.ent_a1.uscc, "", 2025, "规上工业"]])
    assert not RosterEntry.objects.exists()


def test_the_page_the_template_and_the_command(
    client: Client, tmp_path: Path, world: World, personas: Personas
) -> None:
    page = reverse("enterprises:roster-import")
    template = reverse("enterprises:roster-import-template")
    client.force_login(personas.park_user)
    assert client.get(page).status_code == 403
    assert client.get(template).status_code == 403
    client.force_login(personas.statistician)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert page.encode() in client.get(reverse("enterprises:roster-list") + "?year=2025").content
    form = client.get(page).content.decode()
    assert 'name="unit"' not in form  # a roster has no money
    headers = [
        c.value for c in load_workbook(io.BytesIO(client.get(template).content)).worksheets[0][1]
    ]
    assert headers == template_headers() == HEADERS
    upload = workbook(
        [[world.ent_a1.uscc, "", 2025, "规上工业"], [world.ent_a2.uscc, "", 2025, "x"]]
    )
    response = client.post(page, {"file": upload})
    assert response.status_code == 400
    assert b"is not a roster category" in response.content
    assert not RosterEntry.objects.exists()
    path = tmp_path / "roster.xlsx"
    path.write_bytes(workbook([[world.ent_a1.uscc, "", 2025, "规上工业"]]).getvalue())
    result = CliRunner().invoke(main, ["import", "rosters", str(path), "--as", "statistician"])
    assert result.exit_code == 0, result.output
    assert "1 rows: 1 created" in result.output
    assert RosterEntry.objects.get().enterprise == world.ent_a1
