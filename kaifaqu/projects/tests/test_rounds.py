"""The "三个一批" rounds: who opens them, which projects qualify for which list, the summary's
sums and wording, and who sees which figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from kaifaqu.accounts.models import User
from kaifaqu.accounts.services import user_create
from kaifaqu.conftest import PASSWORD, Personas, World
from kaifaqu.core.permissions import Role
from kaifaqu.geo.models import Park, Zone
from kaifaqu.projects.models import Project, Round, RoundList, Stage
from kaifaqu.projects.selectors import round_comparison, round_summary, yi_rounded
from kaifaqu.projects.services import (
    eligible_projects,
    project_advance,
    project_create,
    round_close,
    round_create,
    round_entry_add,
    round_entry_remove,
    round_reopen,
)

pytestmark = pytest.mark.django_db
SIGNED, STARTED, COMMISSIONED = RoundList.SIGNED, RoundList.STARTED, RoundList.COMMISSIONED


def open_round(by: User, world: World, number: int = 1, **dates: date) -> Round:
    return round_create(
        by=by,
        data={
            "province": world.shanxi,
            "year": 2025,
            "number": number,
            "window_start": dates.get("window_start", date(2025, 1, 1)),
            "held_on": dates.get("held_on", date(2025, 2, 18)),
        },
    )


def signed_project(
    zone: Zone, name: str, wan: int | str, on: date = date(2025, 2, 18), park: Park | None = None
) -> Project:
    return project_create(
        by=None,
        data={
            "name": name,
            "zone": zone,
            "park": park,
            "total_investment": Decimal(wan),
            "signed_investment": Decimal(wan),
        },
        stage=Stage.SIGNED,
        stage_on=on,
    )


@pytest.fixture
def round_one(world: World, personas: Personas) -> Round:
    return open_round(personas.province_viewer, world)


# --- opening a round ---------------------------------------------------------------------------


def test_the_provincial_office_opens_a_round_and_names_it(round_one: Round) -> None:
    assert round_one.is_open
    with translation.override("zh-hans"):
        assert str(round_one) == "2025年第一次“三个一批”活动"


@pytest.mark.parametrize("persona", ["zone_admin", "statistician", "park_user", "outsider"])
def test_zone_staff_do_not_open_rounds(world: World, personas: Personas, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        open_round(getattr(personas, persona), world)


def test_a_city_office_does_not_open_the_provinces_round(world: World) -> None:
    city = user_create(
        username="shuozhou_office",
        password=PASSWORD,
        role=Role.PROVINCE_OFFICER,
        scope_region=world.shuozhou,
    )
    with pytest.raises(PermissionDenied):
        open_round(city, world)


def test_a_round_is_once_a_year_and_number_and_its_window_ends_on_its_date(
    world: World, personas: Personas, round_one: Round
) -> None:
    with pytest.raises(ValidationError):
        open_round(personas.province_viewer, world)  # 2025 第1次 again
    with pytest.raises(ValidationError) as error:
        open_round(personas.province_viewer, world, 2, window_start=date(2025, 6, 1))
    assert "window_start" in error.value.message_dict


# --- the lists ---------------------------------------------------------------------------------


def test_a_signed_project_of_the_window_goes_on_the_signed_list_with_its_figure(
    world: World, personas: Personas, round_one: Round
) -> None:
    # 甲一扩建项目 was signed on 2025-01-10 with 45,000 万元.
    entry = round_entry_add(
        by=personas.zone_admin, round=round_one, list=SIGNED, project=world.project_a1
    )
    assert (entry.amount, entry.stage_on, entry.zone) == (
        Decimal("45000"),
        date(2025, 1, 10),
        world.zone_a,
    )
    # The figure is the one picked: the round's totals do not move with later edits.
    Project.objects.filter(pk=world.project_a1.pk).update(signed_investment=Decimal("1"))
    entry.refresh_from_db()
    assert entry.amount == Decimal("45000")


def test_a_project_appears_at_most_once_per_list_per_round(
    world: World, personas: Personas, round_one: Round
) -> None:
    round_entry_add(by=personas.zone_admin, round=round_one, list=SIGNED, project=world.project_a1)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        round_entry_add(
            by=personas.zone_admin, round=round_one, list=SIGNED, project=world.project_a1
        )
    assert "already on this list of the round" in str(error.value)


def test_the_same_list_of_a_later_round_does_not_count_a_project_again(
    world: World, personas: Personas, round_one: Round
) -> None:
    round_entry_add(by=personas.zone_admin, round=round_one, list=SIGNED, project=world.project_a1)
    # A second round whose window overlaps the first.
    later = open_round(personas.province_viewer, world, 2, held_on=date(2025, 3, 30))
    eligible = eligible_projects(user=personas.zone_admin, round=later, list=SIGNED)
    assert world.project_a1 not in eligible and world.project_a2 in eligible
    with pytest.raises(ValidationError):
        round_entry_add(by=personas.zone_admin, round=later, list=SIGNED, project=world.project_a1)


def test_each_list_takes_the_projects_that_entered_its_stage_in_the_window(
    world: World, personas: Personas, round_one: Round
) -> None:
    a1, a2 = world.project_a1, world.project_a2
    project_advance(project=a2, to_stage=Stage.STARTED, on=date(2025, 2, 1), by=None)
    assert list(eligible_projects(user=personas.zone_admin, round=round_one, list=STARTED)) == [a2]
    entry = round_entry_add(by=personas.zone_admin, round=round_one, list=STARTED, project=a2)
    assert entry.amount == Decimal("3000")  # 计划总投资
    # Still only signed: not on 开工一批, and the reason says so.
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            round_entry_add(by=personas.zone_admin, round=round_one, list=STARTED, project=a1)
        assert "reached the stage" in str(error.value)
    # Commissioned: the project has to have entered 投产 in the window.
    project_advance(project=a2, to_stage=Stage.COMMISSIONED, on=date(2025, 2, 10), by=None)
    entry = round_entry_add(by=personas.zone_admin, round=round_one, list=COMMISSIONED, project=a2)
    assert entry.amount == Decimal("3000")  # 总投资


def test_a_project_outside_the_window_or_off_the_line_does_not_qualify(
    world: World, personas: Personas, round_one: Round
) -> None:
    early = signed_project(world.zone_a, "去年签约项目", 5000, on=date(2024, 12, 20))
    after = signed_project(world.zone_a, "活动后签约项目", 5000, on=date(2025, 2, 19))
    stalled = signed_project(world.zone_a, "停滞项目", 5000, on=date(2025, 1, 5))
    project_advance(
        project=stalled, to_stage=Stage.STALLED, on=date(2025, 1, 30), by=None, note="资金未到位"
    )
    eligible = set(eligible_projects(user=personas.zone_admin, round=round_one, list=SIGNED))
    assert eligible == {world.project_a1, world.project_a2}
    with translation.override("en"):
        for project in (early, after):
            with pytest.raises(ValidationError) as error:
                round_entry_add(
                    by=personas.zone_admin, round=round_one, list=SIGNED, project=project
                )
            assert "outside the round's window" in str(error.value)
        with pytest.raises(ValidationError):
            round_entry_add(by=personas.zone_admin, round=round_one, list=SIGNED, project=stalled)


def test_the_signing_day_itself_and_the_windows_first_day_count(
    world: World, personas: Personas, round_one: Round
) -> None:
    first = signed_project(world.zone_a, "首日签约项目", 100, on=date(2025, 1, 1))
    last = signed_project(world.zone_a, "活动当天签约项目", 100, on=date(2025, 2, 18))
    eligible = set(eligible_projects(user=personas.zone_admin, round=round_one, list=SIGNED))
    assert {first, last} <= eligible


def test_a_zone_puts_only_its_own_projects_on_the_lists(
    world: World, personas: Personas, round_one: Round
) -> None:
    with pytest.raises(PermissionDenied):
        round_entry_add(
            by=personas.zone_admin, round=round_one, list=SIGNED, project=world.project_b
        )
    for persona in ("statistician", "park_user", "reporter", "province_viewer", "sysadmin"):
        with pytest.raises(PermissionDenied):
            round_entry_add(
                by=getattr(personas, persona),
                round=round_one,
                list=SIGNED,
                project=world.project_a1,
            )
    # Zone 丙 is in 河北: not a project of 山西's round, whoever asks: its own staff do not see
    # the round, and even a job of the platform (which sees everything) cannot put it there.
    zone_c_admin = user_create(
        username="zone_c_admin", password=PASSWORD, role=Role.ZONE_ADMIN, scope_zone=world.zone_c
    )
    with pytest.raises(PermissionDenied):
        round_entry_add(by=zone_c_admin, round=round_one, list=SIGNED, project=world.project_c)
    with pytest.raises(ValidationError):
        round_entry_add(by=None, round=round_one, list=SIGNED, project=world.project_c)
    assert not round_one.entries.exists()


def test_a_closed_round_keeps_its_lists(world: World, personas: Personas, round_one: Round) -> None:
    entry = round_entry_add(
        by=personas.zone_admin, round=round_one, list=SIGNED, project=world.project_a1
    )
    with pytest.raises(PermissionDenied):
        round_close(by=personas.zone_admin, round=round_one)
    round_close(by=personas.province_viewer, round=round_one)
    with pytest.raises(ValidationError):
        round_entry_add(
            by=personas.zone_admin, round=round_one, list=SIGNED, project=world.project_a2
        )
    with pytest.raises(ValidationError):
        round_entry_remove(by=personas.zone_admin, entry=entry)
    round_reopen(by=personas.province_viewer, round=round_one)
    round_entry_remove(by=personas.zone_admin, entry=entry)
    assert not round_one.entries.exists()


# --- the summary -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wan", "yi"),
    [
        ("63000", "6.3"),
        ("62345", "6.23"),  # 6.2345 → 6.23
        ("62350", "6.24"),  # 6.235 → 6.24: halves up
        ("8000", "0.8"),
        ("60000", "6"),
        ("0", "0"),
        ("49", "0"),  # 0.0049 亿元
        ("50", "0.01"),
    ],
)
def test_amounts_read_in_yi_to_the_hundredth_halves_up(wan: str, yi: str) -> None:
    assert str(yi_rounded(Decimal(wan))) == yi


@pytest.fixture
def article_round(world: World, personas: Personas, round_one: Round) -> Round:
    """Zone 甲 reproduces the article's round: 4 signed (6.3 亿元), 6 started (计划总投资
    7.8 亿元), 1 commissioned (0.8 亿元); zone 乙 signs one project of 1.234 亿元."""
    zone = world.zone_a
    for index, wan in enumerate((20000, 25000, 10000, 8000)):
        project = signed_project(zone, f"签约{index}", wan)
        round_entry_add(by=personas.zone_admin, round=round_one, list=SIGNED, project=project)
    for index, wan in enumerate((45000, 12000, 8000, 6000, 4000, 3000)):
        project = signed_project(zone, f"开工{index}", wan, on=date(2024, 10, 1))
        Project.objects.filter(pk=project.pk).update(planned_investment=Decimal(wan))
        project_advance(project=project, to_stage=Stage.STARTED, on=date(2025, 2, 18), by=None)
        round_entry_add(by=personas.zone_admin, round=round_one, list=STARTED, project=project)
    project = signed_project(zone, "投产0", 8000, on=date(2023, 11, 8))
    project_advance(project=project, to_stage=Stage.COMMISSIONED, on=date(2025, 2, 18), by=None)
    round_entry_add(by=personas.zone_admin, round=round_one, list=COMMISSIONED, project=project)
    other = signed_project(world.zone_b, "乙签约", 12340)
    round_entry_add(by=personas.outsider, round=round_one, list=SIGNED, project=other)
    return round_one


ARTICLE = (
    "签约项目共 4 个，签约投资额为 6.3 亿元；开工项目共 6 个，计划总投资 7.8 亿元；"
    "投产项目共 1 个，项目总投资 0.8 亿元"
)


def test_the_zones_summary_reads_as_the_article(
    personas: Personas, world: World, article_round: Round
) -> None:
    summary = round_summary(user=personas.zone_admin, round=article_round)
    (zone,) = summary.zones
    assert (zone.signed.count, zone.signed.amount) == (4, Decimal("63000"))
    assert (zone.started.count, zone.started.amount) == (6, Decimal("78000"))
    assert (zone.commissioned.count, zone.commissioned.amount) == (1, Decimal("8000"))
    with translation.override("zh-hans"):
        assert zone.text == ARTICLE
    with translation.override("en"):
        assert zone.text == (
            "4 projects signed, signed investment 6.3 亿元; 6 projects started, planned total "
            "investment 7.8 亿元; 1 project commissioned, total investment 0.8 亿元"
        )


def test_the_province_sees_every_zone_city_and_its_total(
    personas: Personas, world: World, article_round: Round
) -> None:
    summary = round_summary(user=personas.province_viewer, round=article_round)
    assert [place.name for place in summary.zones] == [world.zone_b.name, world.zone_a.name]
    assert [city.key for city in summary.cities] == ["1402", "1406"]
    assert summary.province is not None
    # 63,000 + 12,340 万元 = 7.534 亿元 → 7.53.
    assert (summary.province.signed.count, summary.province.signed.amount_yi) == (
        5,
        Decimal("7.53"),
    )
    assert summary.places[0] is summary.province
    with translation.override("zh-hans"):
        assert summary.cities[0].text.startswith(
            "签约项目共 1 个，签约投资额为 1.23 亿元；开工项目共 0 个"
        )


@pytest.mark.parametrize("persona", ["zone_admin", "outsider", "park_user", "statistician"])
def test_a_zone_or_park_sees_its_own_figures_not_the_provinces(
    personas: Personas, world: World, article_round: Round, persona: str
) -> None:
    user = getattr(personas, persona)
    summary = round_summary(user=user, round=article_round)
    assert summary.province is None
    seen_zones = {place.name for place in summary.zones}
    own = world.zone_b if persona == "outsider" else world.zone_a
    assert seen_zones <= {own.name}
    if persona == "park_user":
        # Park 一园 has none of the round's projects (they are outside any park).
        assert sum(place.signed.count for place in summary.zones) == 0


def test_a_round_of_another_province_is_not_seen(personas: Personas, world: World) -> None:
    data = {
        "province": world.hebei,
        "year": 2025,
        "number": 1,
        "window_start": date(2025, 1, 1),
        "held_on": date(2025, 2, 20),
    }
    # 山西's office does not open 河北's round; nor does the system administrator anyone's.
    for persona in (personas.province_viewer, personas.sysadmin):
        with pytest.raises(PermissionDenied):
            round_create(by=persona, data=data)
    assert not Round.objects.exists()
    hebei = round_create(by=None, data=data)
    assert not Round.objects.for_user(personas.province_viewer).filter(pk=hebei.pk).exists()
    assert not Round.objects.for_user(personas.zone_admin).filter(pk=hebei.pk).exists()
    assert not Round.objects.for_user(personas.reporter).exists()
    assert not Round.objects.for_user(personas.sysadmin).exists()
    zone_c_admin = user_create(
        username="zone_c_admin", password=PASSWORD, role=Role.ZONE_ADMIN, scope_zone=world.zone_c
    )
    assert Round.objects.for_user(zone_c_admin).filter(pk=hebei.pk).exists()


def test_rounds_compare_with_the_round_before(
    personas: Personas, world: World, article_round: Round
) -> None:
    second = open_round(
        personas.province_viewer,
        world,
        2,
        window_start=date(2025, 2, 19),
        held_on=date(2025, 5, 20),
    )
    project = signed_project(world.zone_a, "二季度签约", 30000, on=date(2025, 4, 1))
    round_entry_add(by=personas.zone_admin, round=second, list=SIGNED, project=project)
    rows = round_comparison(user=personas.province_viewer, zone=world.zone_a)
    assert [row.round for row in rows] == [article_round, second]
    assert rows[0].change(SIGNED) is None
    # 4 projects / 6.3 亿元 → 1 project / 3 亿元.
    assert rows[1].change(SIGNED) == (-3, Decimal("-3.3"))
    assert rows[1].change(STARTED) == (-6, Decimal("-7.8"))
