"""The month-end benchmark (bench/month_close.py) on a tiny province with real months, so that
`python -m bench --only month-close` cannot rot: the generator's real months (entries, exits,
late and missing returns, losses), every zone closed and published zone after zone and as one
job, each time equal to a full rebuild; every act by the zone's own statistician (三员分立). The pages' load test (a server and locust) is left out
here (page_users=0): it is the full-scale run's."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.month_close import run
from kaifaqu.core.permissions import Role
from kaifaqu.indicators.models import Publication
from kaifaqu.returns.models import ReportingMonth, ReportingMonthStatus, Return, ReviewDecision


@pytest.mark.django_db
def test_the_month_end_benchmark_runs_on_a_tiny_province(tmp_path: Path) -> None:
    lines: list[str] = []
    figures = run(
        enterprises=400, months=14, zones=4, page_users=0, workdir=tmp_path, echo=lines.append
    )
    state = figures.state
    # The real months: late returns awaiting review, firms not reported, roster exits and
    # monthly entries in the year, losses in the month.
    assert state["awaiting_review"] > 0 and state["not_started"] > 0
    assert state["exited"] > 0 and state["entered"] > 0 and state["losses"] > 0
    assert figures.late == state["awaiting_review"]
    assert figures.not_reported == state["not_started"]
    assert len(figures.serial_zone_ms) == 4 and figures.estimated > 0
    assert figures.cells > 0 and figures.old_months == 11
    # After the job: every zone's December closed and published once more.
    assert (
        not ReportingMonth.objects.filter(period="2024-12-01")
        .exclude(status=ReportingMonthStatus.CLOSED)
        .exists()
    )
    assert Publication.objects.filter(period="2024-12-01").count() == 4
    assert Return.objects.filter(period="2024-12-01", is_estimate=True).exists()
    report = figures.report()
    assert "every one and its disclosure equal" in report
    assert "(kfq month close-all --no-publish, then close-all" in report and "old/new = " in report
    # 三员分立: every act of the month end is a zone statistician's (no province-wide account).
    deciders = set(
        ReviewDecision.objects.filter(return_record__period="2024-12-01").values_list(
            "by__role", flat=True
        )
    )
    assert deciders == {Role.STATISTICIAN}
    publishers = Publication.objects.filter(period="2024-12-01").values_list(
        "published_by__role", "published_by__scope_zone", "zone"
    )
    assert {(role, scope == zone) for role, scope, zone in publishers} == {
        (Role.STATISTICIAN, True)
    }
