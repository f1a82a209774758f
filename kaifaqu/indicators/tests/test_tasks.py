"""Roll-ups out of the request: accepting a return marks its zone's month and enqueues the roll-up
(database task backend); the worker brings the table to what a full rebuild gives; marks made
while a roll-up runs are kept for the next one; the table page shows the progress."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kaifaqu.cli import main
from kaifaqu.conftest import Personas, World
from kaifaqu.core.hooks import on_returns_changed
from kaifaqu.core.jobs import job_advance, job_start
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.models import JobProgress
from kaifaqu.core.tests.task_helpers import DATABASE_TASKS, run_worker
from kaifaqu.indicators.models import IndicatorCell
from kaifaqu.indicators.services import rollups
from kaifaqu.indicators.services.inputs import price_index_create
from kaifaqu.indicators.services.rollups import ROLLUP_JOB, cells_of, rollup_rebuild
from kaifaqu.indicators.tasks import rollup_enqueue
from kaifaqu.indicators.tests.indicator_helpers import three_firms_accepted, unchanged_prices
from kaifaqu.returns.models import ChangedMonth, Return, ReturnStatus
from kaifaqu.returns.services import return_accept
from kaifaqu.returns.services.changes import returns_changed

pytestmark = pytest.mark.django_db
KEYS = ["slice_kind", "slice_key", "indicator"]
MONTHS = [Month(2024, 2), Month(2024, 3), Month(2025, 2), Month(2025, 3)]


@pytest.fixture
def accepted(world: World) -> None:
    """甲一, 甲二 (zone 甲) and 乙一 (zone 乙) with accepted returns for January to March of 2024
    and 2025: gross output 100 × (1 + firm) 万元 a month in 2024, +10 % in 2025; the table built."""
    three_firms_accepted(world)
    unchanged_prices(world)
    rollup_rebuild()


@pytest.fixture
def database_tasks():
    with DATABASE_TASKS:
        yield


def resubmitted(world: World, output: str) -> Return:
    """甲一's February 2025, corrected to `output` 万元 and submitted again."""
    record = Return.objects.get(enterprise=world.ent_a1, period=date(2025, 2, 1))
    Return.objects.filter(pk=record.pk).update(
        gross_output=Decimal(output), status=ReturnStatus.SUBMITTED
    )
    return Return.objects.get(pk=record.pk)


def table() -> dict[Month, pl.DataFrame]:
    return {month: cells_of(month=month).sort(KEYS) for month in MONTHS}


def province_output(month: Month) -> int:
    cells = cells_of(month=month).filter(
        (pl.col("slice_kind") == "province") & (pl.col("indicator") == "gross_output")
    )
    return int(cells["ytd_value"].item())


def test_the_hook_is_filled_by_indicators_at_start_up() -> None:
    assert rollup_enqueue in on_returns_changed.receivers


def test_accepting_a_return_marks_its_month_and_enqueues_the_roll_up_without_writing_cells(
    accepted: None, database_tasks: None, world: World, personas: Personas
) -> None:
    before = table()
    record = resubmitted(world, "150")
    cells = IndicatorCell._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        return_accept(by=personas.statistician, return_record=record)
    assert not [q for q in queries.captured_queries if cells in q["sql"]]
    assert table().keys() == before.keys()
    assert all(table()[month].equals(before[month]) for month in MONTHS)
    assert list(ChangedMonth.objects.values_list("zone_id", "period")) == [
        (world.zone_a.pk, date(2025, 2, 1))
    ]
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "kaifaqu.indicators.tasks.rollup_changed_task"
    assert queued.status == "READY"


