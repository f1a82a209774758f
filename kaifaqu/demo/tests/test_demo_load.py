"""The demo zone reproduces the article's numbers, and loading it again changes nothing.

The article's figures are typed here (from 《向“新”奋进 提质而“立”——朔州经济开发区推进高质量发展
纪略》), not read from the data files. The demo is a living zone: it is loaded on a pinned day,
2026-03-15 (the clock, `timezone.localdate`, is pinned with it), and the dates the files write
after the article are placed for that day (`demo/timeline.py`). It is loaded once for the module
inside a transaction that is rolled back at the end; each test runs in its own savepoint within it.
"""

from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any
from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation

from kaifaqu.accounts.models import User
from kaifaqu.core.lib import uscc
from kaifaqu.core.permissions import Role
from kaifaqu.demo.services import demo_load
from kaifaqu.demo.timeline import WRITTEN_FOR, Timeline
from kaifaqu.enterprises.models import Enterprise, EnterpriseKind, RosterEntry, StatCategory
from kaifaqu.geo.models import Park, Region, RegionLevel, Zone, ZoneLevel
from kaifaqu.indicators.models import Indicator, ReportedFigure
from kaifaqu.projects.models import (
    LIFECYCLE,
    IssueStatus,
    Lead,
    LeadStatus,
    MemberRole,
    Project,
    Round,
    Stage,
    StageChange,
)
from kaifaqu.projects.selectors import (
    overdue_issues,
    project_cycles,
    project_timeline,
    round_summary,
)
from kaifaqu.projects.services import project_advance

pytestmark = pytest.mark.django_db

ZONE = "朔州经济开发区"
# The article does not date the event; the data files assume this day (see docs/demo.md).
EVENT = date(2025, 2, 18)
DAY = date(2026, 3, 15)
PLACE = Timeline(DAY).place


def _quiet(_line: str) -> None:
    pass


