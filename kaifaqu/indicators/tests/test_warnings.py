"""Warnings (预警): each kind firing and not firing, on the small province of target_world.py,
with who sees which."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kaifaqu.accounts.models import User
from kaifaqu.conftest import Personas
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.core.tests.registry_pages import table_rows
from kaifaqu.geo.models import ZoneLevel
from kaifaqu.geo.services import zone_create
from kaifaqu.indicators.models import IndicatorCell
from kaifaqu.indicators.selectors.targets import IndicatorWarning, WarningKind, warnings
from kaifaqu.indicators.tests.indicator_helpers import zone_statistician
from kaifaqu.indicators.tests.target_world import TargetWorld, annual, target_world

__all__ = ["target_world"]
pytestmark = pytest.mark.django_db
PAGE = reverse("indicators:warning-list")
API = "/api/warnings/"
MARCH = Month(2025, 3)
BEHIND = WarningKind.BEHIND_PACE
TURNED = WarningKind.GROWTH_TURNED_NEGATIVE
NEGATIVE = WarningKind.GROWTH_NEGATIVE
STOPPED = WarningKind.STOPPED_REPORTING


def found(user: User, month: Month = MARCH, **kwargs: Any) -> dict[tuple[str, str, str], Any]:
    return {
        (warning.zone.name, warning.indicator, warning.kind): warning
        for warning in warnings(user=user, month=month, **kwargs)
    }


# What each zone's statistics office sees of its zone in March 2025 (see target_world.py for the
# figures); since 三员分立 nobody sees them all (the system administrator sees no business data).
ZONE_A = {
    ("甲开发区", "revenue", BEHIND),
    ("甲开发区", "taxes", TURNED),
    ("甲开发区", "electricity", NEGATIVE),
}
ZONE_B = {
    ("乙开发区", "gross_output", TURNED),
    ("乙开发区", "value_added", TURNED),
    ("乙开发区", "revenue", NEGATIVE),
}
# 丙 sent no March return: it stopped reporting, and its March of 2024 stays in the base (同口径:
# the whole same period), so revenue, taxes and electricity, flat in 1–2月, turn negative in
# 1–3月 (revenue 1200 against 1800 万元); gross output, 360 against 200 a month, still grows.
ZONE_C = {
    ("丙开发区", code, STOPPED)
    for code in ("gross_output", "value_added", "revenue", "taxes", "electricity", "employees")
} | {("丙开发区", code, TURNED) for code in ("revenue", "taxes", "electricity")}


def test_each_statistics_office_sees_every_warning_of_its_zone_in_march(
    target_world: TargetWorld, personas: Personas
) -> None:
    world = target_world.world
    assert set(found(personas.statistician)) == ZONE_A
    # 乙 is 保密 outside the statistics office: its own statistician sees its growth warnings.
    assert set(found(personas.statistician_b)) == ZONE_B
    assert set(found(zone_statistician(world.zone_c, "statistician_c"))) == ZONE_C
    assert found(zone_statistician(target_world.zone_d, "statistician_d")) == {}
    # 三员分立: the system administrator sees no business data, warnings included.
    assert found(personas.sysadmin) == {}


def test_behind_the_pace_by_more_than_five_points(
    target_world: TargetWorld, personas: Personas
) -> None:
    warning = found(personas.statistician)[("甲开发区", "revenue", BEHIND)]
    # 2700 of 15,000 万元 = 18 % against 25 %: 7 points behind.
    assert (warning.completion_pct, warning.pace_pct, warning.ahead_pp) == (18, 25, -7)
    assert (warning.value, warning.months) == (Decimal(2700), 3)
    # GDP is 3 points behind (22 % of its target): within the tolerance, no warning.
    assert ("甲开发区", "gdp", BEHIND) not in found(personas.statistician)


def test_exactly_five_points_behind_is_no_warning(
    target_world: TargetWorld, personas: Personas
) -> None:
    zone_d = target_world.zone_d
    annual(zone_d, "gross_output", "5625")  # 1125 ÷ 5625 = 20 %: exactly 5 points behind
    annual(zone_d, "revenue", "4600")  # 900 ÷ 4600 = 19.57 %: 5.43 points behind
    result = found(zone_statistician(zone_d, "statistician_d"), zone=zone_d)
    assert set(result) == {("丁开发区", "revenue", BEHIND)}
    assert result[("丁开发区", "revenue", BEHIND)].ahead_pp.quantize(Decimal("0.01")) == Decimal(
        "-5.43"
    )


def test_growth_that_turns_negative_and_growth_that_stays_negative(
    target_world: TargetWorld, personas: Personas
) -> None:
    result = found(personas.statistician) | found(personas.statistician_b)
    # 甲's taxes: 1–2月 80 against 80 (0 %), 1–3月 4 × 24 = 96 against 120: −20 %.
    taxes = result[("甲开发区", "taxes", TURNED)]
    assert (taxes.growth_pct, taxes.previous_growth_pct) == (Decimal(-20), Decimal(0))
    assert taxes.previous_month == Month(2025, 2)
    # 甲's electricity: 9 against 10 every month: −10 % in 1–2月 already.
    electricity = result[("甲开发区", "electricity", NEGATIVE)]
    assert (electricity.growth_pct, electricity.previous_growth_pct) == (-10, -10)
    # 乙's gross output: 1–2月 600 against 600, 1–3月 750 against 900: −16.67 %.
    gross = result[("乙开发区", "gross_output", TURNED)]
    assert gross.growth_pct.quantize(Decimal("0.01")) == Decimal("-16.67")
    # 甲's revenue is flat (0 %) and its gross output grows: no growth warning.
    assert ("甲开发区", "revenue", TURNED) not in result
    assert ("甲开发区", "revenue", NEGATIVE) not in result
    assert found(zone_statistician(target_world.zone_d, "statistician_d")) == {}


def test_february_has_no_earlier_figure_to_turn_from(
    target_world: TargetWorld, personas: Personas
) -> None:
    result = found(personas.statistician, Month(2025, 2), zone=target_world.world.zone_a)
    # 1–2月: taxes 80 against 80 (no warning), electricity −10 % (negative, not "turned").
    assert set(result) == {("甲开发区", "electricity", NEGATIVE)}
    assert result[("甲开发区", "electricity", NEGATIVE)].previous_growth_pct is None


def test_an_indicator_that_stopped_reporting(target_world: TargetWorld, personas: Personas) -> None:
    result = found(zone_statistician(target_world.world.zone_c, "statistician_c"))
    # 丙's three firms reported January and February, not March: the month adds up to 0.
    gross = result[("丙开发区", "gross_output", STOPPED)]
    assert (gross.previous_enterprises, gross.enterprises) == (3, 0)
    assert gross.previous_month == Month(2025, 2)
    # Employees are counted on the month: the cell has no enterprise left.
    employees = result[("丙开发区", "employees", STOPPED)]
    assert (employees.previous_enterprises, employees.enterprises) == (3, 0)
    assert {key[0] for key in result if key[2] == STOPPED} == {"丙开发区"}
    # Nobody in 甲, 乙 or 丁 stopped (each seen by its own statistics office).
    zone_d = zone_statistician(target_world.zone_d, "statistician_d")
    others = (personas.statistician, personas.statistician_b, zone_d)
    assert not any(key[2] == STOPPED for office in others for key in found(office))


def test_a_zone_whose_cell_is_gone(target_world: TargetWorld, personas: Personas) -> None:
    world = target_world.world
    zone_e = zone_create(
        by=None,
        data={
            "name": "戊开发区",
            "level": ZoneLevel.PROVINCIAL,
            "region": world.datong,
            "area_km2": Decimal("5"),
        },
    )
    # 戊 had gross output from 4 enterprises in 1–12月 2024 and has no cell in 1–2月 2025.
    IndicatorCell.objects.create(
        month=date(2024, 12, 1),
        slice_kind="zone",
        slice_key=str(zone_e.pk),
        zone=zone_e,
        indicator="gross_output",
        ytd_value=40_000_000,
        ytd_base=38_000_000,
        enterprises=4,
    )
    office = zone_statistician(zone_e, "statistician_e")
    result = warnings(user=office, month=Month(2025, 2), zone=zone_e)
    assert [(w.indicator, w.kind, w.previous_enterprises, w.enterprises) for w in result] == [
        ("gross_output", STOPPED, 4, None)
    ]
    assert result[0].previous_month == Month(2024, 12)


def test_outside_the_office_a_confidential_zone_raises_no_growth_warning(
    target_world: TargetWorld, personas: Personas
) -> None:
    # 乙 (one firm) and 丁 (its complement) are 保密 in 山西; 丙 is in 河北.
    assert set(found(personas.province_viewer)) == ZONE_A
    assert found(personas.outsider) == {}


def test_each_persona_sees_the_warnings_of_its_zones_only(
    target_world: TargetWorld, personas: Personas
) -> None:
    assert set(found(personas.zone_admin)) == ZONE_A
    assert set(found(personas.statistician)) == ZONE_A
    assert set(found(personas.park_user)) == ZONE_A
    # Asking for another zone gives nothing.
    assert found(personas.zone_admin, zone=target_world.world.zone_b) == {}
    assert found(personas.reporter) == {}
    assert found(personas.auditor) == {}


def rows_of(response: Any) -> set[tuple[str, str]]:
    return {(row[0], row[1]) for row in table_rows(response)}


def test_the_province_page_lists_the_zones_warnings(
    client: Client, target_world: TargetWorld, personas: Personas
) -> None:
    client.force_login(personas.province_viewer)
    response = client.get(PAGE, {"month": "2025-03"})
    assert response.status_code == 200
    # Chinese by default: the catalogue's names.
    assert rows_of(response) == {
        ("甲开发区", "营业收入"),
        ("甲开发区", "税金总额"),
        ("甲开发区", "用电量"),
    }
    world = target_world.world
    zone_a = client.get(PAGE, {"month": "2025-03", "zone": str(world.zone_a.pk)})
    assert rows_of(zone_a) == rows_of(response)
    # 乙's warnings are 保密 outside the statistics office: asking for 乙 gives none.
    assert table_rows(client.get(PAGE, {"month": "2025-03", "zone": str(world.zone_b.pk)})) == []
    # 乙's statistics office sees them on the same page.
    client.force_login(personas.statistician_b)
    zone_b = client.get(PAGE, {"month": "2025-03", "zone": str(world.zone_b.pk)})
    assert rows_of(zone_b) == {
        ("乙开发区", "规上工业总产值"),
        ("乙开发区", "规上工业增加值"),
        ("乙开发区", "营业收入"),
    }
    # 三员分立: not the system administrator's page.
    client.force_login(personas.sysadmin)
    assert client.get(PAGE, {"month": "2025-03"}).status_code == 403


def test_the_page_in_english_says_what_raised_each_warning(
    client: Client, target_world: TargetWorld, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.zone_admin)
    response = client.get(PAGE, {"month": "2025-03"})
    rows = {row[1]: row for row in table_rows(response)}
    assert rows["Operating revenue (营业收入)"][2:] == [
        "Behind the time-elapsed pace (落后序时进度)",
        "0.2700",
        "100 million yuan (亿元)",
        "Months 1–3: 18.0 % of the target, 7.0 points behind the time-elapsed pace of 25.0 %.",
    ]
    assert rows["Total taxes (税金总额)"][2:] == [
        "Growth turned negative (增速由正转负)",
        "0.0096",
        "100 million yuan (亿元)",
        "Months 1–3: growth -20.0 %, after 0.0 % in Months 1–2.",
    ]


def test_the_page_is_for_the_office_only(
    client: Client, target_world: TargetWorld, personas: Personas
) -> None:
    for persona in (personas.reporter, personas.sysadmin, personas.secadmin, personas.auditor):
        client.force_login(persona)
        assert client.get(PAGE).status_code == 403


def test_the_province_page_reads_in_a_few_queries(
    client: Client,
    target_world: TargetWorld,
    personas: Personas,
    django_assert_max_num_queries: Any,
) -> None:
    # The provincial office's page also reads its region and the months its zones published:
    # a fixed number of queries whatever the number of zones.
    client.force_login(personas.province_viewer)
    with django_assert_max_num_queries(13):
        assert client.get(PAGE, {"month": "2025-03"}).status_code == 200


def test_the_api_lists_the_same_warnings(target_world: TargetWorld, personas: Personas) -> None:
    response = token_client(personas.province_viewer).get(API, {"month": "2025-03"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert {(row["zone_name"], row["indicator"], row["kind"]) for row in body} == ZONE_A
    behind = next(row for row in body if row["kind"] == BEHIND)
    assert (behind["completion_pct"], behind["pace_pct"], behind["ahead_pp"]) == (
        "18.00",
        "25.00",
        "-7.00",
    )
    office = zone_statistician(target_world.world.zone_c, "statistician_c")
    stopped = token_client(office).get(
        API, {"month": "2025-03", "zone": str(target_world.world.zone_c.pk)}
    )
    gross = next(
        row
        for row in stopped.json()
        if (row["indicator"], row["kind"]) == ("gross_output", STOPPED)
    )
    assert (gross["previous_enterprises"], gross["enterprises"], gross["previous_month"]) == (
        3,
        0,
        "2025-02",
    )


def test_the_api_is_scoped_as_the_page(target_world: TargetWorld, personas: Personas) -> None:
    zone_a = target_world.world.zone_a
    assert token_client(personas.outsider).get(API, {"zone": zone_a.pk}).status_code == 400
    assert token_client(personas.outsider).get(API, {"month": "2025-03"}).json() == []
    for persona in (personas.reporter, personas.sysadmin, personas.auditor):
        assert token_client(persona).get(API).status_code == 403


def test_a_warning_names_its_figures(target_world: TargetWorld, personas: Personas) -> None:
    (warning,) = [
        w
        for w in warnings(user=personas.statistician, month=MARCH)
        if w.kind == WarningKind.BEHIND_PACE
    ]
    assert isinstance(warning, IndicatorWarning)
    assert (warning.zone, warning.indicator, warning.month) == (
        target_world.world.zone_a,
        "revenue",
        MARCH,
    )
