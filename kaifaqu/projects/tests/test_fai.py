"""The fixed-asset investment database: which projects can be registered (入库), the monthly
reports' rules (one a month, month bounds, the cumulative chain, corrections, above the plan only
with an explanation), the zone's month, 1–N月 and growth computed by hand, and who may write and
see what."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.periods import Month
from kaifaqu.geo.models import Park, Zone
from kaifaqu.projects.models import FaiRegistration, FaiReport, Project, Stage
from kaifaqu.projects.selectors import (
    fai_eligible_projects,
    fai_registrations,
    started_without_reports,
    zone_fai,
    zone_fai_by_park,
    zone_fai_months,
)
from kaifaqu.projects.services import (
    MonthEntryError,
    fai_month_record,
    fai_register,
    fai_registration_update,
    fai_report_record,
    project_advance,
    project_create,
)

pytestmark = pytest.mark.django_db
D = Decimal


def started_project(
    zone: Zone,
    name: str,
    planned: str,
    on: date = date(2024, 3, 10),
    park: Park | None = None,
    stage: str = Stage.STARTED,
) -> Project:
    return project_create(
        by=None,
        data={
            "name": name,
            "zone": zone,
            "park": park,
            "total_investment": D(planned),
            "planned_investment": D(planned),
        },
        stage=stage,
        stage_on=on,
    )


def registered(project: Project, on: date = date(2024, 3, 20)) -> FaiRegistration:
    return fai_register(by=None, project=project, registered_on=on)


def report(reg: FaiRegistration, month: str, amount: str, **kwargs: object) -> FaiReport:
    return fai_report_record(
        by=None,
        registration=reg,
        month=Month.parse(month),
        month_amount=D(amount),
        **kwargs,  # type: ignore[arg-type]
    ).report


# --- eligibility -------------------------------------------------------------------------------


def test_it_registers_a_started_project_of_exactly_500_wan(world: World) -> None:
    project = started_project(world.zone_a, "门槛项目", "500")
    reg = fai_register(by=None, project=project, registered_on=date(2024, 3, 20), stats_code="X1")
    assert reg.project == project
    assert reg.stats_code == "X1"


def test_it_refuses_a_project_just_below_500_wan(world: World) -> None:
    project = started_project(world.zone_a, "差一点项目", "499.9999")
    with pytest.raises(ValidationError) as error:
        registered(project)
    assert "499.9999" in str(error.value)
    assert not FaiRegistration.objects.exists()


def test_it_refuses_a_project_that_has_not_started(world: World) -> None:
    # project_a1 is signed (签约), 45,000 万元: big enough, not started.
    with pytest.raises(ValidationError) as error:
        registered(world.project_a1)
    assert "project" in error.value.message_dict


def test_it_refuses_a_project_without_a_planned_total_investment(world: World) -> None:
    project = started_project(world.zone_a, "无计划项目", "900")
    # A project imported before the rule: started, no 计划总投资 on record.
    Project.objects.filter(pk=project.pk).update(planned_investment=None)
    project.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        registered(project)
    assert "project" in error.value.message_dict


def test_it_registers_a_project_once(world: World) -> None:
    project = started_project(world.zone_a, "一次项目", "800")
    registered(project)
    with pytest.raises(ValidationError) as error:
        registered(project)
    assert "already" in str(error.value) or "已" in str(error.value)
    assert FaiRegistration.objects.count() == 1


def test_a_stalled_project_cannot_be_newly_registered_but_stays_registered(
    world: World, personas: Personas
) -> None:
    kept = started_project(world.zone_a, "已入库停滞项目", "800")
    reg = registered(kept)
    project_advance(
        project=kept, to_stage=Stage.STALLED, on=date(2024, 6, 1), by=None, note="缺资金"
    )
    assert FaiRegistration.objects.filter(pk=reg.pk).exists()
    # Its reports of the months it ran can still be entered or corrected.
    report(reg, "2024-05", "100")
    other = started_project(world.zone_a, "未入库停滞项目", "800")
    project_advance(
        project=other, to_stage=Stage.STALLED, on=date(2024, 6, 1), by=None, note="缺资金"
    )
    with pytest.raises(ValidationError):
        registered(other)
    eligible = fai_eligible_projects(user=personas.zone_admin, zone=world.zone_a)
    assert not eligible.filter(pk=other.pk).exists()


def test_a_project_that_skipped_to_building_or_is_commissioned_is_eligible(world: World) -> None:
    building = started_project(world.zone_a, "在建项目", "600", stage=Stage.BUILDING)
    commissioned = started_project(world.zone_a, "投产项目", "600", stage=Stage.COMMISSIONED)
    registered(building)
    registered(commissioned)
    assert FaiRegistration.objects.count() == 2


def test_the_registration_date_is_neither_before_the_start_nor_in_the_future(
    world: World,
) -> None:
    project = started_project(world.zone_a, "日期项目", "800", on=date(2024, 3, 10))
    with pytest.raises(ValidationError) as early:
        fai_register(by=None, project=project, registered_on=date(2024, 3, 9))
    assert "registered_on" in early.value.message_dict
    with pytest.raises(ValidationError):
        fai_register(
            by=None,
            project=project,
            registered_on=timezone.localdate().replace(year=timezone.localdate().year + 1),
        )
    reg = fai_register(by=None, project=project, registered_on=date(2024, 3, 10))
    with pytest.raises(ValidationError):
        fai_registration_update(by=None, registration=reg, data={"registered_on": date(2024, 1, 1)})
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as future:
        fai_registration_update(by=None, registration=reg, data={"registered_on": tomorrow})
    assert future.value.message_dict["registered_on"] == ["入库日期不能晚于今天。"]
    reg.refresh_from_db()
    assert reg.registered_on == date(2024, 3, 10)


def test_the_statistical_code_is_unique_when_given(world: World) -> None:
    one = started_project(world.zone_a, "代码一", "800")
    two = started_project(world.zone_a, "代码二", "800")
    three = started_project(world.zone_a, "代码三", "800")
    fai_register(by=None, project=one, registered_on=date(2024, 3, 20), stats_code="1406001")
    with pytest.raises(ValidationError):
        fai_register(by=None, project=two, registered_on=date(2024, 3, 20), stats_code="1406001")
    # Blank codes do not collide.
    fai_register(by=None, project=two, registered_on=date(2024, 3, 20))
    fai_register(by=None, project=three, registered_on=date(2024, 3, 20))


# --- who may register and report -------------------------------------------------------------


@pytest.mark.parametrize("persona", ["zone_admin", "statistician"])
def test_the_zone_staff_and_statistician_register_and_report(
    world: World, personas: Personas, persona: str
) -> None:
    project = started_project(world.zone_a, "本区项目", "800", park=world.park_a1)
    user = getattr(personas, persona)
    reg = fai_register(by=user, project=project, registered_on=date(2024, 3, 20))
    fai_report_record(by=user, registration=reg, month=Month(2024, 3), month_amount=D("100"))
    assert FaiReport.objects.get().reported_by == user


@pytest.mark.parametrize("persona", ["outsider", "reporter", "province_viewer", "auditor"])
def test_others_may_not_register(world: World, personas: Personas, persona: str) -> None:
    project = started_project(world.zone_a, "本区项目", "800", park=world.park_a1)
    with pytest.raises(PermissionDenied):
        fai_register(
            by=getattr(personas, persona), project=project, registered_on=date(2024, 3, 20)
        )


def test_a_park_user_writes_for_its_own_park_only(world: World, personas: Personas) -> None:
    own = started_project(world.zone_a, "一园项目", "800", park=world.park_a1)
    other = started_project(world.zone_a, "二园项目", "800", park=world.park_a2)
    fai_register(by=personas.park_user, project=own, registered_on=date(2024, 3, 20))
    with pytest.raises(PermissionDenied):
        fai_register(by=personas.park_user, project=other, registered_on=date(2024, 3, 20))
    reg = registered(other)
    with pytest.raises(PermissionDenied):
        fai_report_record(
            by=personas.park_user, registration=reg, month=Month(2024, 3), month_amount=D("1")
        )


def test_the_writes_are_audited(world: World, personas: Personas) -> None:
    from kaifaqu.core.audit import history_for

    project = started_project(world.zone_a, "审计项目", "800")
    reg = fai_register(by=personas.zone_admin, project=project, registered_on=date(2024, 3, 20))
    saved = fai_report_record(
        by=personas.zone_admin, registration=reg, month=Month(2024, 3), month_amount=D("100")
    ).report
    assert history_for(reg).first().actor == personas.zone_admin  # type: ignore[union-attr]
    assert history_for(saved).first().actor == personas.zone_admin  # type: ignore[union-attr]


# --- the monthly reports ------------------------------------------------------------------------


@pytest.fixture
def reg(world: World) -> FaiRegistration:
    # Started 2024-03-10, plan 1,000 万元.
    return registered(started_project(world.zone_a, "厂房项目", "1000", park=world.park_a1))


def test_one_report_a_month_and_a_second_is_a_correction(reg: FaiRegistration) -> None:
    report(reg, "2024-03", "100")
    report(reg, "2024-03", "120")
    assert FaiReport.objects.count() == 1
    assert FaiReport.objects.get().month_amount == D("120")


def test_it_stores_the_month_as_its_first_day(reg: FaiRegistration) -> None:
    fai_report_record(by=None, registration=reg, month=date(2024, 4, 17), month_amount=D("5"))
    assert FaiReport.objects.get().month == date(2024, 4, 1)


def test_it_rejects_a_month_before_the_start_or_after_this_month(reg: FaiRegistration) -> None:
    with pytest.raises(ValidationError) as before:
        report(reg, "2024-02", "100")
    assert "month" in before.value.message_dict
    next_month = Month.of(timezone.localdate()).shift(1)
    with pytest.raises(ValidationError):
        report(reg, str(next_month), "100")
    # The start month itself and the current month are fine.
    report(reg, "2024-03", "100")
    report(reg, str(Month.of(timezone.localdate())), "10")


def test_it_rejects_a_negative_month(reg: FaiRegistration) -> None:
    with pytest.raises(ValidationError):
        report(reg, "2024-03", "-1")


def test_the_cumulative_is_derived_when_only_the_month_is_given(reg: FaiRegistration) -> None:
    assert report(reg, "2024-03", "100").cumulative == D("100")
    # 100 + 150 = 250
    assert report(reg, "2024-04", "150").cumulative == D("250")


def test_the_cumulative_given_must_chain_on_the_previous_report(reg: FaiRegistration) -> None:
    report(reg, "2024-03", "100")
    with pytest.raises(ValidationError) as error:
        report(reg, "2024-04", "150", cumulative=D("300"))
    # 100 reported up to 2024-03 + 150 = 250 expected.
    assert "250" in str(error.value.message_dict["cumulative"])
    assert report(reg, "2024-04", "150", cumulative=D("250")).cumulative == D("250")


def test_the_first_report_may_carry_what_was_invested_before(reg: FaiRegistration) -> None:
    # Reporting starts in May; 300 were invested in March–April: cumulative 400 with 100 in May.
    assert report(reg, "2024-05", "100", cumulative=D("400")).cumulative == D("400")
    assert report(reg, "2024-06", "50").cumulative == D("450")
    with pytest.raises(ValidationError):
        report(reg, "2024-07", "10", cumulative=D("5"))  # below the month: refused


def test_a_correction_rederives_the_later_cumulatives(reg: FaiRegistration) -> None:
    report(reg, "2024-03", "100")  # 100
    report(reg, "2024-04", "150")  # 250
    report(reg, "2024-05", "50")  # 300
    outcome = fai_report_record(
        by=None, registration=reg, month=Month(2024, 3), month_amount=D("130")
    )
    # March +30: April 280, May 330.
    assert [r.month.month for r in outcome.rederived] == [4, 5]
    assert list(FaiReport.objects.order_by("month").values_list("cumulative", flat=True)) == [
        D("130"),
        D("280"),
        D("330"),
    ]


def test_a_missing_month_added_later_moves_the_later_cumulatives(reg: FaiRegistration) -> None:
    report(reg, "2024-03", "100")  # 100
    report(reg, "2024-05", "50")  # 150 (April unreported counted as nothing)
    report(reg, "2024-04", "70")  # 170; May becomes 220
    assert FaiReport.objects.get(month=date(2024, 5, 1)).cumulative == D("220")


def test_a_month_added_before_the_first_takes_its_opening_balance(reg: FaiRegistration) -> None:
    report(reg, "2024-05", "100", cumulative=D("400"))  # opening balance 300
    added = report(reg, "2024-04", "120")
    # The first report's opening balance 400 − 100 = 300 already included April.
    assert added.cumulative == D("300")
    assert FaiReport.objects.get(month=date(2024, 5, 1)).cumulative == D("400")


def test_above_the_plan_needs_an_explanation(reg: FaiRegistration) -> None:
    report(reg, "2024-03", "900")
    with pytest.raises(ValidationError) as error:
        report(reg, "2024-04", "200")  # 1,100 > plan 1,000
    assert "above_plan_note" in error.value.message_dict
    assert FaiReport.objects.count() == 1
    saved = report(reg, "2024-04", "200", above_plan_note="追加设备投资，计划调整待批")
    assert saved.cumulative == D("1100")
    assert saved.above_plan_note == "追加设备投资，计划调整待批"
    # Exactly at the plan needs none.
    other = registered(started_project(reg.project.zone, "正好项目", "1000"))
    assert report(other, "2024-03", "1000").above_plan_note == ""


def test_a_correction_pushing_a_later_month_above_the_plan_needs_an_explanation(
    reg: FaiRegistration,
) -> None:
    report(reg, "2024-03", "500")
    report(reg, "2024-04", "450")  # 950
    with pytest.raises(ValidationError) as error:
        report(reg, "2024-03", "600")  # April would be 1,050
    assert "2024-04" in str(error.value)
    assert FaiReport.objects.get(month=date(2024, 3, 1)).month_amount == D("500")
    report(reg, "2024-03", "600", above_plan_note="设备涨价")
    april = FaiReport.objects.get(month=date(2024, 4, 1))
    assert (april.cumulative, april.above_plan_note) == (D("1050"), "设备涨价")


def test_a_month_entry_is_all_or_nothing(world: World, reg: FaiRegistration) -> None:
    other = registered(started_project(world.zone_a, "第二项目", "800"))
    with pytest.raises(MonthEntryError) as error:
        fai_month_record(
            by=None,
            month=Month(2024, 3),
            rows=[
                {"registration": reg, "month_amount": D("100")},
                {"registration": other, "month_amount": D("900")},  # above its plan of 800
            ],
        )
    assert list(error.value.rows) == [1]
    assert not FaiReport.objects.exists()
    fai_month_record(
        by=None,
        month=Month(2024, 3),
        rows=[
            {"registration": reg, "month_amount": D("100")},
            {"registration": other, "month_amount": D("80")},
        ],
    )
    assert FaiReport.objects.count() == 2


# --- the zone's figures, computed by hand --------------------------------------------------


@pytest.fixture
def zone_reports(world: World) -> dict[str, FaiRegistration]:
    """Zone 甲: 甲-1 in park 一园 (plan 5,000), 甲-2 in 二园 (plan 3,000); zone 乙: 乙-1.

    month      甲-1   甲-2   乙-1
    2024-01    100     —      999
    2024-02    200     50      —
    2024-03    300     —       —
    2025-01    400    100     999
    2025-02    500     —       —
    2025-03    600    200      —
    """
    one = registered(
        started_project(world.zone_a, "甲-1", "5000", on=date(2023, 12, 1), park=world.park_a1),
        on=date(2024, 1, 5),
    )
    two = registered(
        started_project(world.zone_a, "甲-2", "3000", on=date(2024, 2, 1), park=world.park_a2),
        on=date(2024, 2, 5),
    )
    far = registered(
        started_project(world.zone_b, "乙-1", "9000", on=date(2023, 12, 1), park=world.park_b),
        on=date(2024, 1, 5),
    )
    for month, amount in [
        ("2024-01", "100"),
        ("2024-02", "200"),
        ("2024-03", "300"),
        ("2025-01", "400"),
        ("2025-02", "500"),
        ("2025-03", "600"),
    ]:
        report(one, month, amount)
    for month, amount in [("2024-02", "50"), ("2025-01", "100"), ("2025-03", "200")]:
        report(two, month, amount)
    report(far, "2024-01", "999")
    report(far, "2025-01", "999")
    return {"one": one, "two": two, "far": far}


def test_the_zone_month_ytd_and_growth(
    world: World, personas: Personas, zone_reports: dict[str, FaiRegistration]
) -> None:
    figures = zone_fai(user=personas.zone_admin, zone=world.zone_a, month=Month(2025, 3))
    # 2025-03: 600 + 200 = 800; 2024-03: 300 → growth 800/300 − 1 = 166.7 %.
    assert figures.month_value == D("800")
    assert figures.month_base == D("300")
    assert figures.month_growth == D("166.7")
    # 1–3月 2025: 400+500+600 + 100+200 = 1,800; 2024: 100+200+300 + 50 = 650;
    # 1800/650 − 1 = 1.76923 → 176.9 %. Zone 乙's 999s are not in it.
    assert figures.ytd_value == D("1800")
    assert figures.ytd_base == D("650")
    assert figures.ytd_growth == D("176.9")
    assert figures.projects == 2


def test_a_month_nobody_reported_has_no_figure(
    world: World, personas: Personas, zone_reports: dict[str, FaiRegistration]
) -> None:
    figures = zone_fai(user=personas.zone_admin, zone=world.zone_a, month=Month(2025, 4))
    assert figures.month_value is None
    # 1–4月 2025 = 1,800 (April nothing); 2024 1–4月 = 650.
    assert figures.ytd_value == D("1800")


def test_the_figures_per_park(
    world: World, personas: Personas, zone_reports: dict[str, FaiRegistration]
) -> None:
    rows = {
        row.name: row.figures
        for row in zone_fai_by_park(
            user=personas.zone_admin, zone=world.zone_a, month=Month(2025, 2)
        )
    }
    # 一园 1–2月 2025: 400+500 = 900, 2024: 100+200 = 300 → +200 %.
    assert rows["一园"].ytd_value == D("900")
    assert rows["一园"].ytd_growth == D("200.0")
    # 二园 1–2月 2025: 100, 2024: 50 → +100 %; no figure for February 2025 itself.
    assert rows["二园"].ytd_value == D("100")
    assert rows["二园"].month_value is None
    assert rows["二园"].ytd_growth == D("100.0")


def test_the_months_of_a_year_with_running_ytd(
    world: World, personas: Personas, zone_reports: dict[str, FaiRegistration]
) -> None:
    rows = zone_fai_months(
        user=personas.zone_admin, zone=world.zone_a, year=2025, upto=Month(2025, 3)
    )
    # Months 500, 500, 800; running 500, 1000, 1800; last year 100, 250, 300 → 100, 350, 650.
    assert [(r.value, r.ytd, r.base, r.ytd_base) for r in rows] == [
        (D("500"), D("500"), D("100"), D("100")),
        (D("500"), D("1000"), D("250"), D("350")),
        (D("800"), D("1800"), D("300"), D("650")),
    ]


def test_a_park_user_sees_its_park_only(
    world: World, personas: Personas, zone_reports: dict[str, FaiRegistration]
) -> None:
    figures = zone_fai(user=personas.park_user, zone=world.zone_a, month=Month(2025, 3))
    # 一园 alone: 1–3月 1,500.
    assert figures.ytd_value == D("1500")
    names = {
        r.project.name for r in fai_registrations(user=personas.park_user, month=Month(2025, 3))
    }
    assert names == {"甲-1"}


@pytest.mark.parametrize("persona", ["outsider", "reporter"])
def test_others_see_nothing_of_the_zone(
    world: World, personas: Personas, zone_reports: dict[str, FaiRegistration], persona: str
) -> None:
    user = getattr(personas, persona)
    figures = zone_fai(user=user, zone=world.zone_a, month=Month(2025, 3))
    assert figures.ytd_value is None
    assert not fai_registrations(user=user, month=Month(2025, 3)).filter(project__zone=world.zone_a)
    assert not started_without_reports(user=user, month=Month(2025, 4)).filter(zone=world.zone_a)


def test_the_register_shows_where_each_project_stands(
    world: World, personas: Personas, zone_reports: dict[str, FaiRegistration]
) -> None:
    rows = {
        r.project.name: r for r in fai_registrations(user=personas.zone_admin, month=Month(2025, 3))
    }
    # 甲-1: 2024 100+200+300 = 600, 2025 +400+500+600 = 2,100 since the start.
    assert rows["甲-1"].cumulative == D("2100")  # type: ignore[attr-defined]
    assert rows["甲-1"].last_month == date(2025, 3, 1)  # type: ignore[attr-defined]
    assert rows["甲-1"].reported  # type: ignore[attr-defined]
    assert "乙-1" not in rows


def test_started_projects_without_a_report(
    world: World, personas: Personas, zone_reports: dict[str, FaiRegistration]
) -> None:
    unregistered = started_project(world.zone_a, "未入库项目", "800", on=date(2025, 1, 2))
    small = started_project(world.zone_a, "小项目", "300", on=date(2025, 1, 2))
    later = started_project(world.zone_a, "五月开工项目", "800", on=date(2025, 5, 2))
    missing = started_without_reports(user=personas.zone_admin, month=Month(2025, 2))
    names = {p.name: p.fai_registered for p in missing}  # type: ignore[attr-defined]
    # 甲-2 did not report February; 未入库项目 is eligible and not registered; 甲-1 reported;
    # 小项目 is below 500 万元; 五月开工项目 had not started.
    assert names == {"甲-2": True, "未入库项目": False}
    assert small.name not in names and later.name not in names and unregistered
