"""Target progress: completion, time-elapsed pace (序时进度), gap, projection and growth against
targets, computed by hand on the small province of target_world.py (March 2025: N = 3)."""

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
from kaifaqu.indicators.selectors.targets import Progress, target_progress
from kaifaqu.indicators.tests.target_world import TargetWorld, annual, target_world

__all__ = ["target_world"]
pytestmark = pytest.mark.django_db
PAGE = reverse("indicators:target-progress")
API = "/api/target-progress/"
MARCH = Month(2025, 3)


def by_indicator(user: User, world: TargetWorld, month: Month = MARCH) -> dict[str, Progress]:
    progress = target_progress(user=user, zone=world.world.zone_a, month=month)
    return {row.indicator: row for row in progress.annual}


def rounded(value: Decimal | None, places: str = "0.01") -> Decimal | None:
    return None if value is None else value.quantize(Decimal(places))


def test_completion_pace_gap_and_projection_of_march(
    target_world: TargetWorld, personas: Personas
) -> None:
    gross = by_indicator(personas.statistician, target_world)["gross_output"]
    # 1–3月 2025 of 甲: (110 + 220 + 330 + 440) × 3 = 3300 万元 against a target of 12,000.
    assert gross.actual.value == Decimal("3300")
    assert gross.actual.months == 3
    assert gross.completion_pct == Decimal("27.5")  # 3300 ÷ 12000 × 100
    assert gross.pace_pct == Decimal("25")  # 3 ÷ 12 × 100
    assert gross.ahead_pp == Decimal("2.5")
    assert gross.gap == Decimal("8700")  # 12000 − 3300
    assert gross.projected == Decimal("13200")  # 3300 × 12 ÷ 3


def test_a_target_behind_the_pace(target_world: TargetWorld, personas: Personas) -> None:
    revenue = by_indicator(personas.statistician, target_world)["revenue"]
    # (90 + 180 + 270 + 360) × 3 = 2700 万元 of 15,000: 18 %, 7 points behind 25 %.
    assert (revenue.actual.value, revenue.completion_pct) == (Decimal("2700"), Decimal("18"))
    assert revenue.ahead_pp == Decimal("-7")
    assert (revenue.gap, revenue.projected) == (Decimal("12300"), Decimal("10800"))


def test_growth_targets_compare_the_1_to_n_growth(
    target_world: TargetWorld, personas: Personas
) -> None:
    rows = by_indicator(personas.statistician, target_world)
    # Gross output: 3300 against 3000 a year before: +10 %, target +8 %: 2 points ahead.
    assert rows["gross_output"].actual.growth_pct == Decimal("10")
    assert rows["gross_output"].growth_gap_pp == Decimal("2")
    # Value added (growth only): 3300 × 28.5 % = 940.5 万元; same rate both years, no price
    # index (100): +10 % at comparable prices against +9 %; no value, so no completion.
    value_added = rows["value_added"]
    assert value_added.actual.value == Decimal("940.5")
    assert (value_added.actual.growth_pct, value_added.growth_gap_pp) == (Decimal(10), Decimal(1))
    assert value_added.completion_pct is None and value_added.gap is None


def test_an_entered_figure_is_measured_on_its_own_months(
    target_world: TargetWorld, personas: Personas
) -> None:
    rows = by_indicator(personas.statistician, target_world)
    gdp = rows["gdp"]
    # GDP 1–3月 11,000 of 50,000: 22 %, 3 points behind; a year before 10,000: +10 % vs 6.5.
    assert (gdp.actual.months, gdp.completion_pct, gdp.ahead_pp) == (3, 22, -3)
    assert (gdp.gap, gdp.projected) == (Decimal("39000"), Decimal("44000"))
    assert (gdp.actual.growth_pct, gdp.growth_gap_pp) == (Decimal("10"), Decimal("3.5"))
    # 一般公共预算收入 is entered for 1–2月 only: 900 of 6,000 = 15 % against 2 ÷ 12 = 16.67 %.
    budget = rows["budget_revenue"]
    assert (budget.actual.months, budget.completion_pct) == (2, Decimal("15"))
    assert rounded(budget.pace_pct) == Decimal("16.67")
    assert rounded(budget.ahead_pp) == Decimal("-1.67")
    assert budget.projected == Decimal("5400")  # 900 × 12 ÷ 2
    assert budget.actual.growth_pct is None  # no 1–2月 figure of 2024


