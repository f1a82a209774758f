"""The database's pages: the register with its missing flags, registering an eligible project,
a project's report with the above-plan warning, the month's entry page (all or nothing), the
zone's totals; Chinese by default; personas outside see nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.periods import Month
from kaifaqu.projects.models import FaiRegistration, FaiReport, Project, Stage
from kaifaqu.projects.services import fai_register, fai_report_record, project_create

pytestmark = pytest.mark.django_db
D = Decimal


def started(world: World, name: str, planned: str, park: object = None) -> Project:
    return project_create(
        by=None,
        data={
            "name": name,
            "zone": world.zone_a,
            "park": park or world.park_a1,
            "total_investment": D(planned),
            "planned_investment": D(planned),
        },
        stage=Stage.STARTED,
        stage_on=date(2025, 1, 6),
    )


@pytest.fixture
def reg(world: World) -> FaiRegistration:
    registration = fai_register(
        by=None, project=started(world, "标准厂房项目", "1000"), registered_on=date(2025, 1, 10)
    )
    fai_report_record(
        by=None, registration=registration, month=Month(2025, 1), month_amount=D("300")
    )
    return registration


def test_the_register_flags_a_missing_month_in_chinese(
    client: Client, personas: Personas, reg: FaiRegistration
) -> None:
    client.force_login(personas.zone_admin)
    page = client.get(reverse("projects:fai-list"), {"month": "2025-02"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "标准厂房项目" in html
    assert 'data-testid="fai-missing-flag"' in html
    assert 'lang="zh-hans"' in html or "zh" in page.headers.get("Content-Language", "zh")
    january = client.get(reverse("projects:fai-list"), {"month": "2025-01"}).content.decode()
    assert 'data-testid="fai-missing-flag"' not in january
    # 300 of 1,000: 30.0 % of the plan.
    assert "30.0 %" in january


def test_registering_an_eligible_project_on_the_page(
    client: Client, world: World, personas: Personas
) -> None:
    project = started(world, "可入库项目", "800")
    small = started(world, "小项目", "499.9999")
    client.force_login(personas.statistician)
    page = client.get(reverse("projects:fai-eligible"))
    names = [row["project"].name for row in page.context["rows"]]
    assert names == ["可入库项目"] and small.name not in names
    early = client.post(
        reverse("projects:fai-eligible"),
        {"project": project.pk, f"{project.pk}-registered_on": "2024-12-31"},
    )
    assert early.status_code == 400
    assert not FaiRegistration.objects.exists()
    done = client.post(
        reverse("projects:fai-eligible"),
        {
            "project": project.pk,
            f"{project.pk}-registered_on": "2025-01-08",
            f"{project.pk}-stats_code": "140600-001",
        },
    )
    assert done.status_code == 302
    assert FaiRegistration.objects.get().stats_code == "140600-001"


def test_a_report_above_the_plan_shows_the_warning_until_explained(
    client: Client, personas: Personas, reg: FaiRegistration
) -> None:
    client.force_login(personas.zone_admin)
    url = reg.get_absolute_url()
    warned = client.post(url, {"month": "2025-02", "month_amount": "800"})
    # 300 + 800 = 1,100 > 1,000.
    assert warned.status_code == 400
    assert 'data-testid="above-plan-warning"' in warned.content.decode()
    assert FaiReport.objects.count() == 1
    saved = client.post(
        url, {"month": "2025-02", "month_amount": "800", "above_plan_note": "追加设备"}
    )
    assert saved.status_code == 302
    assert FaiReport.objects.get(month=date(2025, 2, 1)).cumulative == D("1100")


def test_the_month_page_saves_every_line_or_none(
    client: Client, world: World, personas: Personas, reg: FaiRegistration
) -> None:
    other = fai_register(
        by=None,
        project=started(world, "第二项目", "500", world.park_a2),
        registered_on=date(2025, 1, 10),
    )
    client.force_login(personas.zone_admin)
    url = reverse("projects:fai-month")
    page = client.get(url, {"zone": str(world.zone_a.pk), "month": "2025-02"})
    assert len(page.context["lines"]) == 2
    failed = client.post(
        url,
        {
            "zone": world.zone_a.pk,
            "month": "2025-02",
            f"{reg.pk}-month_amount": "100",
            f"{other.pk}-month_amount": "600",  # above its plan of 500
        },
    )
    assert failed.status_code == 400
    assert not FaiReport.objects.filter(month=date(2025, 2, 1)).exists()
    done = client.post(
        url,
        {
            "zone": world.zone_a.pk,
            "month": "2025-02",
            f"{reg.pk}-month_amount": "100",
            f"{other.pk}-month_amount": "60",
        },
    )
    assert done.status_code == 302
    assert FaiReport.objects.filter(month=date(2025, 2, 1)).count() == 2


def test_the_totals_page(
    client: Client, world: World, personas: Personas, reg: FaiRegistration
) -> None:
    client.force_login(personas.zone_admin)
    page = client.get(reverse("projects:fai-totals"), {"month": "2025-01"})
    assert page.status_code == 200
    assert page.context["figures"].ytd_value == D("300")
    assert "固定资产投资" in page.content.decode()


def test_english_pages(client: Client, personas: Personas, reg: FaiRegistration) -> None:
    client.force_login(personas.zone_admin)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("projects:fai-list"), {"month": "2025-01"}).content.decode()
    assert "Fixed-asset investment database" in html


def test_personas_outside_see_nothing(
    client: Client, world: World, personas: Personas, reg: FaiRegistration
) -> None:
    client.force_login(personas.outsider)
    page = client.get(reverse("projects:fai-list"))
    assert "标准厂房项目" not in page.content.decode()
    assert client.get(reg.get_absolute_url()).status_code == 404
    assert client.get(reverse("projects:fai-totals"), {"zone": world.zone_a.pk}).status_code == 404
    client.force_login(personas.reporter)
    assert client.get(reverse("projects:fai-list")).status_code == 403
    # A park user of another park: the registration is in 一园.
    other_park = project_create(
        by=None,
        data={
            "name": "二园项目",
            "zone": world.zone_a,
            "park": world.park_a2,
            "total_investment": D("900"),
            "planned_investment": D("900"),
        },
        stage=Stage.STARTED,
        stage_on=date(2025, 1, 6),
    )
    hidden = fai_register(by=None, project=other_park, registered_on=date(2025, 1, 10))
    client.force_login(personas.park_user)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(reg.get_absolute_url()).status_code == 200


def test_a_reader_without_write_rights_gets_no_form(
    client: Client, personas: Personas, reg: FaiRegistration
) -> None:
    client.force_login(personas.province_viewer)
    page = client.get(reg.get_absolute_url())
    assert page.status_code == 200
    assert page.context["form"] is None
    assert (
        client.post(reg.get_absolute_url(), {"month": "2025-02", "month_amount": "1"}).status_code
        == 403
    )