def test_the_worker_brings_the_table_to_what_a_full_rebuild_gives(
    accepted: None,
    database_tasks: None,
    world: World,
    personas: Personas,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    return_accept(by=personas.statistician, return_record=resubmitted(world, "150"))
    assert province_output(Month(2025, 3)) == 19_800_000  # not yet: (110 + 220 + 330) × 3 万元
    run_worker(monkeypatch)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    # 甲一's February 110 → 150 万元: the province's 1–3月 moves by 40 万元.
    assert province_output(Month(2025, 3)) == 20_200_000
    assert province_output(Month(2025, 2)) == 13_600_000  # (110 + 220 + 330) × 2 + 40
    assert not ChangedMonth.objects.exists()
    incremental = table()
    rollup_rebuild()
    for month, cells in table().items():
        assert cells.equals(incremental[month]), month
    job = JobProgress.objects.get(label=ROLLUP_JOB)
    # 2025's published months 1–2月 and 1–3月; 2026's bases are not touched before 2026.
    assert (job.done, job.total) == (2, 2) and job.finished_at is not None


def test_the_workers_roll_up_waits_between_its_pieces(
    accepted: None,
    database_tasks: None,
    world: World,
    personas: Personas,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Its database queries run at the requests' priority: the background worker's roll-up
    # waits after each piece (a year's facts read, a month written) as KFQ_BACKGROUND_SHARE
    # says; `kfq rollup` in a terminal does not (test_kfq_rollup_changed…).
    settings.KFQ_BACKGROUND_SHARE = 0.25
    # The province's 1–3月 output at each pause: what the roll-up had written by then.
    pauses: list[int] = []

    class RecordingPacer:
        def __init__(self, share: float) -> None:
            assert share == 0.25

        def __call__(self) -> None:
            pauses.append(province_output(Month(2025, 3)))

    monkeypatch.setattr("kaifaqu.indicators.tasks.Pacer", RecordingPacer)
    return_accept(by=personas.statistician, return_record=resubmitted(world, "150"))
    run_worker(monkeypatch)
    # 2025's facts read (nothing written yet), then 1–2月 written, then 1–3月.
    assert pauses == [19_800_000, 19_800_000, 20_200_000]


def test_the_roll_up_waits_its_delay_and_takes_the_acceptances_meanwhile_at_once(
    accepted: None,
    database_tasks: None,
    world: World,
    personas: Personas,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    settings.KFQ_ROLLUP_DELAY_SECONDS = 30
    before = timezone.now()
    return_accept(by=personas.statistician, return_record=resubmitted(world, "150"))
    queued = DBTaskResult.objects.get()
    assert (
        before + timedelta(seconds=30) <= queued.run_after <= timezone.now() + timedelta(seconds=30)
    )
    # Another zone's return within the delay: no second roll-up queued; the first takes both.
    other = Return.objects.get(enterprise=world.ent_b, period=date(2025, 3, 1))
    Return.objects.filter(pk=other.pk).update(
        gross_output=Decimal("400"), status=ReturnStatus.SUBMITTED
    )
    return_accept(by=personas.statistician_b, return_record=Return.objects.get(pk=other.pk))
    assert DBTaskResult.objects.count() == 1
    assert ChangedMonth.objects.count() == 2
    run_worker(monkeypatch)  # too early: the roll-up waits
    assert DBTaskResult.objects.get().status == "READY"
    assert province_output(Month(2025, 3)) == 19_800_000
    DBTaskResult.objects.update(run_after=timezone.now())
    run_worker(monkeypatch)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert not ChangedMonth.objects.exists()
    # 甲一's February +40 and 乙一's March 330 → 400 万元: +110 in the province's 1–3月.
    assert province_output(Month(2025, 3)) == 20_900_000
    incremental = table()
    rollup_rebuild()
    for month, cells in table().items():
        assert cells.equals(incremental[month]), month


def test_a_change_while_the_roll_up_runs_queues_the_next_one(
    accepted: None, database_tasks: None, world: World, personas: Personas, settings: Any
) -> None:
    settings.KFQ_ROLLUP_DELAY_SECONDS = 30
    return_accept(by=personas.statistician, return_record=resubmitted(world, "150"))
    # The worker has claimed it: it may have read the marks already, a new one needs a roll-up.
    DBTaskResult.objects.update(status="RUNNING")
    returns_changed([(world.zone_a.pk, date(2025, 3, 1))])
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == ["READY", "RUNNING"]


def test_without_a_delay_each_change_queues_its_roll_up(
    accepted: None, database_tasks: None, world: World, personas: Personas, settings: Any
) -> None:
    settings.KFQ_ROLLUP_DELAY_SECONDS = 0
    return_accept(by=personas.statistician, return_record=resubmitted(world, "150"))
    returns_changed([(world.zone_a.pk, date(2025, 3, 1))])
    assert DBTaskResult.objects.count() == 2
    assert DBTaskResult.objects.ready().count() == 2  # both runnable now


def test_a_month_marked_again_while_a_roll_up_runs_stays_marked_for_the_next(
    accepted: None,
    database_tasks: None,
    world: World,
    personas: Personas,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    returns_changed([(world.zone_a.pk, date(2025, 2, 1)), (world.zone_b.pk, date(2025, 3, 1))])
    remarked: list[int] = []

    def step_and_remark(*, zone_ids, years, step=None, pace=None):  # type: ignore[no-untyped-def]
        rolled(zone_ids=zone_ids, years=years, step=step, pace=pace)
        if not remarked:
            # Meanwhile a reviewer accepts another February return of zone 甲, with new figures.
            Return.objects.filter(enterprise=world.ent_a2, period=date(2025, 2, 1)).update(
                gross_output=Decimal("500")
            )
            remarked.append(returns_changed([(world.zone_a.pk, date(2025, 2, 1))]))

    rolled = rollups.rollup_zones
    monkeypatch.setattr(rollups, "rollup_zones", step_and_remark)
    run_worker(monkeypatch)
    assert remarked == [1]
    # Zone 乙's mark was handled and cleared; zone 甲's February, marked again, was not lost, and
    # the hook queued a second run, which the batch worker ran too.
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2
    assert not ChangedMonth.objects.exists()
    # 甲二's February 220 → 500 万元 is in the table: 1–3月 up by 280 万元.
    assert province_output(Month(2025, 3)) == 19_800_000 + 2_800_000


def test_only_the_marks_read_are_cleared(
    accepted: None, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The immediate backend (test settings) would run the hook's task at once: no receiver here.
    monkeypatch.setattr(on_returns_changed, "_receivers", [])
    returns_changed([(world.zone_a.pk, date(2025, 2, 1)), (world.zone_b.pk, date(2025, 2, 1))])
    first = ChangedMonth.objects.get(zone=world.zone_a)

    def remark(done: int, total: int) -> None:
        if done == 1:
            returns_changed([(world.zone_a.pk, date(2025, 2, 1))])

    rollups.rollup_marked(progress=remark)
    kept = ChangedMonth.objects.get()
    assert kept.pk == first.pk and kept.marked_at > first.marked_at


def test_the_table_page_shows_the_update_while_months_are_marked(
    accepted: None, database_tasks: None, world: World, personas: Personas, client: Client
) -> None:
    client.force_login(personas.statistician)
    page = reverse("indicators:indicator-table")
    status = reverse("indicators:indicator-table-status")
    assert 'data-testid="indicator-table-status"' not in client.get(page).content.decode()
    return_accept(by=personas.statistician, return_record=resubmitted(world, "150"))
    html = client.get(page).content.decode()
    assert 'data-testid="indicator-table-status"' in html
    assert 'hx-trigger="every 2s"' in html and status in html
    with override_settings(LANGUAGE_CODE="en"):
        polled = client.get(status, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    assert "0 of 2 months" in polled.content.decode()
    job = job_start(label=ROLLUP_JOB, total=2)
    job_advance(job, done=1)
    assert "已完成 1 / 2 个月" in client.get(status).content.decode()  # Chinese by default
    JobProgress.objects.all().delete()
    ChangedMonth.objects.all().delete()
    assert client.get(status).content.decode().strip() == ""


def test_a_price_index_rebuilds_its_months_in_the_background(
    accepted: None,
    database_tasks: None,
    personas: Personas,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    value_added = (pl.col("slice_kind") == "province") & (pl.col("indicator") == "value_added")

    def comparable() -> int | None:
        value = cells_of(month=Month(2025, 3)).filter(value_added)["ytd_comparable"].item()
        return None if value is None else int(value)

    before = comparable()
    price_index_create(
        by=personas.statistician,
        data={
            "period": date(2025, 3, 1),
            "division": "",
            "value": Decimal("110"),
            "source": "省统计局",
        },
    )
    # Until then March has no index: not available rather than deflated by 100.
    assert before is None and comparable() is None
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "kaifaqu.indicators.tasks.rollup_months_task"
    assert queued.args_kwargs["kwargs"] == {"months": ["2025-03"]}
    run_worker(monkeypatch)
    # January and February at 100: 2 × 1,881,000; March ÷ 1.10 firm by firm (test_rollups.py):
    # 1,710,000 yuan.
    assert comparable() == 2 * 1_881_000 + 1_710_000


def test_kfq_rollup_changed_does_the_workers_job_in_the_terminal(
    accepted: None, database_tasks: None, world: World, personas: Personas
) -> None:
    return_accept(by=personas.statistician, return_record=resubmitted(world, "150"))
    result = CliRunner().invoke(main, ["rollup", "--changed"])
    assert result.exit_code == 0, result.output
    assert "2 months written" in result.output
    assert province_output(Month(2025, 3)) == 20_200_000
    assert not ChangedMonth.objects.exists()
    assert CliRunner().invoke(main, ["rollup", "--changed", "--all"]).exit_code == 2
