"""Importing a zone's project ledger (项目台账): all or nothing, every bad row with its number."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from kaifaqu.accounts.models import User
from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.projects.imports import projects_import
from kaifaqu.projects.imports.template import template_headers
from kaifaqu.projects.models import Project, Stage
from kaifaqu.projects.services import project_advance

pytestmark = pytest.mark.django_db

HEADERS = [
    "项目名称",
    "所属园区",
    "项目阶段",
    "签约日期",
    "开工日期",
    "签约投资额(万元)",
    "计划总投资(万元)",
    "总投资(亿元)",
    "用地(亩)",
    "就业人数",
]


def workbook(rows: list[list[Any]], headers: list[str] = HEADERS) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def run(world: World, by: User, rows: list[list[Any]], **kwargs: Any) -> Any:
    file = kwargs.pop("file", None) or workbook(rows, kwargs.pop("headers", HEADERS))
    return projects_import(
        by=by, zone=kwargs.pop("zone", world.zone_a), file=file, filename="台账.xlsx", **kwargs
    )


GREEN = [
    "绿色建材项目",
    "一园",
    "开工",
    "2025-01-05",
    datetime(2025, 3, 1),
    "30000",
    32000,
    4.5,
    "149.94",
    160,
]


def test_it_registers_a_project_with_its_stage_history_from_the_ledgers_dates(
    world: World, personas: Personas
) -> None:
    result = run(world, personas.zone_admin, [GREEN])
    assert result.errors == []
    assert (result.rows, result.created, result.updated, result.unchanged) == (1, 1, 0, 0)
    project = Project.objects.get(zone=world.zone_a, name="绿色建材项目")
    # 4.5 亿元 = 45000 万元 (the header's unit wins over the form's 万元).
    assert project.total_investment == Decimal("45000")
    assert (project.signed_investment, project.planned_investment) == (30000, 32000)
    assert (project.land_mu, project.expected_jobs, project.park) == (
        Decimal("149.94"),
        160,
        world.park_a1,
    )
    assert (project.stage, project.stage_since) == (Stage.STARTED, date(2025, 3, 1))
    history = list(project.stage_changes.values_list("from_stage", "to_stage", "on", "by"))
    assert history == [
        ("", Stage.SIGNED, date(2025, 1, 5), personas.zone_admin.pk),
        (Stage.SIGNED, Stage.STARTED, date(2025, 3, 1), personas.zone_admin.pk),
    ]


def test_it_writes_nothing_and_reports_every_bad_row_with_its_number_and_reason(
    world: World, personas: Personas
) -> None:
    rows = [
        GREEN,  # row 2: fine
        ["坏阶段项目", "", "动工", "", "", "", "", 1, "", ""],  # row 3
        ["负数项目", "", "线索", "", "", "", "", -1, "", ""],  # row 4
        ["无名园项目", "九园", "线索", "", "", "", "", 1, "", ""],  # row 5
        ["坏日期项目", "", "签约", "2025-13-40", "", "100", "", 1, "", ""],  # row 6
        ["", "", "线索", "", "", "", "", 1, "", ""],  # row 7: no name
        ["绿色建材项目", "", "线索", "", "", "", "", 1, "", ""],  # row 8: twice in the file
        ["半个人项目", "", "线索", "", "", "", "", 1, "", "2.5"],  # row 9
    ]
    result = run(world, personas.zone_admin, rows)
    assert not Project.objects.filter(name="绿色建材项目").exists()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    found = {(error.row, error.column) for error in result.errors}
    assert found == {
        (3, "项目阶段"),
        (4, "总投资(亿元)"),
        (5, "所属园区"),
        (6, "签约日期"),
        (7, "项目名称"),
        (8, "项目名称"),
        (9, "就业人数"),
    }
    by_row = {error.row: error.message for error in result.errors}
    assert "动工" in by_row[3]
    assert "九园" in by_row[5]
    assert "2025-13-40" in by_row[6]
    assert "2" in by_row[8]  # "already in row 2 of this file"


def test_a_row_the_services_refuse_rolls_back_the_rows_before_it(
    world: World, personas: Personas
) -> None:
    # Row 3 is signed without its 签约投资额: project_create refuses it, so row 2 is undone too.
    rows = [GREEN, ["缺签约额项目", "", "签约", "2025-02-01", "", "", "", 1, "", ""]]
    result = run(world, personas.zone_admin, rows)
    assert [(error.row, error.column) for error in result.errors] == [(3, "签约投资额(万元)")]
    assert not Project.objects.filter(name__in=["绿色建材项目", "缺签约额项目"]).exists()


def test_it_refuses_dates_out_of_order_and_dates_beyond_the_stage(
    world: World, personas: Personas
) -> None:
    backwards = ["倒序项目", "", "开工", "2025-03-01", "2025-02-01", "1", "1", 1, "", ""]
    too_far = ["超前项目", "", "签约", "2025-03-01", "2025-04-01", "1", "", 1, "", ""]
    undated = ["无日期项目", "", "开工", "", "", "1", "1", 1, "", ""]
    result = run(world, personas.zone_admin, [backwards, too_far, undated])
    assert [(error.row, error.column) for error in result.errors] == [
        (2, "开工日期"),
        (3, "开工日期"),
        (4, "开工日期"),
    ]
    assert Project.objects.filter(zone=world.zone_a).count() == 2


def test_a_project_on_the_platform_takes_the_ledgers_figures_and_moves_on_once(
    world: World, personas: Personas
) -> None:
    # 甲一扩建项目 is signed since 2025-01-10 with 45000 万元.
    row = ["甲一扩建项目", "一园", "开工", "2025-01-10", "2025-04-01", 45000, 50000, 4.5, 80, ""]
    result = run(world, personas.zone_admin, [row])
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 1, 0, [])
    project = Project.objects.get(pk=world.project_a1.pk)
    assert (project.stage, project.stage_since) == (Stage.STARTED, date(2025, 4, 1))
    assert (project.planned_investment, project.land_mu) == (Decimal("50000"), Decimal("80"))
    assert project.stage_changes.count() == 2
    again = run(world, personas.zone_admin, [row])
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 1, [])
    assert project.stage_changes.count() == 2


def test_a_ledger_never_moves_a_project_back(world: World, personas: Personas) -> None:
    project_advance(project=world.project_a1, to_stage=Stage.STARTED, on=date(2025, 2, 1), by=None)
    row = ["甲一扩建项目", "", "签约", "2025-01-10", "", 45000, "", 4.5, "", ""]
    result = run(world, personas.zone_admin, [row])
    assert [(error.row, error.column) for error in result.errors] == [(2, "项目阶段")]
    world.project_a1.refresh_from_db()
    assert world.project_a1.stage == Stage.STARTED


def test_a_park_user_may_not_import_a_ledger(world: World, personas: Personas) -> None:
    """A ledger is the zone's, its rows matched by name across the zone's parks: a park's
    service centre registers its park's projects on the pages instead (issue 15)."""
    mine = ["一园项目", "", "线索", "", "", "", "", 1, "", ""]
    with pytest.raises(PermissionDenied):
        run(world, personas.park_user, [mine])
    assert not Project.objects.filter(name="一园项目").exists()


