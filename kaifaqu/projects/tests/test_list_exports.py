"""Excel exports of the project lists that are not registries: the warnings, the overdue issues,
the investment database's register, a round's summary; scoped and logged like every export."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kaifaqu.accounts.models import AccessEvent, AccessEventKind
from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.periods import Month
from kaifaqu.projects.models import Stage
from kaifaqu.projects.services import (
    fai_register,
    fai_report_record,
    issue_raise,
    project_advance,
)

pytestmark = pytest.mark.django_db


def sheets(response: object) -> dict[str, list[list[object]]]:
    book = load_workbook(io.BytesIO(response.content))  # type: ignore[attr-defined]
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def exported(personas: Personas) -> int:
    return AccessEvent.objects.filter(kind=AccessEventKind.EXPORT, user=personas.zone_admin).count()


def test_the_warnings_export_holds_every_warning_of_the_zone_in_three_sheets(
    client: Client, world: World, personas: Personas
) -> None:
    issue_raise(
        by=personas.zone_admin,
        project=world.project_a1,
        data={
            "problem": "用地手续",
            "department": "自然资源局",
            "raised_on": date(2025, 2, 1),
            "due_on": date(2025, 3, 1),
        },
    )
    client.force_login(personas.zone_admin)
    response = client.get(reverse("projects:warnings-export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = sheets(response)
    stale, overdue, missing = book.values()
    assert sorted(str(row[0]) for row in stale[1:]) == ["甲一扩建项目", "甲二新建项目"]
    assert [row[:3] for row in overdue[1:]] == [["用地手续", "甲一扩建项目", "自然资源局"]]
    assert missing[1:] == []
    assert exported(personas) == 1


def test_the_overdue_issues_export_keeps_the_filters_and_the_scope(
    client: Client, world: World, personas: Personas
) -> None:
    for project, department in ((world.project_a1, "供电公司"), (world.project_a2, "住建局")):
        issue_raise(
            by=None,
            project=project,
            data={
                "problem": "问题",
                "department": department,
                "raised_on": date(2025, 2, 1),
                "due_on": date(2025, 3, 1),
            },
        )
    issue_raise(
        by=None,
        project=world.project_b,
        data={
            "problem": "乙的问题",
            "department": "供电公司",
            "raised_on": date(2025, 2, 1),
            "due_on": date(2025, 3, 1),
        },
    )
    client.force_login(personas.zone_admin)
    url = reverse("projects:overdue-issues-export")
    (rows,) = sheets(client.get(url, {"department": "供电公司"})).values()
    assert [(row[1], row[4]) for row in rows[1:]] == [("甲一扩建项目", "供电公司")]
    (rows,) = sheets(client.get(url)).values()
    assert sorted(str(row[1]) for row in rows[1:]) == ["甲一扩建项目", "甲二新建项目"]
    client.force_login(personas.reporter)
    assert client.get(url).status_code == 403


def test_the_register_export_gives_plan_cumulative_and_the_months_report(
    client: Client, world: World, personas: Personas
) -> None:
    project_advance(project=world.project_a1, to_stage=Stage.STARTED, on=date(2025, 2, 1), by=None)
    registration = fai_register(by=None, project=world.project_a1, registered_on=date(2025, 2, 5))
    for month, amount in ((Month(2025, 2), "1000"), (Month(2025, 3), "1250")):
        fai_report_record(
            by=None, registration=registration, month=month, month_amount=Decimal(amount)
        )
    client.force_login(personas.zone_admin)
    response = client.get(reverse("projects:fai-export"), {"month": "2025-03"})
    (rows,) = sheets(response).values()
    header, row = rows
    values = dict(zip(header, row, strict=True))
    # Plan 45000 万元; cumulative 1000 + 1250 = 2250 = 5.0 % of the plan.
    assert row[0] == "甲一扩建项目"
    assert Decimal(str(row[header.index(header[5])])) == Decimal("45000")
    assert Decimal(str(row[6])) == Decimal("2250")
    assert Decimal(str(row[7])) == Decimal("5.0")
    assert row[8] == "2025-03"
    assert len(values) == 10
    client.force_login(personas.outsider)
    (rows,) = sheets(client.get(reverse("projects:fai-export"), {"month": "2025-03"})).values()
    assert rows[1:] == []


def test_a_rounds_summary_export_is_logged(
    client: Client, world: World, personas: Personas
) -> None:
    from kaifaqu.projects.services import round_create

    round = round_create(
        by=personas.province_viewer,
        data={
            "province": world.shanxi,
            "year": 2025,
            "number": 1,
            "window_start": date(2025, 1, 1),
            "held_on": date(2025, 2, 18),
        },
    )
    client.force_login(personas.zone_admin)
    response = client.get(reverse("projects:round-summary-export", args=[round.pk]))
    assert response.status_code == 200
    assert exported(personas) == 1
