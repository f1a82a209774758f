"""`kfq month`: the reporting month from the shell (open, status, close, publish, close-all)."""

from __future__ import annotations

import sys
from typing import Any

import click

from kaifaqu.cli.base import _setup_django, main
from kaifaqu.cli.shared import (
    acting_user,
    refused_or_invalid,
)


@main.group()
def month() -> None:
    """The reporting month (报告期): open the months due, see one, close it, publish it."""


def _month_of(zone_id: int, value: str | None) -> Any:
    """The zone's reporting month (the latest when no month is given), or a clean error."""
    from kaifaqu.core.lib.periods import Month
    from kaifaqu.returns.models import ReportingMonth

    months = ReportingMonth.objects.filter(zone_id=zone_id).select_related("zone")
    if value:
        try:
            months = months.filter(period=Month.parse(value).first_day)
        except ValueError as error:
            raise click.UsageError(str(error)) from error
    record = months.order_by("-period").first()
    if record is None:
        raise click.ClickException(f"zone {zone_id} has no reporting month {value or ''}".strip())
    return record


@month.command("open-due")
@click.option("--today", help="The day to act as of (YYYY-MM-DD); today by default.")
def month_open_due(today: str | None) -> None:
    """Open, for every zone with a roster, the month its firms report now (for cron)."""
    _setup_django()
    from datetime import date

    from django.utils import timezone

    from kaifaqu.returns.services.months import reporting_months_open_due

    day = date.fromisoformat(today) if today else timezone.localdate()
    click.echo(f"{reporting_months_open_due(today=day)} reporting months opened")


@month.command("status")
@click.option("--zone", "zone_id", type=int, required=True, help="Zone id.")
@click.option("--month", "value", help="YYYY-MM; the zone's latest month by default.")
def month_status(zone_id: int, value: str | None) -> None:
    """A zone's month: status, deadline, response rate, firms by state, what blocks the close."""
    _setup_django()
    from django.utils import timezone

    from kaifaqu.returns.selectors.month_pages import month_row, park_rows
    from kaifaqu.returns.selectors.months import close_blockers

    record = _month_of(zone_id, value)
    row = month_row(record, today=timezone.localdate())
    progress = row.progress

    def rate(value: Any) -> str:
        return "—" if value is None else f"{value}%"

    overdue = " (overdue)" if row.overdue else ""
    click.echo(f"{record.zone.name} {record.period:%Y-%m}: {row.phase}, revision {record.revision}")
    click.echo(f"returns due by {record.deadline}{overdue}")
    click.echo(
        f"response rate {rate(progress.response_rate)} ({progress.reached} of "
        f"{progress.expected} firms); accepted {rate(progress.acceptance_rate)} "
        f"({progress.accepted} of {progress.expected})"
    )
    for state, count in sorted(progress.states.items()):
        click.echo(f"  {state}\t{count}")
    for park in park_rows(record):
        click.echo(
            f"  park {park.name or '-'}\t{rate(park.progress.response_rate)}\t"
            f"{park.progress.reached}/{park.progress.expected}"
        )
    for line in close_blockers(record) if record.is_open else []:
        click.echo(f"cannot close: {line}")


@month.command("close")
@click.option("--zone", "zone_id", type=int, required=True, help="Zone id.")
@click.option("--month", "value", required=True, help="YYYY-MM.")
@click.option("--as", "username", required=True, help="Close as this user (a statistician).")
def month_close(zone_id: int, value: str, username: str) -> None:
    """Close a zone's month (estimating the firms recorded 未报 to be estimated); refused, with
    every reason, while a firm is still open."""
    _setup_django()
    from kaifaqu.returns.services.months import reporting_month_close

    by = acting_user(username)
    record = _month_of(zone_id, value)
    with click.progressbar(length=1, label="closing") as bar, refused_or_invalid():
        closed = reporting_month_close(by=by, reporting_month=record)
        bar.update(1)
    click.echo(f"{closed.zone.name} {closed.period:%Y-%m} closed")


@month.command("publish")
@click.option("--zone", "zone_id", type=int, required=True, help="Zone id.")
@click.option("--month", "value", required=True, help="YYYY-MM.")
@click.option("--as", "username", required=True, help="Publish as this user (a statistician).")
@click.option("--note", default="", help="A note for the revision log.")
def month_publish_command(zone_id: int, value: str, username: str, note: str) -> None:
    """Publish a closed month (审定发布): the indicator table is rolled up first."""
    _setup_django()
    from kaifaqu.indicators.services.publication import month_publish

    by = acting_user(username)
    record = _month_of(zone_id, value)
    with click.progressbar(length=1, label="rolling up and publishing") as bar:
        with refused_or_invalid():
            publication = month_publish(by=by, reporting_month=record, note=note)
        bar.update(1)
    click.echo(
        f"{record.zone.name} {record.period:%Y-%m} published, revision {publication.revision}"
    )


@month.command("close-all")
@click.option("--month", "value", required=True, help="YYYY-MM.")
@click.option("--as", "username", required=True, help="As this user: every zone of its scope.")
@click.option("--no-publish", is_flag=True, help="Close only; publish later.")
def month_close_all(value: str, username: str, no_publish: bool) -> None:
    """Close the month in every zone of the user's scope that can close, then publish them:
    the indicator table is rolled up once for all of them. A zone that cannot close is named
    with its reasons (exit code 1) and left open."""
    _setup_django()
    from kaifaqu.core.lib.periods import Month
    from kaifaqu.indicators.services.publication import months_close_and_publish

    by = acting_user(username)
    try:
        period = Month.parse(value).first_day
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    with refused_or_invalid():
        done = months_close_and_publish(by=by, period=period, publish=not no_publish)
    click.echo(f"{len(done.closed)} closed, {len(done.published)} published")
    for zone_id, reasons in done.refused.items():
        click.echo(f"zone {zone_id} not closed: " + " ".join(reasons), err=True)
    if done.refused:
        sys.exit(1)
