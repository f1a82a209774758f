"""The candidate and gap pages: who sees them, what they show, and the gap actions."""

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.tests.registry_pages import table_rows
from kaifaqu.enterprises.models import StatCategory
from kaifaqu.enterprises.services import roster_entry_add
from kaifaqu.returns.models import Gap, GapStatus, Return, ReturnStatus
from kaifaqu.returns.services import gaps_refresh

CANDIDATES = reverse("returns:candidate-list")
GAPS = reverse("returns:gap-list")
pytestmark = pytest.mark.django_db


@pytest.fixture
def near(world: World) -> None:
    """甲二 reports 12 × 150 = 1800 万元 up to 2025-06: 90.0 % of 2000; (2000−1800)/150 → 2."""
    Return.objects.bulk_create(
        Return(
            enterprise=world.ent_a2,
            period=Month(2025, 6).shift(-i).first_day,
            status=ReturnStatus.ACCEPTED,
            revenue=Decimal("150"),
        )
        for i in range(12)
    )


def test_the_statistician_sees_the_candidate_with_its_figures(
    client: Client, personas: Personas, near: None
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.statistician)
    response = client.get(CANDIDATES, {"month": "2025-06"})
    assert response.status_code == 200
    assert table_rows(response) == [
        [
            "甲二新材料有限公司",
            "二园",
            "Above-scale industry (规上工业)",
            "2,000.00",
            "1,800.00",
            "90.0",
            "2",
        ]
    ]


def test_a_firm_already_above_the_threshold_is_shown_as_reached(
    client: Client, world: World, personas: Personas
) -> None:
    # 12 × 180 = 2160 万元 ≥ 2000: off the roster but no month left to wait.
    Return.objects.bulk_create(
        Return(
            enterprise=world.ent_a2,
            period=Month(2025, 6).shift(-i).first_day,
            status=ReturnStatus.ACCEPTED,
            revenue=Decimal("180"),
        )
        for i in range(12)
    )
    client.force_login(personas.statistician)
    response = client.get(CANDIDATES, {"month": "2025-06"})
    assert table_rows(response)[0][-2:] == ["108.0", "已达到"]


def test_the_outsider_sees_no_candidate_of_zone_a(
    client: Client, world: World, personas: Personas, near: None
) -> None:
    client.force_login(personas.statistician_b)
    response = client.get(CANDIDATES, {"month": "2025-06", "zone": str(world.zone_a.pk)})
    assert response.status_code == 200
    assert "甲二新材料有限公司" not in response.content.decode()
    assert response.context["zone"] == world.zone_b
    # 统计法: a list of firms' revenues is the statistics office's; the zone's administrator and
    # the provincial office are refused (they read aggregates).
    for persona in (personas.outsider, personas.zone_admin, personas.province_viewer):
        client.force_login(persona)
        refused = client.get(CANDIDATES, {"month": "2025-06"})
        assert refused.status_code == 403
        assert "甲二新材料有限公司" not in refused.content.decode()


def test_the_reporter_and_the_auditor_may_not_open_candidates_or_gaps(
    client: Client, personas: Personas, near: None
) -> None:
    for user in (personas.reporter, personas.auditor):
        client.force_login(user)
        assert client.get(CANDIDATES).status_code == 403
        assert client.get(GAPS).status_code == 403


@pytest.fixture
def gap(world: World) -> Gap:
    roster_entry_add(by=None, enterprise=world.ent_a1, year=2025, category=StatCategory.INDUSTRY)
    gaps_refresh(by=None, zone=world.zone_a, month=Month(2025, 9), today=date(2025, 10, 15))
    return Gap.objects.get()


def test_the_gap_list_shows_the_open_gaps_of_the_zone(
    client: Client, personas: Personas, gap: Gap
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.statistician)
    rows = table_rows(client.get(GAPS))
    assert [row[:6] for row in rows] == [
        [
            "甲一水泥有限公司",
            "On the roster, no return by the deadline",
            "Above-scale industry (规上工业)",
            "2025-09",
            "Open",
            "—",
        ]
    ]


def test_a_kind_filter_that_does_not_match_shows_nothing(
    client: Client, personas: Personas, gap: Gap
) -> None:
    client.force_login(personas.statistician)
    assert table_rows(client.get(GAPS, {"kind": "outside_roster"})) == []
    assert len(table_rows(client.get(GAPS, {"kind": "not_reported"}))) == 1


def test_the_outsider_sees_no_gap_of_zone_a(
    client: Client, world: World, personas: Personas, gap: Gap
) -> None:
    client.force_login(personas.outsider)
    response = client.get(GAPS, {"zone": str(world.zone_a.pk)})
    assert table_rows(response) == []
    assert "甲一水泥有限公司" not in response.content.decode()


def test_the_park_user_reads_gaps_without_actions(
    client: Client, personas: Personas, gap: Gap
) -> None:
    client.force_login(personas.park_user)
    response = client.get(GAPS)
    assert len(table_rows(response)) == 1
    assert reverse("returns:gap-close", args=[gap.pk]) not in response.content.decode()
    response = client.post(reverse("returns:gap-close", args=[gap.pk]), {"note": "x"})
    assert response.status_code == 403
    gap.refresh_from_db()
    assert gap.status == GapStatus.OPEN


def test_the_statistician_assigns_and_closes_a_gap_through_the_page(
    client: Client, personas: Personas, gap: Gap
) -> None:
    client.force_login(personas.zone_admin)
    client.post(
        reverse("returns:gap-assign", args=[gap.pk]),
        {"assigned_to": personas.statistician.pk},
    )
    gap.refresh_from_db()
    assert gap.assigned_to == personas.statistician
    client.post(reverse("returns:gap-close", args=[gap.pk]), {"note": ""})
    gap.refresh_from_db()
    assert gap.status == GapStatus.OPEN
    client.post(reverse("returns:gap-close", args=[gap.pk]), {"note": "已催报，企业停产"})
    gap.refresh_from_db()
    assert (gap.status, gap.note, gap.closed_by) == (
        GapStatus.CLOSED,
        "已催报，企业停产",
        personas.zone_admin,
    )
    actors = {entry.actor for entry in LogEntry.objects.get_for_object(gap)}
    assert personas.zone_admin in actors


def test_the_outsider_cannot_act_on_a_gap_of_zone_a(
    client: Client, personas: Personas, gap: Gap
) -> None:
    client.force_login(personas.outsider)
    response = client.post(reverse("returns:gap-close", args=[gap.pk]), {"note": "x"})
    assert response.status_code == 404
    gap.refresh_from_db()
    assert gap.status == GapStatus.OPEN


def test_the_refresh_button_opens_gaps_of_the_month(
    client: Client, world: World, personas: Personas
) -> None:
    roster_entry_add(by=None, enterprise=world.ent_a2, year=2025, category=StatCategory.INDUSTRY)
    client.force_login(personas.statistician)
    response = client.post(
        reverse("returns:gap-refresh"), {"zone": world.zone_a.pk, "month": "2025-09"}
    )
    assert response.status_code == 302
    assert list(Gap.objects.values_list("enterprise__name", flat=True)) == ["甲二新材料有限公司"]
