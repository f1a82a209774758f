"""固定资产投资 in the indicator table: computed from the zone's project database when no figure
was entered for the period; an entered (published) figure takes precedence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kaifaqu.accounts.models import User
from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.periods import Month
from kaifaqu.indicators.selectors import indicator_rows
from kaifaqu.indicators.services import reported_figure_record
from kaifaqu.projects.models import Stage
from kaifaqu.projects.services import fai_register, fai_report_record, project_create

pytestmark = pytest.mark.django_db
D = Decimal
CODE = "fixed_asset_investment"


@pytest.fixture
def reports(world: World) -> None:
    """Zone 甲, two projects. 2024: Feb 100, Mar 200, Apr 1000 (one) and Mar 50 (two); 2025: Feb
    300, Mar 400, Apr 1000 (one) and Mar 100 (two). April lies beyond the 1–3月 the tests read."""
    for name, park, figures in [
        (
            "甲固投一",
            world.park_a1,
            [
                ("2024-02", "100"),
                ("2024-03", "200"),
                ("2024-04", "1000"),
                ("2025-02", "300"),
                ("2025-03", "400"),
                ("2025-04", "1000"),
            ],
        ),
        ("甲固投二", world.park_a2, [("2024-03", "50"), ("2025-03", "100")]),
    ]:
        project = project_create(
            by=None,
            data={
                "name": name,
                "zone": world.zone_a,
                "park": park,
                "total_investment": D("9000"),
                "planned_investment": D("9000"),
            },
            stage=Stage.STARTED,
            stage_on=date(2024, 1, 15),
        )
        registration = fai_register(by=None, project=project, registered_on=date(2024, 1, 20))
        for month, amount in figures:
            fai_report_record(
                by=None,
                registration=registration,
                month=Month.parse(month),
                month_amount=D(amount),
            )


def row(user: User, world: World, month: Month) -> object:
    table = indicator_rows(
        user=user, month=month, slice_kind="zone", slice_key=str(world.zone_a.pk)
    )
    return next(r for r in table.rows if r.code == CODE)


def test_the_zone_row_shows_the_figure_computed_from_the_reports(
    world: World, personas: Personas, reports: None
) -> None:
    shown = row(personas.zone_admin, world, Month(2025, 3))
    # March 2025: 400 + 100 = 500 against 200 + 50 = 250 → +100.0 %.
    # 1–3月 2025: 300 + 500 = 800 against 100 + 250 = 350 → 800/350 − 1 = +128.6 %.
    assert (shown.month_value, shown.month_base) == (D("500.00"), D("250.00"))  # type: ignore[attr-defined]
    assert (shown.ytd_value, shown.ytd_base) == (D("800.00"), D("350.00"))  # type: ignore[attr-defined]
    assert shown.month_growth == D("100.0")  # type: ignore[attr-defined]
    assert shown.ytd_growth == D("128.6")  # type: ignore[attr-defined]
    assert shown.computed  # type: ignore[attr-defined]
    assert "2" in shown.source and "固定资产投资项目库" in shown.source  # type: ignore[attr-defined]


def test_an_entered_figure_takes_precedence(
    world: World, personas: Personas, reports: None
) -> None:
    reported_figure_record(
        by=None,
        zone=world.zone_a,
        indicator=CODE,
        year=2025,
        months=3,
        value=D("1234.5"),
        source="区统计局",
    )
    shown = row(personas.zone_admin, world, Month(2025, 3))
    assert shown.ytd_value == D("1234.50")  # type: ignore[attr-defined]
    assert not shown.computed  # type: ignore[attr-defined]
    assert shown.source == "区统计局"  # type: ignore[attr-defined]
    # Another period without an entered figure is still computed: 1–2月 2025 = 300.
    february = row(personas.zone_admin, world, Month(2025, 2))
    assert february.ytd_value == D("300.00")  # type: ignore[attr-defined]
    assert february.computed  # type: ignore[attr-defined]


def test_no_report_no_figure(world: World, personas: Personas) -> None:
    shown = row(personas.zone_admin, world, Month(2025, 3))
    assert shown.ytd_value is None  # type: ignore[attr-defined]
    assert not shown.computed  # type: ignore[attr-defined]


def test_the_page_labels_the_computed_source(
    client: object, world: World, personas: Personas, reports: None
) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    client.force_login(personas.statistician)
    response = client.get(
        "/statistics/indicators/", {"month": "2025-03", "slice": f"zone:{world.zone_a.pk}"}
    )
    assert response.status_code == 200
    assert 'data-testid="computed-source"' in response.content.decode()


def test_the_targets_and_the_ranking_read_the_database_when_nothing_was_entered(
    world: World, personas: Personas, reports: None
) -> None:
    from kaifaqu.indicators.selectors.targets import target_progress, zone_ranking
    from kaifaqu.indicators.services import target_create

    target_create(
        by=None,
        data={"zone": world.zone_a, "indicator": CODE, "year": 2025, "value": D("3200")},
    )
    (progress,) = target_progress(
        user=personas.zone_admin, zone=world.zone_a, month=Month(2025, 3)
    ).annual
    # 1–3月 2025: 800 万元 of a 3,200 target = 25.0 %; against 350 last year: +128.6 %.
    assert (progress.actual.value, progress.actual.months) == (D("800"), 3)
    assert progress.completion_pct is not None and progress.completion_pct.quantize(D("0.1")) == D(
        "25.0"
    )
    assert progress.actual.growth_pct is not None
    assert progress.actual.growth_pct.quantize(D("0.1")) == D("128.6")
    ranking = zone_ranking(user=personas.province_viewer, month=Month(2025, 3), indicator=CODE)
    ranked = {row.zone.name: (row.value, row.value_rank) for row in ranking.rows}
    # 甲 computed 800; 乙 has neither a figure nor a report: unranked.
    assert ranked["甲开发区"] == (D("800"), 1)
    assert ranked["乙开发区"] == (None, None)
    # A figure the statistics bureau published for 1–3月 takes precedence.
    reported_figure_record(
        by=None,
        zone=world.zone_a,
        indicator=CODE,
        year=2025,
        months=3,
        value=D("900"),
        source="市统计局",
    )
    (progress,) = target_progress(
        user=personas.zone_admin, zone=world.zone_a, month=Month(2025, 3)
    ).annual
    assert progress.actual.value == D("900")
