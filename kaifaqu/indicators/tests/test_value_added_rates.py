"""Value-added rates by province: their rules, who enters them, the pages, the API, the import,
and the engine using each zone's province's rate (hand-worked figures)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from kaifaqu.accounts.models import User
from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.models import IndustryClass
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.core.tests.registry_pages import table_rows
from kaifaqu.geo.models import Region
from kaifaqu.indicators.imports import price_indexes_import, rates_import
from kaifaqu.indicators.imports.spec import price_index_headers, rates_headers
from kaifaqu.indicators.models import PriceIndex, ValueAddedRate
from kaifaqu.indicators.rates import load_value_added_rates
from kaifaqu.indicators.services import value_added_rate_create, value_added_rate_update
from kaifaqu.indicators.services.rollups import cells_of, rollup_rebuild
from kaifaqu.indicators.tests.indicator_helpers import three_firms_accepted, zone_statistician
from kaifaqu.returns.tests.import_helpers import xlsx

pytestmark = pytest.mark.django_db

RATES = reverse("indicators:valueaddedrate-list")
IN_FORCE = reverse("indicators:rates-in-force")


@pytest.fixture
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def national(world: World) -> None:
    # A flushed test database may have lost the migration's rows.
    load_value_added_rates()


def division(code: str = "30") -> IndustryClass:
    return IndustryClass.objects.get(code=code)


def rate(
    value: str,
    year: int = 2025,
    *,
    by: User | None = None,
    region: Region | None = None,
    code: str = "30",
    source: str = "山西省统计局 2025年规上工业增加值率",
) -> ValueAddedRate:
    data: dict[str, Any] = {
        "division": division(code),
        "year": year,
        "rate": Decimal(value),
        "source": source,
    }
    if region is not None or by is None:
        data["region"] = region
    return value_added_rate_create(by=by, data=data)


# Rules of one record


@pytest.mark.usefixtures("english", "national")
def test_a_division_has_one_national_rate_and_one_per_province_a_year(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        rate("0.3")  # the shipped national 2025 rate of division 30
    assert error.value.messages == ["This division already has a national rate for the year."]
    rate("0.30", region=world.shanxi)
    rate("0.31", region=world.hebei)
    with pytest.raises(ValidationError) as error:
        rate("0.32", region=world.shanxi)
    assert error.value.messages == [
        "This division already has a rate of the province for the year."
    ]
    assert ValueAddedRate.objects.filter(division="30", year=2025).count() == 3


@pytest.mark.usefixtures("english")
def test_an_entered_rate_names_its_source_a_province_and_an_industrial_division(
    world: World,
) -> None:
    with pytest.raises(ValidationError) as error:
        rate("0.3", region=world.shanxi, source=" ")
    assert "source" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        rate("0.3", region=world.shuozhou)  # a city
    assert "Choose a province, not a city or a county." in error.value.message_dict["region"]
    with pytest.raises(ValidationError) as error:
        rate("0.3", region=world.shanxi, code="52")  # retail trade
    assert error.value.message_dict["division"] == [
        "Choose a division of mining, manufacturing or utilities."
    ]
    with pytest.raises(ValidationError):
        rate("1.2", region=world.shanxi)


@pytest.mark.usefixtures("national")
def test_the_loader_adds_national_rates_only_and_never_touches_a_provinces(world: World) -> None:
    own = rate("0.5", region=world.shanxi)
    ValueAddedRate.objects.filter(region__isnull=True, division="30", year=2025).delete()
    assert load_value_added_rates() == 1
    own.refresh_from_db()
    assert own.rate == Decimal("0.5")
    shipped = ValueAddedRate.objects.get(region__isnull=True, division="30", year=2025)
    assert shipped.rate == Decimal("0.2850")


# Who reads and who writes


@pytest.mark.usefixtures("national")
def test_office_users_read_the_national_rates_and_their_provinces(
    world: World, personas: Personas
) -> None:
    rate("0.30", region=world.shanxi)
    rate("0.31", region=world.hebei)
    office_c = zone_statistician(world.zone_c, "statistician_c")  # zone 丙, in 河北
    provinces = {r.region_id for r in ValueAddedRate.objects.for_user(office_c)}
    assert provinces == {None, world.hebei.pk}
    for reader in (
        personas.province_viewer,
        personas.zone_admin,
        personas.statistician,
        personas.park_user,
        personas.outsider,
    ):
        provinces = {r.region_id for r in ValueAddedRate.objects.for_user(reader)}
        assert provinces == {None, world.shanxi.pk}, reader
    # 三员分立: none of the three administrators reads business data.
    for stranger in (personas.reporter, personas.sysadmin, personas.secadmin, personas.auditor):
        assert not ValueAddedRate.objects.for_user(stranger).exists(), stranger


@pytest.mark.usefixtures("national")
def test_a_statistician_enters_the_rates_of_the_zones_province_only(
    world: World, personas: Personas
) -> None:
    # No province named: the zone's (甲: 山西).
    own = rate("0.30", by=personas.statistician)
    assert own.region == world.shanxi
    assert LogEntry.objects.get_for_object(own).get().actor == personas.statistician
    # Zone 乙's statistician is of 山西 too.
    value_added_rate_update(
        by=personas.statistician_b, valueaddedrate=own, data={"rate": Decimal("0.32")}
    )
    with pytest.raises(PermissionDenied):
        rate("0.31", by=personas.statistician, region=world.hebei)
    shipped = ValueAddedRate.objects.get(region__isnull=True, division="30", year=2025)
    with pytest.raises(PermissionDenied):
        value_added_rate_update(
            by=personas.statistician, valueaddedrate=shipped, data={"rate": Decimal("0.9")}
        )
    with pytest.raises(PermissionDenied):
        value_added_rate_create(
            by=personas.statistician,
            data={
                "region": None,
                "division": division("31"),
                "year": 2025,
                "rate": 1,
                "source": "x",
            },
        )
    for user in (
        personas.province_viewer,
        personas.zone_admin,
        personas.park_user,
        personas.outsider,
        personas.reporter,
        personas.sysadmin,
        personas.secadmin,
        personas.auditor,
    ):
        with pytest.raises(PermissionDenied):
            rate("0.4", 2024, by=user)
    # 三员分立: the system administrator writes no province's and not the national reference.
    with pytest.raises(PermissionDenied):
        rate("0.31", by=personas.sysadmin, region=world.hebei)
    with pytest.raises(PermissionDenied):
        value_added_rate_update(
            by=personas.sysadmin,
            valueaddedrate=shipped,
            data={"rate": Decimal("0.29"), "source": "国家统计局"},
        )
    # 河北's are entered by a statistician of a zone in 河北 (丙).
    hebei = rate("0.31", by=zone_statistician(world.zone_c, "statistician_c"))
    assert hebei.region == world.hebei
    # The national reference changes only at the command line (kfq import without --as: the
    # platform, by None); it names its source there too.
    with pytest.raises(ValidationError):
        value_added_rate_update(by=None, valueaddedrate=shipped, data={"rate": Decimal("0.29")})
    value_added_rate_update(
        by=None,
        valueaddedrate=shipped,
        data={"rate": Decimal("0.29"), "source": "国家统计局"},
    )
    own.refresh_from_db()
    shipped.refresh_from_db()
    assert (own.rate, shipped.rate) == (Decimal("0.3200"), Decimal("0.2900"))


# The engine


def _value_added(world: World, kind: str, key: str) -> tuple[Any, ...]:
    row = cells_of(month=Month(2025, 3)).filter(
        (pl.col("slice_kind") == kind)
        & (pl.col("slice_key") == key)
        & (pl.col("indicator") == "value_added")
    )
    return row.select("month_value", "month_base").row(0)


@pytest.mark.usefixtures("national")
def test_each_zone_uses_its_provinces_own_rate_else_the_national_one(
    world: World, personas: Personas
) -> None:
    """甲一 (100 万元 in March 2024, 110 in March 2025), 甲二 (200, 220) in zone 甲 of 山西;
    乙一 (300, 330) in zone 乙 of 山西. 山西 enters 0.5000 for division 30 in 2024."""
    three_firms_accepted(world)
    rollup_rebuild()
    # National 2025 rate 0.2850 for both years: zone 甲 (110 + 220) × 0.285 = 94.05 万元
    # against (100 + 200) × 0.285 = 85.5 万元 (whole yuan).
    assert _value_added(world, "zone", str(world.zone_a.pk)) == (940_500, 855_000)
    rate("0.5", 2024, by=personas.statistician)
    rollup_rebuild()
    # 山西's own 2024 rate is in force in 2025 and wins over the national 2025 rate, both years:
    # (110 + 220) × 0.5 = 165 万元 against 150 万元; zone 乙 330 × 0.5 against 300 × 0.5.
    assert _value_added(world, "zone", str(world.zone_a.pk)) == (1_650_000, 1_500_000)
    assert _value_added(world, "zone", str(world.zone_b.pk)) == (1_650_000, 1_500_000)


def test_a_new_rate_rebuilds_the_table_from_its_year_on(
    world: World, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaifaqu.indicators import tasks

    three_firms_accepted(world)  # returns of January to March 2024 and 2025
    queued: list[list[str]] = []

    class Queue:
        def enqueue(self, *, months: list[str]) -> None:
            queued.append(months)

    monkeypatch.setattr(tasks, "rollup_months_task", Queue())
    rate("0.5", 2025, by=personas.statistician)
    # A 2025 rate is in force from 2025 on: 2024's months stay as they are.
    assert queued == [["2025-02", "2025-03"]]
    rate("0.5", 2024, by=personas.statistician)
    assert queued[-1] == ["2024-02", "2024-03", "2025-02", "2025-03"]


# Pages


@pytest.mark.usefixtures("national")
def test_the_rates_in_force_show_the_provinces_own_beside_the_national(
    client: Client, world: World, personas: Personas
) -> None:
    rate("0.40", 2023, region=world.shanxi)
    rate("0.35", 2024, region=world.hebei)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.zone_admin)
    page = client.get(IN_FORCE, {"year": "2025"})
    assert page.status_code == 200
    rows = {row.division.code: row for row in page.context["rows"]}
    # 30: 山西's own of 2023 (0.40) beside the national 2025 rate (0.2850): the own one is used.
    assert (rows["30"].own.rate, rows["30"].national.rate, rows["30"].rate) == (
        Decimal("0.4000"),
        Decimal("0.2850"),
        Decimal("0.4000"),
    )
    # 31: no rate of 山西's: the national one.
    assert rows["31"].own is None and rows["31"].rate == rows["31"].national.rate
    # 河北's rate is not 山西's office's to see; in 2022 nothing is in force yet.
    assert [province.code for province in page.context["provinces"]] == ["140000"]
    assert client.get(IN_FORCE, {"year": "2022"}).context["rows"][0].rate is None
    # 河北's office (zone 丙's statistician) sees 河北's own rate in force.
    client.force_login(zone_statistician(world.zone_c, "statistician_c"))
    hebei = client.get(IN_FORCE, {"province": "130000", "year": "2025"})
    assert [province.code for province in hebei.context["provinces"]] == ["130000"]
    assert {row.division.code: row for row in hebei.context["rows"]}["30"].rate == Decimal("0.3500")
    # 三员分立: not the system administrator's page.
    client.force_login(personas.sysadmin)
    assert client.get(IN_FORCE).status_code == 403


@pytest.mark.usefixtures("national")
def test_the_rate_pages_let_a_statistician_enter_the_provinces_rates_only(
    client: Client, world: World, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.statistician)
    page = client.get(RATES, {"province": "national", "division": "30"})
    assert [row[:4] for row in table_rows(page)] == [
        ["National reference", "30 非金属矿物制品业", "2023", "0.2850"],
        ["National reference", "30 非金属矿物制品业", "2024", "0.2850"],
        ["National reference", "30 非金属矿物制品业", "2025", "0.2850"],
    ]
    new = reverse("indicators:valueaddedrate-create")
    form = client.get(new).context["form"]
    assert list(form.fields["region"].queryset) == [world.shanxi]
    response = client.post(
        new,
        {
            "region": world.shanxi.pk,
            "division": "30",
            "year": 2025,
            "rate": "0.3000",
            "source": "山西省统计局",
        },
    )
    assert response.status_code == 302, response.content
    own = ValueAddedRate.objects.get(region=world.shanxi)
    assert client.get(own.get_absolute_url()).context["edit_url"]
    # The national rate: readable, no edit button.
    shipped = ValueAddedRate.objects.get(region__isnull=True, division="30", year=2025)
    assert client.get(shipped.get_absolute_url()).context["edit_url"] is None
    # The provincial office reads, and is offered no button to enter one.
    client.force_login(personas.province_viewer)
    assert client.get(RATES).context["create_url"] is None
    assert client.get(new).status_code == 403
    client.force_login(personas.reporter)
    assert client.get(IN_FORCE).status_code == 403


# API


@pytest.mark.usefixtures("national")
def test_the_rate_api_reads_and_writes_through_the_service(
    world: World, personas: Personas
) -> None:
    url = "/api/value-added-rates/"
    body = {"division": "30", "year": 2026, "rate": "0.3000", "source": "山西省统计局"}
    for user in (personas.province_viewer, personas.zone_admin):
        assert token_client(user).post(url, body, format="json").status_code == 403
    assert (
        token_client(personas.statistician)
        .post(url, {**body, "province": "130000"}, format="json")
        .status_code
        == 403
    )
    assert (
        token_client(personas.statistician)
        .post(url, {**body, "province": None}, format="json")
        .status_code
        == 403
    )
    unsourced = token_client(personas.statistician).post(url, {**body, "source": ""}, format="json")
    assert unsourced.status_code == 400 and "source" in unsourced.json()
    created = token_client(personas.statistician).post(url, body, format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["province"], created.json()["province_name"]) == ("140000", "山西省")
    listed = token_client(personas.park_user).get(url, {"province": "140000"}).json()
    assert [row["year"] for row in listed["results"]] == [2026]
    national = token_client(personas.park_user).get(url, {"province": "national", "year": "2025"})
    assert {row["province"] for row in national.json()["results"]} == {None}
    assert token_client(personas.reporter).get(url).json()["results"] == []


# Imports


def _posted(rows: list[list[Any]], headers: list[str] | None = None) -> io.BytesIO:
    return xlsx(headers or rates_headers(), rows)


@pytest.mark.usefixtures("national")
def test_the_rates_import_writes_all_or_nothing(world: World, personas: Personas) -> None:
    assert rates_headers() == ["省份", "行业代码", "年份", "增加值率", "来源", "备注"]
    bad = rates_import(
        by=personas.statistician,
        file=_posted(
            [
                ["", "30", 2026, "0.30", "山西省统计局", ""],
                ["河北省", "31", 2026, "0.30", "河北省统计局", ""],  # another province
                ["", "52", 2026, "0.30", "x", ""],  # not industry
                ["", "33", 2026, "abc", "x", ""],
                ["", "34", 2026, "0.30", "", ""],  # no source
            ]
        ),
        filename="rates.xlsx",
    )
    assert [(error.row, error.column) for error in bad.errors] == [
        (3, "省份"),
        (4, "行业代码"),
        (5, "增加值率"),
        (6, "来源"),
    ]
    assert not ValueAddedRate.objects.filter(year=2026).exists()
    good = rates_import(
        by=personas.statistician,
        file=_posted(
            [
                ["", "30", 2026, "0.30", "山西省统计局", ""],
                ["140000", "31", 2026, "28.5%", "山西省统计局", "百分数"],
            ]
        ),
        filename="rates.xlsx",
    )
    assert good.ok and (good.created, good.updated) == (2, 0)
    assert ValueAddedRate.objects.get(division="31", year=2026).rate == Decimal("0.2850")
    again = rates_import(
        by=personas.statistician,
        file=_posted(
            [
                ["", "30", 2026, "0.30", "山西省统计局", ""],
                ["", "31", 2026, "0.29", "山西省统计局", "更正"],
            ]
        ),
        filename="rates.xlsx",
    )
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert ValueAddedRate.objects.get(division="31", year=2026).rate == Decimal("0.2900")
    assert set(ValueAddedRate.objects.filter(year=2026).values_list("region", flat=True)) == {
        world.shanxi.pk
    }


def test_the_price_index_import_enters_the_provinces_indexes(
    client: Client, world: World, personas: Personas
) -> None:
    headers = price_index_headers()
    assert headers == ["省份", "月份", "行业代码", "指数(上年同月=100)", "来源", "备注"]
    bad = price_indexes_import(
        by=personas.statistician,
        file=xlsx(
            headers,
            [
                ["", "2025-03", "", "101.5", "山西省统计局", ""],
                ["130000", "2025-03", "", "101.5", "河北省统计局", ""],
                ["", "2025年13月", "30", "101.5", "山西省统计局", ""],
            ],
        ),
        filename="ppi.xlsx",
    )
    assert [(error.row, error.column) for error in bad.errors] == [(3, "省份"), (4, "月份")]
    assert not PriceIndex.objects.exists()
    client.force_login(personas.statistician)
    page = reverse("indicators:price-index-import")
    assert client.get(page).status_code == 200
    upload = xlsx(
        headers,
        [
            ["", "2025年3月", "", "101.5", "山西省统计局", ""],
            ["", "2025-03", "30", 98, "山西省统计局", ""],
        ],
    )
    upload.name = "ppi.xlsx"
    response = client.post(page, {"file": upload, "unit": "万元"})
    assert response.status_code == 200, response.content.decode()[:500]
    assert sorted(
        PriceIndex.objects.values_list("region__code", "period", "division", "value")
    ) == [
        ("140000", date(2025, 3, 1), "", Decimal("101.50")),
        ("140000", date(2025, 3, 1), "30", Decimal("98.00")),
    ]
    template = client.get(reverse("indicators:price-index-import-template"))
    sheet = load_workbook(io.BytesIO(template.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == headers
    # Nobody else imports them.
    client.force_login(personas.province_viewer)
    assert client.get(page).status_code == 403
    assert client.get(reverse("indicators:value-added-rate-import")).status_code == 403
