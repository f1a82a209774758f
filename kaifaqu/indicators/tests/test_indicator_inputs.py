"""Price indexes (PPI) and zone targets: their rules, who reads and writes them, pages and API."""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kaifaqu.accounts.models import User
from kaifaqu.accounts.services import user_create
from kaifaqu.conftest import PASSWORD, Personas, World
from kaifaqu.core.permissions import Role
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.core.tests.registry_pages import column, table_rows, xlsx_rows
from kaifaqu.geo.models import Region, Zone
from kaifaqu.indicators.models import PriceIndex, Target, TargetKind
from kaifaqu.indicators.services import (
    price_index_create,
    price_index_update,
    target_create,
    target_update,
)
from kaifaqu.indicators.tests.indicator_helpers import zone_statistician

pytestmark = pytest.mark.django_db

PRICE_INDEXES = reverse("indicators:priceindex-list")
TARGETS = reverse("indicators:target-list")


def ppi(
    period: date,
    division: str = "",
    value: str = "104.30",
    *,
    by: User | None = None,
    province: str | None = None,
) -> PriceIndex:
    """An index of `province` (else 山西 when the platform writes it, by None; a statistician's
    own zone's province when one writes it without naming one)."""
    data: dict[str, Any] = {
        "period": period,
        "division": division,
        "value": Decimal(value),
        "source": "省统计局",
    }
    if province is not None or by is None:
        data["region"] = Region.objects.get(code=province or "140000")
    return price_index_create(by=by, data=data)


def target(
    zone: Zone, indicator: str = "gdp", year: int = 2025, *, by: User | None = None, **extra: Any
) -> Target:
    data = {"zone": zone, "indicator": indicator, "year": year, "value": Decimal("100"), **extra}
    return target_create(by=by, data=data)


def plan(zone: Zone, **extra: Any) -> Target:
    fields = {
        "kind": TargetKind.PLAN,
        "plan_name": "十四五",
        "start_year": 2021,
        "end_year": 2025,
        "value": None,
        "growth_pct": Decimal("8.00"),
        **extra,
    }
    return target(zone, **fields)


def messages(error: ValidationError) -> list[str]:
    return list(error.messages)


@pytest.fixture
def english() -> Iterator[None]:
    """Messages of the services read in English (the platform's default is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def targets(world: World) -> dict[str, Target]:
    return {
        "a": target(world.zone_a, source="2025年甲开发区政府工作报告"),
        "a_plan": plan(world.zone_a),
        "b": target(world.zone_b, "value_added", growth_pct=Decimal("7.50")),
        "c": target(world.zone_c, "retail_sales"),
    }


@pytest.fixture
def statistician_c(world: World) -> User:
    """The statistics office of zone 丙, in 河北."""
    return zone_statistician(world.zone_c, "statistician_c")


@pytest.fixture
def city_officer(world: World) -> User:
    """A city's zone office: the provincial role, scoped to 朔州市 only."""
    return user_create(
        username="city_officer",
        password=PASSWORD,
        role=Role.PROVINCE_OFFICER,
        scope_region=world.shuozhou,
    )


# Rules of one record


