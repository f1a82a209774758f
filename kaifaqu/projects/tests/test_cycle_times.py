"""Cycle times (项目周期): spans between stages worked out by hand, medians, norms, scope."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaifaqu.accounts.models import User
from kaifaqu.conftest import Personas, World
from kaifaqu.projects.cycles import (
    BY_CODE,
    cycle_of,
    first_entries,
    medians,
    norms_of,
    overdue,
    span_summary,
)
from kaifaqu.projects.models import Project, ProjectSettings, Stage
from kaifaqu.projects.selectors import project_cycles
from kaifaqu.projects.services import project_advance, project_create, project_settings_update

pytestmark = pytest.mark.django_db
TODAY = date(2025, 3, 31)
PAGE = reverse("projects:cycle-times")


def entered(*pairs: tuple[str, date]) -> dict[str, date]:
    return first_entries((1, stage, on) for stage, on in pairs)[1]


class Stub:
    def __init__(self, stage: str, pk: int = 1) -> None:
        self.stage, self.pk = stage, pk


NORMS = norms_of(None)  # 180, 180, 90, 365 days


def test_closed_open_and_absent_spans() -> None:
    days = entered(
        (Stage.LEAD, date(2024, 1, 1)),
        (Stage.SIGNED, date(2024, 3, 1)),  # 60 days after the lead (2024 is a leap year)
        (Stage.STARTED, date(2024, 7, 1)),  # 122 days after signing
        (Stage.BUILDING, date(2024, 7, 20)),
    )
    cycle = cycle_of(Stub(Stage.BUILDING), days, NORMS, TODAY)
    spans = {code: (time.days, time.open) for code, time in cycle.spans.items()}
    # Approval was skipped: no approval-to-start span. Commissioning not reached yet: running
    # since 2024-07-01, 273 days to 2025-03-31.
    assert spans == {
        "lead_to_signed": (60, False),
        "signed_to_started": (122, False),
        "started_to_commissioned": (273, True),
    }
    assert not cycle.spans["started_to_commissioned"].overdue  # 273 ≤ 365


def test_a_stalled_project_keeps_its_clock_running_and_a_terminated_one_stops_it() -> None:
    days = entered((Stage.SIGNED, date(2024, 6, 1)), (Stage.STALLED, date(2024, 8, 1)))
    stalled = cycle_of(Stub(Stage.STALLED), days, NORMS, TODAY)
    # Signed 303 days ago and not started: over the 180-day norm, still running.
    assert (stalled.spans["signed_to_started"].days, stalled.spans["signed_to_started"].open) == (
        303,
        True,
    )
    assert stalled.spans["signed_to_started"].overdue
    terminated = cycle_of(Stub(Stage.TERMINATED), days, NORMS, TODAY)
    assert terminated.spans == {}


def test_a_project_past_a_stage_it_skipped_has_no_span_for_it() -> None:
    # Signed, then straight to commissioning: it will never be "started".
    days = entered((Stage.SIGNED, date(2024, 6, 1)), (Stage.COMMISSIONED, date(2024, 9, 1)))
    cycle = cycle_of(Stub(Stage.COMMISSIONED), days, NORMS, TODAY)
    assert cycle.spans == {}


def test_approval_to_start_as_the_article_counts_it() -> None:
    # 淮海钠电: 立项 2024-09-20, 落地 (started) 2024-12-20: 91 days, "three months".
    days = entered((Stage.APPROVED, date(2024, 9, 20)), (Stage.STARTED, date(2024, 12, 20)))
    cycle = cycle_of(Stub(Stage.BUILDING), days, NORMS, TODAY)
    assert cycle.spans["approved_to_started"].days == 91
    assert cycle.spans["approved_to_started"].overdue  # one day over the 90-day norm


def test_medians_count_finished_spans_only_per_group() -> None:
    span = BY_CODE["signed_to_started"]
    cycles = [
        cycle_of(
            Stub(Stage.STARTED, pk),
            entered((Stage.SIGNED, date(2024, 1, 1)), (Stage.STARTED, started)),
            NORMS,
            TODAY,
        )
        for pk, started in ((1, date(2024, 1, 31)), (2, date(2024, 3, 1)), (3, date(2024, 4, 10)))
    ]
    running = cycle_of(
        Stub(Stage.SIGNED, 4), entered((Stage.SIGNED, date(2023, 1, 1))), NORMS, TODAY
    )
    rows = medians([*cycles, running], span, lambda project: ("all", "all"))
    # 30, 60 and 100 days: median 60; the running one (820 days) is not a finished span.
    assert [(row.key, row.closed, row.median_days) for row in rows] == [("all", 3, 60)]
    summary = {row.span.code: row for row in span_summary([*cycles, running])}
    signed = summary["signed_to_started"]
    # Signing to start: 30, 60, 100 days done (median 60), one running and over (820 > 180).
    assert (signed.closed, signed.median, signed.running, signed.overdue) == (3, 60, 1, 1)
    # Start to commissioning: three running (425, 395, 355 days), two of them over 365.
    started = summary["started_to_commissioned"]
    assert (started.closed, started.median, started.running, started.overdue) == (0, None, 3, 2)
    # Over the norm, the furthest over first: 4 signed 820 days ago (180), and 1 and 2 started
    # 425 and 395 days ago without commissioning (365); 3 started 355 days ago.
    late = [(c.project.pk, t.span.code, t.days) for c, t in overdue([*cycles, running])]
    assert late == [
        (4, "signed_to_started", 820),
        (1, "started_to_commissioned", 425),
        (2, "started_to_commissioned", 395),
    ]


# --- from the database ----------------------------------------------------------------------


@pytest.fixture
def pipeline(world: World) -> dict[str, Project]:
    """The world's projects (signed 2025-01-10) moved on, and one more in 乙's park."""
    project_advance(project=world.project_a1, to_stage=Stage.STARTED, on=date(2025, 2, 9), by=None)
    project_advance(project=world.project_b, to_stage=Stage.STARTED, on=date(2025, 3, 11), by=None)
    lead = project_create(
        by=None,
        data={
            "name": "乙线索项目",
            "zone": world.zone_b,
            "park": world.park_b,
            "total_investment": Decimal("5000"),
        },
        stage=Stage.LEAD,
        stage_on=date(2024, 1, 2),
    )
    return {"lead": lead}


def test_the_selector_reads_spans_in_a_few_queries_and_only_what_the_user_sees(
    world: World, personas: Personas, pipeline: dict[str, Project]
) -> None:
    with CaptureQueriesContext(connection) as queries:
        cycles = project_cycles(user=personas.province_viewer, today=TODAY)
    assert len(queries) <= 4  # projects (with their zones), stage changes, norms
    by_name = {cycle.project.name: cycle for cycle in cycles}
    assert by_name["甲一扩建项目"].spans["signed_to_started"].days == 30
    assert by_name["乙储能项目"].spans["signed_to_started"].days == 60
    assert by_name["乙线索项目"].spans["lead_to_signed"].days == 454  # 2024-01-02 → 2025-03-31
    # The park service centre of 甲's first park sees that park's project only.
    visible = {c.project.name for c in project_cycles(user=personas.park_user, today=TODAY)}
    assert visible == {"甲一扩建项目"}
    # The provincial office of 山西 not 河北's 丙; the system administrator nothing.
    assert "丙物流项目" not in by_name
    assert project_cycles(user=personas.sysadmin, today=TODAY) == []


def test_norms_are_per_zone_and_changed_by_its_administrator_only(
    world: World, personas: Personas, pipeline: dict[str, Project]
) -> None:
    project_settings_update(
        by=personas.zone_admin, zone=world.zone_a, data={"signed_to_started_days": 20}
    )
    cycles = project_cycles(user=personas.province_viewer, today=TODAY)
    late = {(c.project.name, t.span.code) for c, t in overdue(cycles)}
    # 甲一 took 30 days against 甲's new 20 and 甲二, signed 80 days ago, is still waiting; 乙 keeps
    # the default 180 for its 60 days; the lead has been waiting 454 days against 180.
    assert late == {
        ("甲一扩建项目", "signed_to_started"),
        ("甲二新建项目", "signed_to_started"),
        ("乙线索项目", "lead_to_signed"),
    }
    for user in (
        personas.outsider,
        personas.province_viewer,
        personas.statistician,
        personas.sysadmin,
    ):
        with pytest.raises(PermissionDenied):
            project_settings_update(by=user, zone=world.zone_a, data={"lead_to_signed_days": 1})
    assert ProjectSettings.objects.get(zone=world.zone_a).lead_to_signed_days == 180


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_the_page_shows_medians_and_what_is_over_the_norm(
    client: Client, world: World, personas: Personas, pipeline: dict[str, Project]
) -> None:
    page = login(client, personas.province_viewer).get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="cycle-summary"' in html and "乙线索项目" in html
    assert 'name="signed_to_started_days"' not in html
    # 甲 only, as its administrator sees it: its norms can be changed there.
    page = login(client, personas.zone_admin).get(PAGE)
    html = page.content.decode()
    assert "乙线索项目" not in html and 'name="signed_to_started_days"' in html


def test_the_norms_form_saves_for_the_administrator_and_refuses_others(
    client: Client, world: World, personas: Personas
) -> None:
    data = {
        "zone": world.zone_a.pk,
        "lead_to_signed_days": 100,
        "signed_to_started_days": 50,
        "approved_to_started_days": 30,
        "started_to_commissioned_days": 200,
        "lead_cold_days": 21,  # the leads' norm shares the form
        "stale_days": 60,  # and the warnings' norm
    }
    response = login(client, personas.zone_admin).post(f"{PAGE}?zone={world.zone_a.pk}", data)
    assert response.status_code == 302
    assert ProjectSettings.objects.get(zone=world.zone_a).signed_to_started_days == 50
    assert ProjectSettings.objects.get(zone=world.zone_a).lead_cold_days == 21
    assert ProjectSettings.objects.get(zone=world.zone_a).stale_days == 60
    bad = login(client, personas.zone_admin).post(PAGE, {**data, "lead_to_signed_days": 0})
    assert bad.status_code == 400
    assert ProjectSettings.objects.get(zone=world.zone_a).lead_to_signed_days == 100
    assert login(Client(), personas.statistician).post(PAGE, data).status_code == 403
    # Another zone's administrator cannot even name 甲.
    assert login(Client(), personas.outsider).post(PAGE, data).status_code == 404


def test_the_api_gives_the_spans_of_the_projects_in_scope(
    client: Client, world: World, personas: Personas, pipeline: dict[str, Project]
) -> None:
    url = "/api/project-cycles/"
    rows = login(client, personas.park_user).get(url).json()
    assert [row["name"] for row in rows] == ["甲一扩建项目"]
    running = (timezone.localdate() - date(2025, 2, 9)).days
    assert rows[0]["spans"] == [
        {"span": "signed_to_started", "days": 30, "open": False, "norm": 180, "overdue": False},
        {
            "span": "started_to_commissioned",
            "days": running,
            "open": True,
            "norm": 365,
            "overdue": running > 365,
        },
    ]
    province = login(Client(), personas.province_viewer)
    assert {row["name"] for row in province.get(url, {"zone": world.zone_b.pk}).json()} == {
        "乙储能项目",
        "乙线索项目",
    }
    assert province.get(url, {"zone": world.zone_c.pk}).status_code == 400
    assert login(Client(), personas.sysadmin).get(url).json() == []
    # Another zone's administrator cannot ask for 甲.
    assert login(Client(), personas.outsider).get(url, {"zone": world.zone_a.pk}).status_code == 400
