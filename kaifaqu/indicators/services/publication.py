"""Publishing a zone's closed month (审定发布), first or again after a revision (修订).

Before a month is published its indicator table must follow every return counted in it: the
publication rolls up what the returns services marked (the background task may not have run
yet), so what is published is what the month's returns give. Warnings, target progress and
rankings read the same cells and are shown with them.

`months_close_and_publish` is the statistics office's month end for every zone it runs at once
(`kfq month close-all`): each zone's month is closed first (estimates written, the zones marked),
then published; the first publication rolls up every zone marked in one pass of the month (one
read of the facts, the sums above zones and the disclosure decided once), the others find
nothing left to roll up. Closing and publishing zone after zone instead rolls up, and decides the
month's disclosure, once per zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.audit import acting_as
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import ensure_may
from kaifaqu.geo.models import Zone
from kaifaqu.indicators.models import Publication
from kaifaqu.indicators.services.rollups import rollup_marked
from kaifaqu.returns.models import ChangedMonth, ReportingMonth, ReportingMonthStatus
from kaifaqu.returns.selectors.months import month_progress
from kaifaqu.returns.selectors.tallies import tally_store
from kaifaqu.returns.services.months import reporting_month_close


def month_publish(*, by: User, reporting_month: ReportingMonth, note: str = "") -> Publication:
    """Publish a closed month (its current revision); give the publication."""
    ensure_may(by, "indicators.publish")
    if not Zone.objects.for_user(by).filter(pk=reporting_month.zone_id).exists():
        raise PermissionDenied(_("This record is outside your scope."))
    _ensure_publishable(ReportingMonth.objects.get(pk=reporting_month.pk))
    # Outside the publication's transaction: the roll-up writes month by month in its own, and a
    # worker may run the same marks meanwhile (both write the same cells).
    if ChangedMonth.objects.filter(zone_id=reporting_month.zone_id).exists():
        rollup_marked()
    return _publish(by=by, reporting_month=reporting_month, note=note)


@transaction.atomic
def _publish(*, by: User, reporting_month: ReportingMonth, note: str) -> Publication:
    record = ReportingMonth.objects.select_for_update().get(pk=reporting_month.pk)
    _ensure_publishable(record)
    counts = month_progress([record.zone_id], Month.of(record.period))[record.zone_id].total
    publication = Publication(
        zone_id=record.zone_id,
        period=record.period,
        revision=record.revision,
        published_at=timezone.now(),
        published_by=by,
        note=note.strip() or record.revision_reason,
        firms=counts.expected,
        accepted=counts.accepted,
        estimated=counts.estimated,
        not_reported=counts.not_reported,
    )
    publication.full_clean()
    with acting_as(by):
        publication.save()
    # The pages of many zones and months read these counts from now on (no recount).
    tally_store(zone_id=record.zone_id, period=record.period, progress=counts)
    return publication


def _ensure_publishable(record: ReportingMonth) -> None:
    month = f"{record.period:%Y-%m}"
    if record.status != ReportingMonthStatus.CLOSED:
        raise ValidationError(
            _("Close the reporting month %(month)s before publishing it.") % {"month": month},
            code="not_closed",
        )
    if Publication.objects.filter(
        zone_id=record.zone_id, period=record.period, revision=record.revision
    ).exists():
        raise ValidationError(
            _("The month %(month)s is already published.") % {"month": month},
            code="published",
        )


@dataclass
class MonthEnd:
    """What `months_close_and_publish` did: zones closed and published, and the zones whose month
    could not close (each with the service's reasons)."""

    closed: list[int] = field(default_factory=list)
    published: list[int] = field(default_factory=list)
    refused: dict[int, list[str]] = field(default_factory=dict)


def months_close_and_publish(*, by: User, period: date, publish: bool = True) -> MonthEnd:
    """Close every open reporting month of `period` in the user's zones that can close, then
    publish every closed month of the period not yet published (when `publish`)."""
    ensure_may(by, "returns.run_month")
    if publish:
        ensure_may(by, "indicators.publish")
    month = period.replace(day=1)
    months = (
        ReportingMonth.objects.filter(zone__in=Zone.objects.for_user(by), period=month)
        .select_related("zone")
        .order_by("zone__name", "pk")
    )
    done = MonthEnd()
    for record in months.filter(status=ReportingMonthStatus.OPEN):
        try:
            reporting_month_close(by=by, reporting_month=record)
        except ValidationError as error:
            done.refused[record.zone_id] = error.messages
        else:
            done.closed.append(record.zone_id)
    if not publish:
        return done
    published = set(Publication.objects.filter(period=month).values_list("zone_id", "revision"))
    for record in months.filter(status=ReportingMonthStatus.CLOSED):
        if (record.zone_id, record.revision) in published:
            continue
        month_publish(by=by, reporting_month=record)
        done.published.append(record.zone_id)
    return done