@pytest.mark.usefixtures("english")
def test_a_price_index_is_stored_on_the_first_of_its_month(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        ppi(date(2025, 3, 15))
    assert "A month is stored as its first day." in messages(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        PriceIndex.objects.create(
            region=world.shanxi, period=date(2025, 3, 15), value=Decimal("101"), source="x"
        )
    assert ppi(date(2025, 3, 1)).period == date(2025, 3, 1)


@pytest.mark.usefixtures("english")
def test_a_price_index_is_entered_once_per_month_and_division(world: World) -> None:
    ppi(date(2025, 3, 1))
    ppi(date(2025, 3, 1), "30", "98.60")
    ppi(date(2025, 4, 1))
    for division in ("", "30"):
        with pytest.raises(ValidationError) as error:
            ppi(date(2025, 3, 1), division)
        assert messages(error.value) == ["This index is already entered for the month."]
    # Another province's index of the same month and division is its own.
    ppi(date(2025, 3, 1), "30", province="130000")
    assert PriceIndex.objects.count() == 4


@pytest.mark.usefixtures("english")
def test_a_price_index_is_of_a_province(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        price_index_create(
            by=None, data={"period": date(2025, 3, 1), "value": Decimal("101"), "source": "x"}
        )
    assert "region" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ppi(date(2025, 3, 1), province="140600")  # 朔州市: a city
    assert "Choose a province, not a city or a county." in error.value.message_dict["region"]


@pytest.mark.usefixtures("english")
def test_a_price_index_division_is_a_two_digit_industrial_division(world: World) -> None:
    for division in ("3", "3011"):
        with pytest.raises(ValidationError) as error:
            ppi(date(2025, 3, 1), division)
        assert "division" in error.value.message_dict
    # 52 is retail trade (section F), 99 no division at all: no producer price index.
    for division in ("52", "99"):
        with pytest.raises(ValidationError) as error:
            ppi(date(2025, 3, 1), division)
        assert error.value.message_dict["division"] == [
            f"“{division}” is not a division of mining, manufacturing or utilities "
            "in GB/T 4754-2017."
        ]
    assert ppi(date(2025, 3, 1), "44").division == "44"  # 电力、热力生产和供应业 (D)
    assert ppi(date(2025, 3, 1), "06").division == "06"  # 煤炭开采和洗选业 (B)


@pytest.mark.usefixtures("english")
def test_a_price_index_is_above_zero(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        ppi(date(2025, 3, 1), value="0")
    assert messages(error.value) == ["A price index is above zero."]


@pytest.mark.usefixtures("english")
def test_a_target_gives_a_value_or_a_growth(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        target(world.zone_a, value=None)
    assert messages(error.value) == ["Give a target value, a target growth or both."]
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(zone=world.zone_a, indicator="gdp", year=2025)
    only_growth = target(world.zone_a, "revenue", value=None, growth_pct=Decimal("8.00"))
    assert (only_growth.value, only_growth.growth_pct) == (None, Decimal("8.00"))
    both = target(world.zone_a, "taxes", value=Decimal("5200.5"), growth_pct=Decimal("-2.50"))
    assert both.value == Decimal("5200.5")


@pytest.mark.usefixtures("english")
def test_a_plan_target_names_its_plan_and_years_and_an_annual_one_none(world: World) -> None:
    plan_rule = (
        "A plan target names its plan and its first and last years; an annual target names "
        "none of them."
    )
    for missing in ("plan_name", "start_year", "end_year"):
        with pytest.raises(ValidationError) as error:
            plan(world.zone_a, **{missing: "" if missing == "plan_name" else None})
        assert plan_rule in messages(error.value)
    with pytest.raises(ValidationError) as error:
        target(world.zone_a, plan_name="十四五")
    assert messages(error.value) == [plan_rule]
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(
            zone=world.zone_a, indicator="gdp", year=2025, kind=TargetKind.PLAN, value=1
        )


@pytest.mark.usefixtures("english")
def test_a_plan_ends_after_it_starts_and_holds_the_target_year(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        plan(world.zone_a, start_year=2025, end_year=2021)
    assert "A plan ends in or after the year it starts." in messages(error.value)
    with pytest.raises(ValidationError) as error:
        plan(world.zone_a, year=2026)
    assert messages(error.value) == ["The year of a plan target lies within the plan."]
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(
            zone=world.zone_a,
            indicator="gdp",
            year=2025,
            kind=TargetKind.PLAN,
            plan_name="十四五",
            start_year=2025,
            end_year=2021,
            value=1,
        )
    one_year_plan = plan(world.zone_a, start_year=2025, end_year=2025)
    assert str(one_year_plan) == "甲开发区 十四五 2025 GDP (地区生产总值)"


@pytest.mark.usefixtures("english")
def test_a_zone_has_one_target_of_a_kind_per_indicator_and_year(world: World) -> None:
    target(world.zone_a)
    with pytest.raises(ValidationError) as error:
        target(world.zone_a, value=Decimal("200"))
    assert messages(error.value) == [
        "The zone already has a target of this kind for the indicator and year."
    ]
    # The plan's target for its last year sits beside the annual one; other zones are apart.
    plan(world.zone_a)
    target(world.zone_a, year=2026)
    target(world.zone_b)
    assert Target.objects.count() == 4


def test_targets_and_indexes_are_audited_with_their_author(
    world: World, personas: Personas
) -> None:
    created = target(world.zone_a, by=personas.statistician)
    target_update(by=personas.zone_admin, target=created, data={"value": Decimal("120")})
    index = ppi(date(2025, 3, 1), by=personas.statistician)
    entries = LogEntry.objects.get_for_object(created).order_by("timestamp")
    assert [entry.actor for entry in entries] == [personas.statistician, personas.zone_admin]
    assert LogEntry.objects.get_for_object(index).get().actor == personas.statistician


# Who reads and who writes


def test_every_office_user_reads_the_price_indexes_of_its_province_but_not_enterprises(
    world: World, personas: Personas, statistician_c: User
) -> None:
    ppi(date(2025, 3, 1))
    ppi(date(2025, 3, 1), "30")
    ppi(date(2025, 3, 1), province="130000")  # 河北's
    assert {i.region.code for i in PriceIndex.objects.for_user(statistician_c)} == {"130000"}
    for reader in (
        personas.province_viewer,
        personas.zone_admin,
        personas.statistician,
        personas.park_user,
        personas.outsider,
    ):
        assert {i.region.code for i in PriceIndex.objects.for_user(reader)} == {"140000"}, reader
        assert PriceIndex.objects.for_user(reader).count() == 2, reader
    # 三员分立: none of the three administrators reads business data.
    for stranger in (personas.reporter, personas.sysadmin, personas.secadmin, personas.auditor):
        assert not PriceIndex.objects.for_user(stranger).exists(), stranger


def test_the_statistics_office_of_the_province_enters_its_price_indexes(
    world: World, personas: Personas, city_officer: User, statistician_c: User
) -> None:
    """A zone's statistician enters the indexes of the zone's province (there is no provincial
    statistician); the provincial office reads them; nobody else writes them."""
    for user in (
        personas.province_viewer,
        personas.zone_admin,
        personas.park_user,
        personas.outsider,
        personas.reporter,
        personas.sysadmin,
        personas.secadmin,
        personas.auditor,
        city_officer,
    ):
        with pytest.raises(PermissionDenied):
            ppi(date(2025, 3, 1), by=user)
        with pytest.raises(PermissionDenied):
            ppi(date(2025, 3, 1), by=user, province="130000")
    # Without a province named: the zone's own (甲: 山西).
    index = ppi(date(2025, 3, 1), by=personas.statistician)
    assert index.region == world.shanxi
    # Zone 乙's statistician is of 山西 too: the province's office, audited.
    price_index_update(
        by=personas.statistician_b, priceindex=index, data={"value": Decimal("103.9")}
    )
    # 河北's are entered by a statistician of a zone in 河北 (丙).
    hebei = ppi(date(2025, 3, 1), by=statistician_c)
    assert hebei.region == world.hebei
    with pytest.raises(PermissionDenied):
        price_index_create(
            by=personas.statistician,
            data={
                "region": world.hebei,
                "period": date(2025, 4, 1),
                "value": Decimal("101"),
                "source": "x",
            },
        )
    with pytest.raises(PermissionDenied):
        # Moving 山西's index to 河北 is writing 河北's.
        price_index_update(
            by=personas.statistician,
            priceindex=index,
            data={"region": world.hebei, "period": date(2025, 5, 1)},
        )
    with pytest.raises(PermissionDenied):
        price_index_update(by=personas.statistician, priceindex=hebei, data={"value": 1})
    for user in (city_officer, personas.province_viewer):
        with pytest.raises(PermissionDenied):
            price_index_update(by=user, priceindex=index, data={"value": Decimal("1")})
    index.refresh_from_db()
    assert (index.value, index.region) == (Decimal("103.90"), world.shanxi)
    assert LogEntry.objects.get_for_object(index).order_by("timestamp").last().actor == (
        personas.statistician_b
    )


def test_targets_are_seen_within_the_zone_scope(
    world: World, personas: Personas, targets: dict[str, Target], statistician_c: User
) -> None:
    def seen(user: User) -> set[str]:
        return {t.zone.name for t in Target.objects.for_user(user)}

    assert seen(statistician_c) == {"丙开发区"}
    assert seen(personas.province_viewer) == {"甲开发区", "乙开发区"}
    assert seen(personas.zone_admin) == seen(personas.statistician) == {"甲开发区"}
    # A park's service centre reads its zone's targets, as it reads the zone's figures.
    assert seen(personas.park_user) == {"甲开发区"}
    assert seen(personas.outsider) == {"乙开发区"}
    assert seen(personas.reporter) == seen(personas.auditor) == set()
    assert seen(personas.sysadmin) == set()  # 三员分立: no business data


def test_only_the_zones_administrators_and_statisticians_write_its_targets(
    world: World, personas: Personas, targets: dict[str, Target]
) -> None:
    created = target(world.zone_a, "employees", by=personas.statistician)
    assert created.zone == world.zone_a
    target_update(by=personas.zone_admin, target=created, data={"note": "按目标责任书"})
    for user in (
        personas.province_viewer,
        personas.park_user,
        personas.reporter,
        personas.auditor,
    ):
        with pytest.raises(PermissionDenied):
            target(world.zone_a, "taxes", by=user)
        with pytest.raises(PermissionDenied):
            target_update(by=user, target=created, data={"note": "x"})
    # The administrator of zone 乙 writes neither into zone 甲 nor on its targets.
    with pytest.raises(PermissionDenied):
        target(world.zone_a, "taxes", by=personas.outsider)
    with pytest.raises(PermissionDenied):
        target_update(by=personas.outsider, target=created, data={"note": "x"})
    # Nor does zone 甲's statistician move a target to zone 乙.
    with pytest.raises(PermissionDenied):
        target_update(by=personas.statistician, target=created, data={"zone": world.zone_b})
    assert not Target.objects.filter(indicator="taxes").exists()
    created.refresh_from_db()
    assert (created.zone, created.note) == (world.zone_a, "按目标责任书")


# Pages


def test_the_target_list_is_in_chinese_by_default_and_scoped(
    client: Client, world: World, personas: Personas, targets: dict[str, Target]
) -> None:
    client.force_login(personas.statistician)
    page = client.get(TARGETS)
    assert page.status_code == 200
    body = page.content.decode()
    assert '<html lang="zh-hans">' in body
    headers = [str(h["label"]) for h in page.context["header"]]
    assert headers[:4] == ["开发区", "指标", "年份", "类型"]
    assert column(page, 0) == ["甲开发区", "甲开发区"]
    client.force_login(personas.province_viewer)
    assert sorted(column(client.get(TARGETS), 0)) == ["乙开发区", "甲开发区", "甲开发区"]
    for stranger in (personas.reporter, personas.auditor):
        client.force_login(stranger)
        assert table_rows(client.get(TARGETS)) == []


def test_the_target_list_reads_in_english_with_the_cookie_and_filters(
    client: Client, world: World, personas: Personas, targets: dict[str, Target]
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.province_viewer)
    page = client.get(TARGETS, {"sort": "zone"})
    body = page.content.decode()
    assert "Targets" in body and "Target growth (%)" in body
    annual = "Annual target (年度目标)"
    plan_kind = "Plan target (规划目标) 十四五（2021–2025）"
    value_added = "Value added of above-scale industry (规上工业增加值)"
    assert table_rows(page) == [
        ["乙开发区", value_added, "2025", annual, "100.00", "10,000 yuan", "7.50"],
        ["甲开发区", "GDP (地区生产总值)", "2025", annual, "100.00", "10,000 yuan", "—"],
        ["甲开发区", "GDP (地区生产总值)", "2025", plan_kind, "—", "10,000 yuan", "8.00"],
    ]
    assert column(client.get(TARGETS, {"kind": "plan"}), 3) == [plan_kind]
    assert column(client.get(TARGETS, {"indicator": "value_added"}), 0) == ["乙开发区"]
    assert column(client.get(TARGETS, {"zone": world.zone_a.pk, "year": 2025}), 0) == [
        "甲开发区",
        "甲开发区",
    ]
    # Another province's zone is not a choice: nothing rather than everything.
    assert table_rows(client.get(TARGETS, {"zone": world.zone_c.pk})) == []
    _header, *rows = xlsx_rows(client.get(reverse("indicators:target-export")).content)
    # The workbook adds the plan's name and years, the source and the note.
    assert rows[2] == (
        "甲开发区",
        "GDP (地区生产总值)",
        2025,
        "Plan target (规划目标) 十四五（2021–2025）",
        None,
        "10,000 yuan",
        8,
        "十四五",
        2021,
        2025,
        None,
        None,
    )
    assert [row[10] for row in rows] == [None, "2025年甲开发区政府工作报告", None]


def test_the_statistician_enters_and_corrects_a_target_on_the_pages(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.statistician)
    form = client.get(reverse("indicators:target-create"))
    assert form.status_code == 200
    # The statistician's one zone is chosen for them.
    assert form.context["form"].initial["zone"] == world.zone_a.pk
    fields = {
        "zone": world.zone_a.pk,
        "indicator": "value_added",
        "year": 2025,
        "kind": "plan",
        "growth_pct": "8.00",
    }
    refused = client.post(reverse("indicators:target-create"), fields)
    assert refused.status_code == 200
    assert "A plan target names its plan and its first and last years" in refused.content.decode()
    fields.update(plan_name="十四五", start_year=2021, end_year=2025)
    response = client.post(reverse("indicators:target-create"), fields)
    created = Target.objects.get()
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    detail = client.get(created.get_absolute_url())
    assert detail.status_code == 200
    details = {field.label: field.text for field in detail.context["fields"]}
    assert details["Plan"] == "十四五" and details["Target growth (%)"] == "8.00"
    assert details["Target value"] == "—"

    edit = reverse("indicators:target-edit", args=[created.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {**fields, "value": "256580", "growth_pct": ""})
    assert response.status_code == 302
    created.refresh_from_db()
    assert (created.value, created.growth_pct) == (Decimal("256580"), None)
    detail = client.get(created.get_absolute_url())
    details = {f.label: f.text for f in detail.context["fields"]}
    assert (details["Target value"], details["Unit"]) == ("256,580.0000", "10,000 yuan")
    history = client.get(reverse("indicators:target-history", args=[created.pk]))
    assert history.status_code == 200
    assert len(history.context["entries"]) == 2


def test_readers_without_write_rights_get_no_forms_and_outsiders_no_target(
    client: Client, world: World, personas: Personas, targets: dict[str, Target]
) -> None:
    mine = targets["a"]
    client.force_login(personas.park_user)
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(mine.get_absolute_url()).context["edit_url"] is None
    assert client.get(reverse("indicators:target-edit", args=[mine.pk])).status_code == 403
    assert client.get(reverse("indicators:target-create")).status_code == 403
    assert client.get(TARGETS).context["create_url"] is None
    client.force_login(personas.outsider)
    for view in ("target-detail", "target-edit", "target-history"):
        assert client.get(reverse(f"indicators:{view}", args=[mine.pk])).status_code == 404
    # The outsider's form does not offer zone 甲.
    response = client.post(
        reverse("indicators:target-create"),
        {"zone": world.zone_a.pk, "indicator": "taxes", "year": 2025, "kind": "annual", "value": 1},
    )
    assert response.status_code == 200 and "zone" in response.context["form"].errors
    assert not Target.objects.filter(indicator="taxes").exists()
    client.force_login(personas.reporter)
    assert client.get(mine.get_absolute_url()).status_code == 404


def test_the_price_index_pages_list_enter_and_refuse(
    client: Client, world: World, personas: Personas, statistician_c: User
) -> None:
    ppi(date(2025, 2, 1))
    ppi(date(2025, 3, 1), "30", "98.60")
    hebei = ppi(date(2025, 3, 1), province="130000")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.zone_admin)
    page = client.get(PRICE_INDEXES)
    assert "Price indexes" in page.content.decode()
    # 山西's only: 河北's are not the zone's.
    assert table_rows(page) == [
        ["山西省", "2025-03", "30 非金属矿物制品业", "98.60", "省统计局"],
        ["山西省", "2025-02", "All industry", "104.30", "省统计局"],
    ]
    assert column(client.get(PRICE_INDEXES, {"division": "total"}), 1) == ["2025-02"]
    assert column(client.get(PRICE_INDEXES, {"period_from": "2025-03"}), 1) == ["2025-03"]
    assert page.context["create_url"] is None
    assert client.get(reverse("indicators:priceindex-create")).status_code == 403

    client.force_login(personas.statistician)
    new = reverse("indicators:priceindex-create")
    form = client.get(new)
    assert form.status_code == 200
    # The province offered is the zone's own, chosen for them.
    assert list(form.context["form"].fields["region"].queryset) == [world.shanxi]
    assert form.context["form"].initial["region"] == world.shanxi.pk
    response = client.post(
        new,
        {
            "region": world.shanxi.pk,
            "period": "2025-04",
            "division": "",
            "value": "103.10",
            "source": "国家统计局",
        },
    )
    created = PriceIndex.objects.get(period=date(2025, 4, 1))
    assert response.status_code == 302 and created.division == ""
    edit = reverse("indicators:priceindex-edit", args=[created.pk])
    assert 'value="2025-04"' in client.get(edit).content.decode()
    duplicate = client.post(
        new,
        {
            "region": world.shanxi.pk,
            "period": "2025-04",
            "division": "",
            "value": "1",
            "source": "x",
        },
    )
    assert "This index is already entered for the month." in duplicate.content.decode()
    detail = client.get(created.get_absolute_url())
    assert [f.text for f in detail.context["fields"]][:4] == [
        "山西省",
        "2025-04",
        "All industry",
        "103.10",
    ]
    assert detail.context["edit_url"] == edit
    # 河北's is not theirs to read.
    assert client.get(hebei.get_absolute_url()).status_code == 404
    # 河北's statistics office reads 河北's and may change it.
    client.force_login(statistician_c)
    assert client.get(hebei.get_absolute_url()).context["edit_url"]
    # 三员分立: the system administrator reads none and is offered no form.
    client.force_login(personas.sysadmin)
    assert client.get(hebei.get_absolute_url()).status_code == 404
    assert table_rows(client.get(PRICE_INDEXES)) == []
    assert client.get(new).status_code == 403

    client.force_login(personas.reporter)
    assert table_rows(client.get(PRICE_INDEXES)) == []
    assert client.get(created.get_absolute_url()).status_code == 404


def test_the_price_index_list_is_in_chinese_by_default(
    client: Client, world: World, personas: Personas
) -> None:
    ppi(date(2025, 2, 1))
    client.force_login(personas.park_user)
    page = client.get(PRICE_INDEXES)
    body = page.content.decode()
    assert '<html lang="zh-hans">' in body
    headers = [str(h["label"]) for h in page.context["header"]]
    assert (headers[0], headers[1], headers[2], headers[4]) == (
        "省份",
        "月份",
        "行业大类",
        "数据来源",
    )
    assert table_rows(page)[0][4] == "省统计局"


@pytest.mark.parametrize(
    ("url_of", "queries"),
    [
        (lambda t: TARGETS, 7),
        (lambda t: t["a_plan"].get_absolute_url(), 8),
        (lambda t: PRICE_INDEXES, 7),
    ],
)
def test_each_page_runs_a_fixed_number_of_queries(
    client: Client,
    world: World,
    personas: Personas,
    targets: dict[str, Target],
    django_assert_max_num_queries: Any,
    url_of: Any,
    queries: int,
) -> None:
    client.force_login(personas.statistician)
    for month in range(1, 13):
        ppi(date(2024, month, 1), "30")
        target(world.zone_a, "revenue", 2000 + month)
    with django_assert_max_num_queries(queries):
        assert client.get(url_of(targets)).status_code == 200


# API


def api_names(user: User, url: str, key: str, **query: Any) -> list[Any]:
    response = token_client(user).get(url, query)
    assert response.status_code == 200, response.content
    return sorted(row[key] for row in response.json()["results"])


def test_the_target_api_lists_within_scope(
    world: World, personas: Personas, targets: dict[str, Target]
) -> None:
    url = "/api/targets/"
    assert api_names(personas.statistician, url, "zone_name") == ["甲开发区", "甲开发区"]
    assert api_names(personas.province_viewer, url, "zone_name") == [
        "乙开发区",
        "甲开发区",
        "甲开发区",
    ]
    assert api_names(personas.outsider, url, "zone_name") == ["乙开发区"]
    assert api_names(personas.reporter, url, "zone_name") == []
    assert api_names(personas.auditor, url, "zone_name") == []
    assert api_names(personas.province_viewer, url, "indicator", kind="plan") == ["gdp"]
    row = token_client(personas.statistician).get(f"{url}{targets['a_plan'].pk}/").json()
    assert row["unit"] == "10,000 yuan" and row["growth_pct"] == "8.00"
    assert (row["plan_name"], row["start_year"], row["end_year"]) == ("十四五", 2021, 2025)
    assert token_client(personas.outsider).get(f"{url}{targets['a'].pk}/").status_code == 404


def test_the_target_api_creates_through_the_service_within_scope(
    world: World, personas: Personas, targets: dict[str, Target]
) -> None:
    url = "/api/targets/"
    body = {"zone": world.zone_a.pk, "indicator": "electricity", "year": 2025, "value": "950.5"}
    response = token_client(personas.statistician).post(url, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["unit"] == "10,000 kWh"
    created = Target.objects.get(pk=response.json()["id"])
    assert LogEntry.objects.get_for_object(created).get().actor == personas.statistician
    duplicate = token_client(personas.zone_admin).post(url, body, format="json")
    assert duplicate.json() == {
        "non_field_errors": [
            "The zone already has a target of this kind for the indicator and year."
        ]
    }
    neither = token_client(personas.zone_admin).post(
        url, {**body, "indicator": "taxes", "value": None}, format="json"
    )
    assert neither.status_code == 400
    # A rule across fields is checked by the model in the service, and named as DRF names it.
    assert neither.json() == {"non_field_errors": ["Give a target value, a target growth or both."]}
    # Zone 甲 is no choice for zone 乙's administrator; readers may not write at all.
    outsider = token_client(personas.outsider).post(
        url, {**body, "indicator": "taxes"}, format="json"
    )
    assert outsider.status_code == 400 and "zone" in outsider.json()
    for reader in (personas.park_user, personas.province_viewer, personas.reporter):
        assert token_client(reader).post(url, body, format="json").status_code == 403
    patched = token_client(personas.zone_admin).patch(
        f"{url}{created.pk}/", {"growth_pct": "5.00"}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["growth_pct"] == "5.00"
    assert Target.objects.filter(indicator="taxes").count() == 0


def test_the_price_index_api_reads_for_office_users_and_writes_for_the_province(
    world: World, personas: Personas, statistician_c: User
) -> None:
    url = "/api/price-indexes/"
    ppi(date(2025, 2, 1))
    body = {"period": "2025-03", "division": "30", "value": "98.60", "source": "省统计局"}
    for user in (
        personas.province_viewer,
        personas.zone_admin,
        personas.park_user,
        personas.sysadmin,
    ):
        assert token_client(user).post(url, body, format="json").status_code == 403
    refused = token_client(personas.statistician).post(
        url, {**body, "province": "130000"}, format="json"
    )
    assert refused.status_code == 403
    response = token_client(personas.statistician).post(url, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["period"] == "2025-03"
    assert (response.json()["province"], response.json()["province_name"]) == ("140000", "山西省")
    assert PriceIndex.objects.get(division="30").period == date(2025, 3, 1)
    hebei = token_client(statistician_c).post(url, {**body, "province": "130000"}, format="json")
    assert hebei.status_code == 201, hebei.content
    assert api_names(statistician_c, url, "province", province="130000") == ["130000"]
    assert api_names(personas.statistician, url, "province", province="130000") == []
    assert api_names(personas.park_user, url, "period") == ["2025-02", "2025-03"]
    assert api_names(personas.outsider, url, "division", division="total") == [""]
    assert api_names(personas.reporter, url, "period") == []
    assert api_names(personas.auditor, url, "period") == []
    assert api_names(personas.sysadmin, url, "period") == []
    wrong = token_client(personas.statistician).post(
        url, {**body, "province": "140000", "division": "52", "period": "2025-04"}, format="json"
    )
    assert wrong.status_code == 400 and "division" in wrong.json()


def test_both_are_in_the_openapi_schema(personas: Personas) -> None:
    client = token_client(personas.zone_admin)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for url in ("/api/targets/", "/api/price-indexes/", "/api/value-added-rates/"):
        assert schema["paths"][url]["get"]["tags"] == ["statistics"]
        assert set(schema["paths"][f"{url}{{id}}/"]) == {"get", "put", "patch"}
    assert "plan" in schema["components"]["schemas"]["TargetKindEnum"]["enum"]
