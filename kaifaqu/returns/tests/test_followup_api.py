"""The read-only gap (应统尽统) and candidate (上规入统) endpoints, scoped as their pages."""

from datetime import date
from typing import Any

import pytest

from kaifaqu.accounts.models import User
from kaifaqu.conftest import Personas, World
from kaifaqu.core.tests.api_clients import token_client
from kaifaqu.enterprises.models import Enterprise, StatCategory
from kaifaqu.returns.models import Gap, GapKind, GapStatus
from kaifaqu.returns.tests.proxy_helpers import AS_OF, WINDOW, reporting_peer, stored_tax

pytestmark = pytest.mark.django_db
GAPS = "/api/gaps/"
CANDIDATES = "/api/candidates/"


def gap(enterprise: Enterprise, month: date | None, **extra: Any) -> Gap:
    return Gap.objects.create(
        enterprise=enterprise,
        kind=GapKind.NOT_REPORTED if month else GapKind.OUTSIDE_ROSTER,
        period=month,
        category=StatCategory.INDUSTRY,
        **extra,
    )


@pytest.fixture
def gaps(world: World, personas: Personas) -> dict[str, Gap]:
    return {
        "a1_aug": gap(world.ent_a1, date(2025, 8, 1), assigned_to=personas.statistician),
        "a1_sep": gap(world.ent_a1, date(2025, 9, 1)),
        "a2_closed": gap(world.ent_a2, date(2025, 9, 1), status=GapStatus.CLOSED, note="已停产"),
        "a2_outside": gap(world.ent_a2, None),
        "b_sep": gap(world.ent_b, date(2025, 9, 1)),
    }


def ids(user: User, **query: Any) -> set[int]:
    response = token_client(user).get(GAPS, query)
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_each_persona_lists_only_the_gaps_it_may_see(
    personas: Personas, gaps: dict[str, Gap]
) -> None:
    zone_a = {gaps[k].pk for k in ("a1_aug", "a1_sep", "a2_closed", "a2_outside")}
    assert ids(personas.statistician) == zone_a
    assert ids(personas.province_viewer) == zone_a | {gaps["b_sep"].pk}
    assert ids(personas.park_user) == {gaps["a1_aug"].pk, gaps["a1_sep"].pk}
    assert ids(personas.outsider) == {gaps["b_sep"].pk}
    # The office's follow-up list, not the firm's nor the 三员's: refused, as on the page.
    assert token_client(personas.reporter).get(GAPS).status_code == 403
    assert token_client(personas.auditor).get(GAPS).status_code == 403
    assert token_client(personas.outsider).get(f"{GAPS}{gaps['a1_sep'].pk}/").status_code == 404


def test_gaps_filter_by_zone_month_status_and_kind(
    world: World, personas: Personas, gaps: dict[str, Gap]
) -> None:
    user = personas.province_viewer
    assert ids(user, zone=world.zone_b.pk) == {gaps["b_sep"].pk}
    assert ids(user, zone=world.zone_a.pk, month="2025-09", status="open") == {gaps["a1_sep"].pk}
    assert ids(user, zone=world.zone_a.pk, status="closed") == {gaps["a2_closed"].pk}
    assert ids(user, kind="outside_roster") == {gaps["a2_outside"].pk}
    assert token_client(user).get(GAPS, {"month": "soon"}).status_code == 400
    assert token_client(personas.outsider).get(GAPS, {"zone": world.zone_a.pk}).status_code == 400


def test_a_gap_reads_with_its_follow_up(
    world: World, personas: Personas, gaps: dict[str, Gap]
) -> None:
    client = token_client(personas.statistician)
    data = client.get(f"{GAPS}{gaps['a1_aug'].pk}/").json()
    assert {k: data[k] for k in ("enterprise", "zone", "kind", "category", "period", "status")} == {
        "enterprise": world.ent_a1.pk,
        "zone": world.zone_a.pk,
        "kind": "not_reported",
        "category": "industry",
        "period": "2025-08",
        "status": "open",
    }
    assert data["assigned_to"] == "statistician"
    assert client.get(f"{GAPS}{gaps['a2_outside'].pk}/").json()["period"] is None


