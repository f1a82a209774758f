"""The indicator table and catalogue in the REST API: the page's numbers, scope and masking."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from kaifaqu.accounts.models import User
from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.indicators.catalogue import CATALOGUE
from kaifaqu.indicators.models import IndicatorCell
from kaifaqu.indicators.selectors import indicator_rows
from kaifaqu.indicators.tests.indicator_helpers import indicators_world, park_a3

pytestmark = pytest.mark.django_db
TABLE = "/api/indicator-table/"
CATALOGUE_API = "/api/indicator-catalogue/"
__all__ = ["indicators_world", "park_a3"]  # fixtures


def table(user: User, **query: str) -> Any:
    return token_client(user).get(TABLE, query)


def by_code(response: Any) -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in response.json()["rows"]}


def test_the_api_gives_the_zone_table_worked_out_by_hand(
    world: World, personas: Personas, indicators_world: Any
) -> None:
    response = table(
        personas.zone_admin, month="2025-03", slice_kind="zone", slice_key=str(world.zone_a.pk)
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["month"], body["published"], body["masked"]) == ("2025-03", True, True)
    assert body["slice_label"] == "甲开发区"
    assert "3 enterprises" in body["disclosure_rule"]
    rows = by_code(response)
    assert [row["code"] for row in body["rows"]] == [indicator.code for indicator in CATALOGUE]
    gross = rows["gross_output"]
    assert (gross["month_value"], gross["month_growth"]) == ("945.00", "11.2")
    assert (gross["ytd_value"], gross["ytd_base"], gross["ytd_growth"]) == (
        "2775.00",
        "2550.00",
        "8.8",
    )
    assert (gross["enterprises"], gross["suppressed"], gross["growth_unit"]) == (
        7,
        False,
        "percent",
    )
    value_added = rows["value_added"]
    assert (value_added["ytd_comparable_growth"], value_added["month_comparable_growth"]) == (
        "7.1",
        "5.9",
    )
    rate = rows["sales_rate"]
    assert (rate["ytd_value"], rate["ytd_growth"], rate["growth_unit"]) == (
        "90.0",
        "-5.0",
        "points",
    )
    assert rows["employees"]["ytd_value"] == "350"
    assert rows["gdp"]["ytd_value"] is None


def test_the_api_and_the_page_give_the_same_numbers(
    world: World, personas: Personas, indicators_world: Any, park_a3: Any
) -> None:
    for user in (personas.zone_admin, personas.statistician):
        for kind, key in (
            ("zone", world.zone_a.pk),
            ("park", park_a3.pk),
            ("park", world.park_a2.pk),
        ):
            rows = by_code(table(user, month="2025-03", slice_kind=kind, slice_key=str(key)))
            selected = indicator_rows(
                user=user, month=Month(2025, 3), slice_kind=kind, slice_key=str(key)
            )
            for row in selected.rows:
                api = rows[row.code]
                for name in ("ytd_value", "ytd_base", "month_value", "ytd_growth", "month_growth"):
                    expected = getattr(row, name)
                    assert api[name] == (None if expected is None else f"{expected}"), name
                assert api["suppressed"] == row.suppressed


def test_outside_the_office_a_suppressed_cell_has_every_figure_null(
    world: World, personas: Personas, indicators_world: Any
) -> None:
    query = {"month": "2025-03", "slice_kind": "park", "slice_key": str(world.park_a1.pk)}
    gross = by_code(table(personas.zone_admin, **query))["gross_output"]
    assert gross["suppressed"] is True
    assert {gross[name] for name in ("month_value", "ytd_value", "ytd_base", "ytd_growth")} == {
        None
    }
    assert gross["enterprises"] is None
    shown = by_code(table(personas.statistician, **query))["gross_output"]
    assert (shown["suppressed"], shown["ytd_value"], shown["enterprises"]) == (False, "390.00", 1)


def test_february_has_1_to_2_months_only_and_january_nothing(
    world: World, personas: Personas, indicators_world: Any
) -> None:
    zone = {"slice_kind": "zone", "slice_key": str(world.zone_a.pk)}
    february = by_code(table(personas.statistician, month="2025-02", **zone))["gross_output"]
    assert (february["month_value"], february["ytd_value"], february["ytd_growth"]) == (
        None,
        "1830.00",
        "7.6",
    )
    january = table(personas.statistician, month="2025-01", **zone).json()
    assert january["published"] is False
    assert {row["ytd_value"] for row in january["rows"]} == {None}


def test_without_a_slice_or_month_the_api_gives_the_users_own_and_latest(
    world: World, personas: Personas, indicators_world: Any
) -> None:
    body = table(personas.zone_admin).json()
    assert (body["month"], body["slice_kind"], body["slice_key"]) == (
        "2025-03",
        "zone",
        str(world.zone_a.pk),
    )


@pytest.mark.parametrize(
    ("persona", "kind", "key", "status"),
    [
        ("outsider", "zone", "zone_a", 404),
        ("park_user", "park", "park_a2", 404),
        ("park_user", "zone", "zone_a", 404),
        ("province_viewer", "zone", "zone_c", 404),
        ("zone_admin", "province", "14", 404),
        ("zone_admin", "division", "30", 404),
        ("reporter", "zone", "zone_a", 403),
        ("auditor", "zone", "zone_a", 403),
        ("sysadmin", "province", "14", 403),  # 三员分立: no business data
    ],
)
def test_personas_outside_a_slice_get_nothing(
    world: World,
    personas: Personas,
    indicators_world: Any,
    persona: str,
    kind: str,
    key: str,
    status: int,
) -> None:
    slice_key = str(getattr(world, key).pk) if hasattr(world, key) else key
    response = table(
        getattr(personas, persona), month="2025-03", slice_kind=kind, slice_key=slice_key
    )
    assert response.status_code == status
    assert "2775" not in response.content.decode()


def test_industry_divisions_add_up_every_province_and_are_read_by_no_one(
    world: World, personas: Personas, indicators_world: Any
) -> None:
    """A division's cell adds up the zones of every province: no office's scope holds it, and
    since 三员分立 the system administrator, who read it, sees no business data at all."""
    cell = IndicatorCell.objects.get(
        month="2025-03-01", slice_kind="division", slice_key="30", indicator="gross_output"
    )
    assert cell.ytd_value == 27_750_000  # 2775 万元, zone 甲's seven firms
    for persona in ("statistician", "province_viewer", "zone_admin"):
        response = table(
            getattr(personas, persona), month="2025-03", slice_kind="division", slice_key="30"
        )
        assert response.status_code == 404, persona
    for query in (
        {"slice_kind": "division", "slice_key": "30"},
        {"slice_kind": "zone", "slice_key": str(world.zone_a.pk)},
        {},
    ):
        response = table(personas.sysadmin, month="2025-03", **query)
        assert response.status_code == 403, query
        assert "2775" not in response.content.decode()


def test_a_bad_query_is_a_400(world: World, personas: Personas, indicators_world: Any) -> None:
    assert table(personas.zone_admin, month="2025-13").status_code == 400
    assert table(personas.zone_admin, slice_kind="zone").status_code == 400
    assert table(personas.zone_admin, slice_kind="galaxy", slice_key="1").status_code == 400


def test_the_catalogue_api_lists_every_indicator_with_its_method(
    personas: Personas, indicators_world: Any
) -> None:
    response = token_client(personas.zone_admin).get(CATALOGUE_API)
    assert response.status_code == 200
    entries = response.json()
    assert [entry["code"] for entry in entries] == [indicator.code for indicator in CATALOGUE]
    assert all(entry["method"] and entry["unit_label"] for entry in entries)
    one = token_client(personas.zone_admin).get(f"{CATALOGUE_API}sales_rate/").json()
    assert (one["unit"], one["kind"], one["source"]) == ("percent", "ratio", "returns")
    assert token_client(personas.zone_admin).get(f"{CATALOGUE_API}nothing/").status_code == 404
    assert token_client(personas.auditor).get(CATALOGUE_API).status_code == 403
    assert token_client(personas.zone_admin).post(CATALOGUE_API, {}).status_code == 405
    assert APIClient().get(CATALOGUE_API).status_code in {401, 403}


def test_the_indicator_api_is_in_the_openapi_schema(personas: Personas) -> None:
    schema = token_client(personas.statistician).get("/api/schema/", {"format": "json"}).json()
    assert set(schema["paths"][TABLE]) == {"get"}
    assert set(schema["paths"][CATALOGUE_API]) == {"get"}
    assert set(schema["paths"][f"{CATALOGUE_API}{{code}}/"]) == {"get"}
    parameters = {p["name"] for p in schema["paths"][TABLE]["get"]["parameters"]}
    assert {"month", "slice_kind", "slice_key"} <= parameters
    row = schema["components"]["schemas"]["IndicatorRow"]["properties"]
    assert {"ytd_value", "ytd_growth", "suppressed", "growth_unit"} <= set(row)