@pytest.fixture(scope="module", autouse=True)
def demo_summary(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    with (
        mock.patch.object(timezone, "localdate", return_value=DAY),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield demo_load(echo=_quiet, today=DAY)
        transaction.set_rollback(True)


@pytest.fixture
def zone() -> Zone:
    return Zone.objects.get(name=ZONE)


def _snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, with every value (timestamps included)."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


# The zone, its parks and the regions


def test_the_zone_has_the_articles_area_institutions_and_governance(zone: Zone) -> None:
    assert zone.area_km2 == Decimal("99.86")
    assert (zone.internal_departments, zone.public_institutions, zone.park_service_centres) == (
        8,
        14,
        5,
    )
    assert zone.governance_model == "小管委会+大公司+产业基金"
    assert zone.level == ZoneLevel.PROVINCIAL
    assert zone.region.code == "140600"
    # "三十而立" only suggests a year; it is not stored as a fact.
    assert zone.established_year is None
    assert "一区五园" in zone.description and "2017" in zone.description


def test_the_five_parks_come_in_the_articles_order_and_share_the_zones_area(zone: Zone) -> None:
    parks = list(Park.objects.filter(zone=zone).order_by("position"))
    assert [park.name for park in parks] == [
        "科创商务园区",
        "神电固废综合利用园区",
        "麻家梁循环经济园区",
        "新兴产业园区",
        "临港物流园区",
    ]
    # The article gives only the total: the parts are illustrative and add up to 99.86 km².
    assert all(park.area_is_illustrative for park in parks)
    assert sum(park.area_km2 or Decimal(0) for park in parks) == Decimal("99.86")


def test_the_regions_are_shanxi_its_eleven_cities_and_shuozhous_six_counties() -> None:
    shanxi = Region.objects.get(code="140000")
    assert shanxi.name == "山西省"
    cities = Region.objects.filter(parent=shanxi, level=RegionLevel.CITY)
    assert cities.count() == 11
    assert Region.objects.get(code="140600").name == "朔州市"
    counties = Region.objects.filter(parent__code="140600").order_by("code")
    assert [(r.code, r.name) for r in counties] == [
        ("140602", "朔城区"),
        ("140603", "平鲁区"),
        ("140621", "山阴县"),
        ("140622", "应县"),
        ("140623", "右玉县"),
        ("140681", "怀仁市"),
    ]


# The 2024 figures


def test_the_2024_figures_are_the_articles_in_wan_yuan(zone: Zone) -> None:
    from kaifaqu.core.lib.periods import Month
    from kaifaqu.indicators.selectors import indicator_rows

    figures = {
        figure.indicator: figure
        for figure in ReportedFigure.objects.filter(zone=zone, year=2024, months=12)
    }
    # 72.763 亿元 = 727630 万元, and so on: entered as the other offices publish them.
    assert {indicator: figure.value for indicator, figure in figures.items()} == {
        Indicator.GDP: Decimal("727630"),
        Indicator.FISCAL_REVENUE: Decimal("966559"),
        Indicator.BUDGET_REVENUE: Decimal("57730"),
        Indicator.INDUSTRIAL_VALUE_ADDED: Decimal("256580"),
        Indicator.RETAIL_SALES: Decimal("283883"),
    }
    assert all("朔州经济开发区推进高质量发展纪略" in f.source for f in figures.values())
    # 固定资产投资 18.8817 亿元 is computed from the investment database, as every year's is.
    table = indicator_rows(
        user=User.objects.get(username="demo"),
        month=Month(2024, 12),
        slice_kind="zone",
        slice_key=str(zone.pk),
    )
    investment = next(r for r in table.rows if r.code == "fixed_asset_investment")
    assert (investment.ytd_value, investment.computed) == (Decimal("188817.00"), True)


# Enterprises and the roster


def _roster_2024(zone: Zone) -> Any:
    return RosterEntry.objects.filter(
        enterprise__zone=zone, year=2024, category=StatCategory.INDUSTRY
    )


def test_the_2024_roster_of_above_scale_industry_has_49_enterprises(zone: Zone) -> None:
    assert _roster_2024(zone).count() == 49
    assert _roster_2024(zone).filter(enterprise__name__contains="国润储能").exists()


def test_the_candidates_for_the_roster_are_not_on_it(zone: Zone) -> None:
    for name in ("景钰兴", "昱瀚新材料"):
        enterprise = Enterprise.objects.get(zone=zone, name__contains=name)
        assert not enterprise.roster_entries.exists()


def test_the_roster_holds_only_mining_manufacturing_and_utilities(zone: Zone) -> None:
    sections = {entry.enterprise.industry.section_code for entry in _roster_2024(zone)}
    assert sections <= {"B", "C", "D"}


def test_most_roster_firms_are_in_the_solid_waste_circular_and_emerging_parks(
    zone: Zone,
) -> None:
    parks = ["神电固废综合利用园区", "麻家梁循环经济园区", "新兴产业园区"]
    assert _roster_2024(zone).filter(enterprise__park__name__in=parks).count() > 40


def test_every_uscc_is_valid_and_registered_in_shuozhou() -> None:
    codes = list(Enterprise.objects.values_list("uscc", flat=True))
    assert len(codes) == len(set(codes)) > 49
    for code in codes:
        assert uscc.validate(code) == code
        assert code[2:6] == "1406"


def test_the_platform_companies_are_the_articles_four(zone: Zone) -> None:
    platforms = Enterprise.objects.filter(zone=zone, kind=EnterpriseKind.PLATFORM_COMPANY)
    assert {p.name for p in platforms} == {
        "山西朔开投资运营有限公司",
        "朔开新能源公司",
        "朔州经开区市政服务公司",
        "朔州经开区电子商务公司",
    }
    # 去年 11 月中旬 three companies were formed at the same time.
    formed = platforms.filter(established_on=date(2024, 11, 15))
    assert formed.count() == 3


# Only what the article names is not illustrative

# Words that pick out each enterprise and project the article names.
ARTICLE_ENTERPRISES = [
    "绿净新材料",
    "淮海钠电",
    "国润储能",
    "景钰兴",
    "昱瀚新材料",
    "朔开投资运营",
    "朔开新能源",
    "市政服务",
    "电子商务",
]
ARTICLE_PROJECTS = [
    "绿净年处理20万吨",
    "淮海钠电新能源项目",
    "科技园标准厂房一期",
    "红旗牧场现代设施农业标准化生产示范基地建设项目",
    "固废资源综合利用项目",
    "煤矿智能化研发生产基地",
]


@pytest.mark.parametrize(
    ("model", "words"), [(Enterprise, ARTICLE_ENTERPRISES), (Project, ARTICLE_PROJECTS)]
)
def test_every_record_the_article_does_not_name_is_flagged_illustrative(
    zone: Zone, model: Any, words: list[str]
) -> None:
    named = set()
    for word in words:
        matches = list(model.objects.filter(zone=zone, name__contains=word))
        assert len(matches) == 1, word
        named.add(matches[0].pk)
    for record in model.objects.filter(zone=zone):
        assert record.is_illustrative == (record.pk not in named), record.name


# Projects and the 2025 first round of 三个一批


def _listed(zone: Zone, stage: str) -> Any:
    return Project.objects.filter(
        zone=zone, stage_changes__to_stage=stage, stage_changes__on=EVENT
    ).distinct()


def test_the_signing_list_has_4_projects_and_6_3_yi_signed(zone: Zone) -> None:
    signed = _listed(zone, Stage.SIGNED)
    assert signed.count() == 4
    assert signed.aggregate(total=Sum("signed_investment"))["total"] == Decimal("63000")
    names = {project.name for project in signed}
    assert "年处理20万吨粉煤灰、煤矸石固废资源综合利用项目" in names
    assert "煤矿智能化研发生产基地" in names


def test_the_start_list_has_6_projects_and_7_8_yi_planned(zone: Zone) -> None:
    started = _listed(zone, Stage.STARTED)
    assert started.count() == 6
    assert started.aggregate(total=Sum("planned_investment"))["total"] == Decimal("78000")
    assert started.filter(name__startswith="绿净").exists()


def test_the_commissioning_list_has_1_project_and_0_8_yi(zone: Zone) -> None:
    commissioned = _listed(zone, Stage.COMMISSIONED)
    assert commissioned.count() == 1
    assert commissioned.get().total_investment == Decimal("8000")


def test_the_rounds_summary_reads_as_the_article(zone: Zone) -> None:
    round_ = Round.objects.get(province__code="140000", year=2025, number=1)
    assert round_.held_on == EVENT and round_.entries.count() == 11
    admin = User.objects.get(username="demo")
    place = round_summary(user=admin, round=round_).zones[0]
    with translation.override("zh-hans"):
        assert place.text == (
            "签约项目共 4 个，签约投资额为 6.3 亿元；开工项目共 6 个，计划总投资 7.8 亿元；"
            "投产项目共 1 个，项目总投资 0.8 亿元"
        )
    province = round_summary(user=User.objects.get(username="shanxi"), round=round_).province
    assert province is not None and province.text == place.text


def test_the_lvjing_project_has_the_articles_numbers(zone: Zone) -> None:
    project = Project.objects.get(zone=zone, name__startswith="绿净年处理20万吨")
    assert project.park is not None and project.park.name == "神电固废综合利用园区"
    assert project.enterprise is not None
    assert project.enterprise.name == "朔州市绿净新材料科技有限公司"
    assert project.land_mu == Decimal("149.94")
    assert project.total_investment == Decimal("45000")
    assert project.expected_annual_tax == Decimal("1600")
    assert project.expected_jobs == 160
    assert "160 余人" in project.description
    assert project.capacity == "年处理粉煤灰 10 万吨、煤矸石 10 万吨"
    # 奠基开工 at the event; building since (2025-04-08 in the files, placed for the day).
    assert project.stage_changes.get(to_stage=Stage.STARTED).on == EVENT
    assert (project.stage, project.stage_since) == (Stage.BUILDING, PLACE(date(2025, 4, 8)))


def test_huaihai_took_three_months_from_approval_to_landing(zone: Zone) -> None:
    project = Project.objects.get(zone=zone, name="淮海钠电新能源项目")
    assert project.total_investment == Decimal("3000")
    assert project.expected_annual_output == Decimal("10000")
    assert project.site == "中小产业集聚园"
    first, landed, *_rest = project.stage_changes.all()
    months = (landed.on.year - first.on.year) * 12 + landed.on.month - first.on.month
    assert (months, landed.on.day) == (3, first.on.day)
    assert landed.to_stage == Stage.STARTED
    # Equipment was being installed at the article's time (from 2025-01-06), production expected
    # in March 2025; it began after the 消防验收 of April (after the article: placed).
    building = project.stage_changes.get(to_stage=Stage.BUILDING).on
    assert building == date(2025, 1, 6)
    commissioned = project.stage_changes.get(to_stage=Stage.COMMISSIONED).on
    assert (project.stage, commissioned) == (Stage.COMMISSIONED, PLACE(date(2025, 4, 15)))
    assert date(2025, 3, 31) < commissioned <= DAY


def test_huaihai_has_a_task_force_that_ran_alongside_it(zone: Zone) -> None:
    project = Project.objects.get(zone=zone, name="淮海钠电新能源项目")
    task_force = project.task_force
    # Formed the day the project was approved (立项), the first day of its history.
    approved = project.stage_changes.order_by("on").values_list("on", flat=True)[0]
    assert task_force.formed_on == approved == date(2024, 9, 20)
    lead = task_force.members.get(role=MemberRole.LEAD, left_on__isnull=True)
    assert lead.user is not None and lead.user.username == "demo"
    assert task_force.members.filter(user__isnull=True).count() == 2  # from other offices
    visits = project.service_visits.order_by("visited_on")
    # The visit of 2026-11-20 in the files is 41 days before the day they are written for
    # (2026-12-31): 41 days before the day loaded.
    assert [v.visited_on for v in visits] == [
        date(2024, 10, 15),
        date(2024, 12, 20),  # the day it landed (落地)
        date(2025, 2, 18),
        DAY - (WRITTEN_FOR - date(2026, 11, 20)),
    ]
    assert all(visit.is_illustrative for visit in visits)
    issues = list(project.issues.order_by("due_on"))
    assert [issue.status for issue in issues] == [
        IssueStatus.RESOLVED,
        IssueStatus.RESOLVED,
        IssueStatus.RESOLVED,
        IssueStatus.OPEN,
    ]
    # The 消防验收 due 2025-03-15 was settled late, after the article (placed).
    fire = issues[2]
    assert fire.due_on == date(2025, 3, 15) and fire.resolved_on == PLACE(date(2025, 4, 10))
    # The 二期用地 issue, due 6 days before the day the files are written for, is 6 days
    # overdue on the day loaded (25 → 31 December there).
    assert issues[-1].days_overdue(DAY) == 6
    demo = User.objects.get(username="demo")
    assert [issue.pk for issue in overdue_issues(demo, DAY)] == [issues[-1].pk]
    kinds = {event.kind for event in project_timeline(project, user=demo)}
    assert kinds == {"stage", "task_force", "visit", "issue_raised", "issue_settled", "fai"}


def test_the_standard_factory_was_under_construction_for_8_yi_and_is_handed_over(
    zone: Zone,
) -> None:
    project = Project.objects.get(zone=zone, name__startswith="科技园标准厂房一期")
    assert project.total_investment == Decimal("80000")
    # Under construction at the article's time (since 2023-08-20); handed over since (2026-09-28
    # in the files: 94 days before the day they are written for).
    assert project.stage_changes.get(to_stage=Stage.BUILDING).on == date(2023, 8, 20)
    assert (project.stage, project.stage_since) == (
        Stage.COMMISSIONED,
        DAY - (WRITTEN_FOR - date(2026, 9, 28)),
    )


def test_each_projects_stage_is_where_its_history_ends(zone: Zone) -> None:
    for project in Project.objects.filter(zone=zone):
        changes = list(project.stage_changes.all())
        assert changes[0].from_stage == ""
        for before, after in pairwise(changes):
            assert after.from_stage == before.to_stage
            assert after.on >= before.on
            if after.to_stage in LIFECYCLE:
                assert LIFECYCLE.index(after.to_stage) > LIFECYCLE.index(before.to_stage)
            else:  # stalled or terminated: off the line, and its last step
                assert after == changes[-1]
        assert (project.stage, project.stage_since) == (changes[-1].to_stage, changes[-1].on)
        assert changes[-1].on <= DAY


# The fixed-asset investment database (illustrative monthly figures)


def test_the_started_projects_of_500_wan_or_more_are_registered(zone: Zone) -> None:
    from kaifaqu.projects.models import FAI_STAGES, FAI_THRESHOLD, FaiRegistration, FaiReport

    eligible = Project.objects.filter(
        zone=zone, stage__in=FAI_STAGES, planned_investment__gte=FAI_THRESHOLD
    )
    registered = FaiRegistration.objects.filter(project__zone=zone)
    assert set(registered.values_list("project", flat=True)) == set(
        eligible.values_list("pk", flat=True)
    )
    for word in ("绿净", "科技园标准厂房一期"):
        assert registered.filter(project__name__contains=word).exists(), word
    assert not FaiReport.objects.filter(registration__project__zone=zone, is_illustrative=False)
    assert not registered.filter(is_illustrative=False)


def test_the_indicator_table_computes_the_first_quarters_investment(zone: Zone) -> None:
    from kaifaqu.core.lib.periods import Month
    from kaifaqu.indicators.selectors import indicator_rows

    user = User.objects.get(username="demo")
    table = indicator_rows(
        user=user, month=Month(2025, 3), slice_kind="zone", slice_key=str(zone.pk)
    )
    row = next(r for r in table.rows if r.code == "fixed_asset_investment")
    # 1–3月 2025 (万元): 科技园 700+500+1800 = 3,000; 烧结砖 200+600+300 = 1,100; 淮海钠电
    # 900+1000+500 = 2,400; 绿净 1,200+2,600 = 3,800; 红旗牧场 500+1,100 = 1,600; 加气砌块
    # 1,000; 石墨负极 1,200; 采掘装备 700; 冷库 600 → 15,400. 1–3月 2024: 园区基础设施
    # 2,478+3,186+6,372 = 12,036; 热电联产 2,311+2,971+5,943 = 11,225; 科技园 1,500+900+2,400
    # = 4,800; 烧结砖 300 → 28,361 (2024's months add up to the article's 188,817).
    # 15,400 / 28,361 − 1 = −45.7 %.
    assert (row.ytd_value, row.ytd_base, row.ytd_growth) == (
        Decimal("15400.00"),
        Decimal("28361.00"),
        Decimal("-45.7"),
    )
    assert row.computed and "9" in row.source
    # 2024 as a whole: the article's 18.8817 亿元, computed on the same definition.
    year = indicator_rows(
        user=user, month=Month(2024, 12), slice_kind="zone", slice_key=str(zone.pk)
    )
    published = next(r for r in year.rows if r.code == "fixed_asset_investment")
    assert (published.ytd_value, published.computed) == (Decimal("188817.00"), True)


# Loading again


def test_running_it_again_writes_nothing() -> None:
    before, log_entries = _snapshot(), LogEntry.objects.count()
    demo_load(echo=_quiet, today=DAY)
    assert LogEntry.objects.count() == log_entries
    assert _snapshot() == before


def test_running_it_again_restores_a_changed_record_but_not_a_changed_password(
    zone: Zone,
) -> None:
    Project.objects.filter(zone=zone, name="淮海钠电新能源项目").update(expected_jobs=99)
    user = User.objects.get(username="demo")
    user.set_password("a-password-of-my-own")
    user.save(update_fields=["password"])
    demo_load(echo=_quiet, today=DAY)
    assert Project.objects.get(zone=zone, name="淮海钠电新能源项目").expected_jobs is None
    user.refresh_from_db()
    assert user.check_password("a-password-of-my-own")
    assert not user.check_password("kaifaqu-demo")


def test_running_it_again_keeps_the_progress_a_person_recorded(zone: Zone) -> None:
    project = Project.objects.get(zone=zone, name__startswith="绿净年处理20万吨")
    steps = project.stage_changes.count()
    project_advance(project=project, to_stage=Stage.COMMISSIONED, on=DAY, by=None)
    demo_load(echo=_quiet, today=DAY)
    project.refresh_from_db()
    assert (project.stage, project.stage_since) == (Stage.COMMISSIONED, DAY)
    assert project.stage_changes.count() == steps + 1
    assert StageChange.objects.filter(project=project, to_stage=Stage.BUILDING).count() == 1


# Leads (招商线索): illustrative, the article gives none


def test_the_leads_are_illustrative_and_some_became_projects_and_some_were_dropped(
    zone: Zone,
) -> None:
    leads = Lead.objects.filter(zone=zone)
    assert leads.count() == 13 and all(lead.is_illustrative for lead in leads)
    statuses = Counter(lead.status for lead in leads)
    # converted: the two signed at the round, 钠离子, 光伏, 风电叶片, 陶粒; dropped: 数据中心,
    # 可降解塑料, 电商直播; open: 冷链, 氢能, 碳化硅, 铸造.
    assert statuses == {LeadStatus.CONVERTED: 6, LeadStatus.DROPPED: 3, LeadStatus.OPEN: 4}
    assert all(lead.drop_reason for lead in leads.filter(status=LeadStatus.DROPPED))


def test_the_two_projects_signed_at_the_round_came_from_leads_and_count_from_them(
    zone: Zone,
) -> None:
    project = Project.objects.get(zone=zone, name="煤矿智能化研发生产基地")
    assert project.lead.received_on == date(2024, 7, 15)
    stages = [(change.to_stage, change.on) for change in project.stage_changes.all()]
    assert stages[:3] == [
        (Stage.LEAD, date(2024, 7, 15)),
        (Stage.NEGOTIATING, date(2024, 11, 28)),
        (Stage.SIGNED, EVENT),
    ]
    # After the article it went on (the files' dates placed for the day): 立项, 开工, 在建.
    assert stages[3:] == [
        (Stage.APPROVED, PLACE(date(2025, 8, 12))),
        (Stage.STARTED, PLACE(date(2026, 4, 20))),
        (Stage.BUILDING, PLACE(date(2026, 5, 10))),
    ]
    assert EVENT < stages[3][1] <= stages[-1][1] <= DAY
    cycle = next(
        cycle
        for cycle in project_cycles(user=User.objects.get(username="demo"), today=EVENT)
        if cycle.project.pk == project.pk
    )
    # 2024-07-15 → 2025-02-18: 16 + 31 + 30 + 31 + 30 + 31 (to 12-31) + 31 + 18 = 218 days.
    assert cycle.spans["lead_to_signed"].days == 218
    other = Project.objects.get(zone=zone, name="年处理20万吨粉煤灰、煤矸石固废资源综合利用项目")
    assert other.lead.follow_ups.count() == 2 and not other.is_illustrative


# Personas


def test_the_demo_login_is_the_administrator_of_the_zone(zone: Zone) -> None:
    user = User.objects.get(username="demo")
    assert user.check_password("kaifaqu-demo")
    assert (user.role, user.scope.zone) == (Role.ZONE_ADMIN, zone)


@pytest.mark.parametrize(
    ("username", "password", "role"),
    [
        ("shanxi", "kaifaqu-shanxi", Role.PROVINCE_OFFICER),
        ("tongji", "kaifaqu-tongji", Role.STATISTICIAN),
        ("zhaoshang", "kaifaqu-zhaoshang", Role.INVESTMENT_OFFICER),
        ("shendian", "kaifaqu-shendian", Role.PARK_SERVICE),
        ("lvjing", "kaifaqu-lvjing", Role.ENTERPRISE_REPORTER),
        ("sysadmin", "kaifaqu-sysadmin", Role.SYSTEM_ADMIN),
        ("secadmin", "kaifaqu-secadmin", Role.SECURITY_ADMIN),
        ("auditadmin", "kaifaqu-auditadmin", Role.AUDIT_ADMIN),
    ],
)
def test_each_persona_logs_in_with_its_documented_password(
    username: str, password: str, role: str
) -> None:
    user = User.objects.get(username=username)
    assert user.check_password(password)
    assert user.role == role


def test_the_scopes_are_shanxi_the_solid_waste_park_and_lvjing(zone: Zone) -> None:
    assert User.objects.get(username="shanxi").scope.region == Region.objects.get(code="140000")
    park = User.objects.get(username="shendian").scope.park
    assert park is not None and (park.zone, park.name) == (zone, "神电固废综合利用园区")
    enterprise = User.objects.get(username="lvjing").scope.enterprise
    assert enterprise is not None and enterprise.name == "朔州市绿净新材料科技有限公司"


def test_the_park_persona_sees_the_enterprises_of_its_park_only(zone: Zone) -> None:
    visible = Enterprise.objects.for_user(User.objects.get(username="shendian"))
    assert visible.filter(name="朔州市绿净新材料科技有限公司").exists()
    assert not visible.filter(name__contains="国润储能").exists()
    assert visible.count() == Enterprise.objects.filter(park__name="神电固废综合利用园区").count()


def test_the_summary_gives_the_counts_and_the_demo_login(demo_summary: str) -> None:
    assert "49" in demo_summary
    assert "demo / kaifaqu-demo" in demo_summary


def test_the_reporter_sees_only_its_enterprise_and_the_security_admin_no_enterprise() -> None:
    visible = Enterprise.objects.for_user(User.objects.get(username="lvjing"))
    assert [e.name for e in visible] == ["朔州市绿净新材料科技有限公司"]
    assert not Enterprise.objects.for_user(User.objects.get(username="secadmin")).exists()


def test_the_timeline_tells_the_lead_the_project_came_from_and_its_registration(
    zone: Zone,
) -> None:
    from kaifaqu.projects.models import FollowUp

    project = Project.objects.get(zone=zone, name="煤矿智能化研发生产基地")
    demo = User.objects.get(username="demo")
    kinds = [event.kind for event in project_timeline(project, user=demo)]
    follow_ups = FollowUp.objects.filter(lead__project=project).count()
    assert follow_ups > 0 and kinds.count("follow_up") == follow_ups
    # Oldest last: the project's history starts as 线索 on the day the lead arrived.
    assert kinds[-1] == "stage"
    started = Project.objects.get(zone=zone, name__startswith="绿净年处理20万吨")
    assert [e.kind for e in project_timeline(started, user=demo)].count("fai") == 1
    # An enterprise's reporter does not see how the zone courted the investor.
    reporter = User.objects.get(username="lvjing")
    assert "follow_up" not in [e.kind for e in project_timeline(project, user=reporter)]