def test_a_count_is_compared_as_it_stands(target_world: TargetWorld, personas: Personas) -> None:
    employees = by_indicator(personas.statistician, target_world)["employees"]
    # 4 firms × 50 persons at the end of March, of 500: 40 %; no pace, no projection.
    assert (employees.actual.value, employees.completion_pct) == (Decimal(200), Decimal(40))
    assert employees.pace_pct is None and employees.ahead_pp is None
    assert employees.projected is None
    assert employees.gap == Decimal(300)


def test_a_plan_target_is_compared_in_its_latest_full_year(
    target_world: TargetWorld, personas: Personas
) -> None:
    progress = target_progress(
        user=personas.statistician, zone=target_world.world.zone_a, month=MARCH
    )
    (plan,) = progress.plans
    # 十四五 GDP 45,000: 2024 (the latest full year) 40,000 = 88.89 %, 5,000 to go.
    assert plan.year == 2024
    assert rounded(plan.completion_pct) == Decimal("88.89")
    assert plan.gap == Decimal("5000")
    # 2020 → 2024: 30,000 → 40,000, four years: (4/3)^(1/4) − 1 = 7.457 % a year against 7 %.
    assert rounded(plan.average_growth_pct, "0.001") == Decimal("7.457")
    assert rounded(plan.growth_gap_pp, "0.001") == Decimal("0.457")


def test_january_has_nothing_from_returns(target_world: TargetWorld, personas: Personas) -> None:
    rows = by_indicator(personas.statistician, target_world, Month(2025, 1))
    # January is published with February: no actual, so no completion or projection.
    assert rows["gross_output"].actual.value is None
    assert rows["gross_output"].completion_pct is None
    assert rows["gdp"].actual.value is None  # no figure of 1月 entered either


def test_a_confidential_zone_figure_is_masked_outside_the_statistics_office(
    target_world: TargetWorld, personas: Personas
) -> None:
    # Zone 乙 is one enterprise: its gross output is 保密 except to the statistics office.
    annual(target_world.world.zone_b, "gross_output", "3000", "5.00")
    outsider = target_progress(user=personas.outsider, zone=target_world.world.zone_b, month=MARCH)
    (row,) = outsider.annual
    assert row.actual.suppressed
    assert (row.actual.value, row.actual.growth_pct, row.completion_pct) == (None, None, None)
    assert (row.gap, row.projected, row.growth_gap_pp) == (None, None, None)
    office = target_progress(
        user=personas.statistician_b, zone=target_world.world.zone_b, month=MARCH
    )
    (seen,) = office.annual
    # 300 + 300 + 150 = 750 万元 of 3000: 25 %, shown to the zone's statistics office and marked
    # as confidential.
    assert (seen.actual.value, seen.completion_pct) == (Decimal(750), Decimal(25))
    assert seen.actual.protected and not seen.actual.suppressed


def test_the_page_shows_money_in_yi_yuan_in_chinese(
    client: Client, target_world: TargetWorld, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    response = client.get(PAGE, {"month": "2025-03"})
    assert response.status_code == 200
    rows = {row[0]: row for row in table_rows(response)}
    # Indicator, source, unit, target, target growth, period, actual, completion, pace,
    # ahead, gap, projection, growth, growth against target.
    assert rows["规上工业总产值"][3:] == [
        "1.2000",
        "8.0",
        "1—3月",
        "0.3300",
        "27.5",
        "25.0",
        "+2.5",
        "0.8700",
        "1.3200",
        "10.0",
        "+2.0",
    ]
    assert rows["营业收入"][7:10] == ["18.0", "25.0", "-7.0"]
    assert rows["从业人员"][6:9] == ["200", "40.0", "—"]
    plans = table_rows(response, 1)
    assert plans[0][5:8] == ["2024", "4.0000", "88.9"]


def test_the_page_in_english(client: Client, target_world: TargetWorld, personas: Personas) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.statistician)
    response = client.get(PAGE, {"month": "2025-03"})
    rows = {row[0]: row for row in table_rows(response)}
    gross = rows["Gross output of above-scale industry (规上工业总产值)"]
    assert gross[1:3] == ["Monthly returns", "100 million yuan (亿元)"]
    assert gross[5] == "Months 1–3"
    assert "Time-elapsed pace" in response.content.decode()
    assert "actual × 12 ÷ N" in response.content.decode()