def test_the_park_user_gets_no_import_page_link_or_api(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.park_user)
    assert client.get(reverse("projects:project-import")).status_code == 403
    assert client.get(reverse("projects:project-import-template")).status_code == 403
    listing = client.get(reverse("projects:project-list"))
    assert listing.status_code == 200
    assert reverse("projects:project-import").encode() not in listing.content
    api = APIClient()
    api.force_authenticate(personas.park_user)
    upload = io.BytesIO("项目名称,项目阶段\n一园项目,线索\n".encode())
    upload.name = "ledger.csv"  # type: ignore[attr-defined]
    answer = api.post(
        "/api/projects/import/",
        {"file": upload, "zone": world.zone_a.pk, "unit": "万元"},
        format="multipart",
    )
    assert answer.status_code == 403
    assert not Project.objects.filter(name="一园项目").exists()


def test_the_zone_admin_sees_the_import_link(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    listing = client.get(reverse("projects:project-list"))
    assert reverse("projects:project-import").encode() in listing.content
    assert client.get(reverse("projects:project-import")).status_code == 200


@pytest.mark.parametrize("persona", ["province_viewer", "statistician", "reporter", "auditor"])
def test_people_who_do_not_run_projects_may_not_import(
    world: World, personas: Personas, persona: str
) -> None:
    with pytest.raises(PermissionDenied):
        run(world, getattr(personas, persona), [GREEN])
    assert not Project.objects.filter(name="绿色建材项目").exists()


def test_a_zone_admin_may_not_import_into_another_zone(world: World, personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        run(world, personas.zone_admin, [GREEN], zone=world.zone_b)


def test_it_reads_gb18030_csv_files_with_aliases_and_the_forms_unit(
    world: World, personas: Personas
) -> None:
    text = (
        "序号,项目名称,项目状态,签约时间,签约额,项目总投资,实施企业,行业代码\n"
        "1,乙类合作项目,已签约,2025年2月3日,1200,2000,甲二新材料有限公司,C3011\n"
    )
    file = io.BytesIO(text.encode("gb18030"))
    result = projects_import(
        by=personas.zone_admin,
        zone=world.zone_a,
        file=file,
        filename="ledger.csv",
        unit=MoneyUnit.YI,
    )
    assert result.errors == []
    project = Project.objects.get(name="乙类合作项目")
    # The form says 亿元: 1200 亿元 = 12,000,000 万元.
    assert project.signed_investment == Decimal("12000000")
    assert (project.enterprise, project.industry_id) == (world.ent_a2, "3011")
    assert (project.stage, project.stage_since) == (Stage.SIGNED, date(2025, 2, 3))


def test_a_file_without_the_name_column_is_refused_as_a_whole(
    world: World, personas: Personas
) -> None:
    result = run(world, personas.zone_admin, [["x", "开工"]], headers=["名字", "项目阶段"])
    assert [error.row for error in result.errors] == [None]
    assert "项目名称" in result.errors[0].message


def test_a_list_exported_from_the_platform_imports_back_unchanged(
    client: Client, world: World, personas: Personas
) -> None:
    for language in ("zh-hans", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        client.force_login(personas.zone_admin)
        exported = client.get(reverse("projects:project-export")).content
        result = projects_import(
            by=personas.zone_admin,
            zone=world.zone_a,
            file=io.BytesIO(exported),
            filename="export.xlsx",
        )
        assert (result.errors, result.rows, result.unchanged) == ([], 2, 2), language


def test_the_page_shows_every_error_and_the_template_has_the_ledgers_headers(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    page = client.get(reverse("projects:project-import"))
    assert page.status_code == 200
    assert "导入项目台账" in page.content.decode()
    bad = workbook([["坏阶段项目", "", "动工", "", "", "", "", 1, "", ""]])
    bad.name = "台账.xlsx"
    response = client.post(
        reverse("projects:project-import"),
        {"file": bad, "zone": world.zone_a.pk, "unit": "万元"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "动工" in body and "未导入任何数据" in body
    good = workbook([GREEN])
    good.name = "台账.xlsx"
    response = client.post(
        reverse("projects:project-import"),
        {"file": good, "zone": world.zone_a.pk, "unit": "万元"},
    )
    assert response.status_code == 200
    assert Project.objects.filter(name="绿色建材项目").exists()
    template = client.get(reverse("projects:project-import-template"))
    sheet = load_workbook(io.BytesIO(template.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == template_headers()
    assert template_headers()[:3] == ["项目名称", "所属园区", "建设地点"]


def test_the_list_links_the_import_only_for_those_who_may_create_projects(
    client: Client, world: World, personas: Personas
) -> None:
    url = reverse("projects:project-import")
    client.force_login(personas.zone_admin)
    assert url in client.get(reverse("projects:project-list")).content.decode()
    client.force_login(personas.province_viewer)
    assert url not in client.get(reverse("projects:project-list")).content.decode()
    assert client.get(url).status_code == 403


def test_the_api_imports_a_ledger_or_returns_every_error(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    url = "/api/projects/import/"
    bad = workbook([GREEN, ["坏阶段项目", "", "动工", "", "", "", "", 1, "", ""]])
    bad.name = "台账.xlsx"
    response = client.post(url, {"file": bad, "zone": world.zone_a.pk})
    assert response.status_code == 400
    assert response.json()["errors"][0] | {"message": ""} == {
        "row": 3,
        "column": "项目阶段",
        "code": "invalid",
        "message": "",
    }
    assert not Project.objects.filter(name="绿色建材项目").exists()
    good = workbook([GREEN])
    good.name = "台账.xlsx"
    response = client.post(url, {"file": good, "zone": world.zone_a.pk, "unit": "万元"})
    assert response.status_code == 200
    assert response.json() | {"errors": []} == {
        "rows": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "errors": [],
    }
    # Another zone's id is not one the zone's admin can name.
    again = workbook([GREEN])
    again.name = "台账.xlsx"
    response = client.post(url, {"file": again, "zone": world.zone_b.pk})
    assert response.status_code == 400
    assert "zone" in response.json()


def test_the_command_line_imports_a_ledger_as_a_user(
    tmp_path: Any, world: World, personas: Personas
) -> None:
    from click.testing import CliRunner

    from kaifaqu.cli import main

    path = tmp_path / "ledger.xlsx"
    path.write_bytes(workbook([GREEN]).getvalue())
    result = CliRunner().invoke(
        main, ["import", "projects", str(path), "--zone", "甲开发区", "--as", "zone_admin"]
    )
    assert result.exit_code == 0, result.output
    assert "1 rows: 1 created" in result.output
    refused = CliRunner().invoke(
        main, ["import", "projects", str(path), "--zone", "乙开发区", "--as", "zone_admin"]
    )
    assert refused.exit_code == 1