def test_gaps_are_read_only_through_the_api(personas: Personas, gaps: dict[str, Gap]) -> None:
    client = token_client(personas.statistician)
    assert client.post(GAPS, {}).status_code == 405
    response = client.patch(f"{GAPS}{gaps['a1_sep'].pk}/", {"status": "closed"})
    assert response.status_code == 405


@pytest.fixture
def candidate(world: World) -> None:
    """See proxy_helpers: 甲二 is estimated from its tax at 1680 万元, 84.0 %, 3 months left."""
    reporting_peer(world)
    for month in WINDOW:
        stored_tax(world.ent_a2, month, "7")


def candidates(user: User, **query: Any) -> Any:
    return token_client(user).get(CANDIDATES, {"month": str(AS_OF), **query})


def test_the_candidate_row_has_the_hand_computed_figures(
    world: World, personas: Personas, candidate: None
) -> None:
    response = candidates(personas.statistician, zone=world.zone_a.pk)
    assert response.status_code == 200, response.json()
    assert response.json() == [
        {
            "enterprise": world.ent_a2.pk,
            "enterprise_name": "甲二新材料有限公司",
            "uscc": world.ent_a2.uscc,
            "park": "二园",
            "category": "industry",
            "threshold": "2000.0000",
            # 84 万元 of tax × (1200 ÷ 60) = 1680; 1680 ÷ 2000 = 84.0 %;
            # (2000 − 1680) ÷ (21 × 20 ÷ 3) = 320 ÷ 140 = 2.29 → 3.
            "trailing_revenue": "1680.0000",
            "share_pct": "84.0",
            "months_left": 3,
            "estimated": True,
            "proxy_kind": "tax",
        }
    ]


def test_the_zone_defaults_to_the_first_one_seen_and_the_month_to_its_latest_data(
    personas: Personas, candidate: None
) -> None:
    assert len(candidates(personas.zone_admin).json()) == 1
    # Unless asked, the window ends on zone 甲's latest month with figures (2025-06), whatever
    # today's date: the same candidate as when the month is given.
    assert token_client(personas.zone_admin).get(CANDIDATES).json() == (
        candidates(personas.zone_admin).json()
    )
    assert len(token_client(personas.zone_admin).get(CANDIDATES).json()) == 1


def test_personas_who_must_not_see_zone_a_candidates_do_not(
    world: World, personas: Personas, candidate: None
) -> None:
    # Zone 乙's statistician may not ask for zone 甲, and its own zone has no candidate.
    assert candidates(personas.statistician_b, zone=world.zone_a.pk).status_code == 400
    assert candidates(personas.statistician_b).json() == []
    # 统计法: firms' revenues are the statistics office's: everyone else is refused, as on the page.
    for persona in (
        personas.reporter,
        personas.auditor,
        personas.park_user,
        personas.province_viewer,
        personas.outsider,
        personas.zone_admin,
        personas.sysadmin,
        personas.secadmin,
    ):
        assert candidates(persona).status_code == 403
        assert candidates(persona, zone=world.zone_a.pk).status_code == 403
    assert candidates(personas.statistician, zone=world.zone_a.pk).json()[0]["share_pct"] == "84.0"


def test_a_malformed_month_is_a_clear_400(personas: Personas, candidate: None) -> None:
    response = candidates(personas.statistician, month="June")
    assert response.status_code == 400
    assert response.json() == {"month": ['"June" is not a month; write it as 2025-03.']}


def test_gaps_and_candidates_are_in_the_openapi_schema(personas: Personas) -> None:
    schema = token_client(personas.statistician).get("/api/schema/", {"format": "json"}).json()
    assert set(schema["paths"][GAPS]) == {"get"}
    assert set(schema["paths"][f"{GAPS}{{id}}/"]) == {"get"}
    candidates_get = schema["paths"][CANDIDATES]["get"]
    assert {p["name"] for p in candidates_get["parameters"]} == {"zone", "month"}
    assert candidates_get["tags"] == ["statistics"]
    row = schema["components"]["schemas"]["Candidate"]["properties"]
    assert {"trailing_revenue", "share_pct", "months_left", "proxy_kind"} <= set(row)