def test_each_persona_sees_the_targets_of_its_own_zone_only(
    client: Client, target_world: TargetWorld, personas: Personas
) -> None:
    zone_a = target_world.world.zone_a
    client.force_login(personas.province_viewer)
    response = client.get(PAGE, {"zone": str(zone_a.pk), "month": "2025-03"})
    assert len(table_rows(response)) == 6
    # The administrator of zone 乙 asking for 甲 gets its own zone, which has no target.
    client.force_login(personas.outsider)
    response = client.get(PAGE, {"zone": str(zone_a.pk), "month": "2025-03"})
    assert response.status_code == 200
    assert response.context["zone"] == target_world.world.zone_b
    assert table_rows(response) == []
    assert "3,300" not in response.content.decode() and "0.33" not in response.content.decode()
    for persona in (personas.reporter, personas.auditor):
        client.force_login(persona)
        assert client.get(PAGE, {"zone": zone_a.pk}).status_code == 403


def test_the_page_reads_in_a_few_queries(
    client: Client,
    target_world: TargetWorld,
    personas: Personas,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(personas.statistician)
    with django_assert_max_num_queries(12):
        assert client.get(PAGE, {"month": "2025-03"}).status_code == 200


def test_the_api_gives_the_same_figures(target_world: TargetWorld, personas: Personas) -> None:
    zone_a = target_world.world.zone_a
    response = token_client(personas.statistician).get(
        API, {"zone": str(zone_a.pk), "month": "2025-03"}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["zone"], body["month"], body["pace_pct"]) == (zone_a.pk, "2025-03", "25.00")
    gross = next(row for row in body["annual"] if row["indicator"] == "gross_output")
    assert {
        key: gross[key]
        for key in ("actual", "completion_pct", "ahead_pp", "gap", "projected", "growth_pct")
    } == {
        "actual": "3300.0000",
        "completion_pct": "27.50",
        "ahead_pp": "2.50",
        "gap": "8700.0000",
        "projected": "13200.0000",
        "growth_pct": "10.00",
    }
    assert body["plans"][0]["completion_pct"] == "88.89"


def test_the_api_is_scoped_as_the_page(target_world: TargetWorld, personas: Personas) -> None:
    zone_a = target_world.world.zone_a
    # Zone 甲 does not exist for the administrator of zone 乙.
    assert token_client(personas.outsider).get(API, {"zone": zone_a.pk}).status_code == 400
    for persona in (personas.reporter, personas.auditor):
        assert token_client(persona).get(API, {"zone": zone_a.pk}).status_code == 403
    own = token_client(personas.outsider).get(API, {"month": "2025-03"}).json()
    assert (own["zone"], own["annual"]) == (target_world.world.zone_b.pk, [])


def test_the_three_endpoints_are_in_the_openapi_schema(personas: Personas) -> None:
    schema = token_client(personas.statistician).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in (API, "/api/warnings/", "/api/zone-rankings/"):
        assert set(paths[path]) == {"get"}, path
        assert paths[path]["get"]["tags"] == ["statistics"]
    # A zone's progress and a ranking are one object each; the warnings a list.
    progress = paths[API]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert progress == {"$ref": "#/components/schemas/ZoneProgress"}
    warning_list = paths["/api/warnings/"]["get"]["responses"]["200"]["content"]
    assert warning_list["application/json"]["schema"]["type"] == "array"
    annual = schema["components"]["schemas"]["AnnualProgress"]["properties"]
    assert {"completion_pct", "pace_pct", "ahead_pp", "gap", "projected"} <= set(annual)
    ranking = paths["/api/zone-rankings/"]["get"]
    assert {p["name"] for p in ranking["parameters"]} == {"month", "indicator", "by"}
