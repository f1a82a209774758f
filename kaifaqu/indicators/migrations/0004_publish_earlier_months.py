"""Months shown before publication existed stay shown: every zone's month before the current one
with accepted returns becomes a closed reporting month, published as it stood (revision 0).

Until this release every month with an accepted return was shown to everyone; hiding those months
now would take the zones' history from their leadership. The current month (and any later one)
is opened for reporting instead: from now on it is shown once the statistician closes and
publishes it. A month published here can be reopened as a revision like any other.
"""

from datetime import date, timedelta

from django.db import migrations
from django.utils import timezone

NOTE = "Published before the platform recorded publications (shown as it stood)."


def _deadline(period: date) -> date:
    # The 5th working day of the next month, Monday to Friday: good enough for months long past
    # (the reporting calendar proper lives in returns/calendar.py, which migrations must not import).
    day = (period.replace(day=28) + timedelta(days=4)).replace(day=1)
    seen = 0
    while True:
        if day.weekday() < 5:
            seen += 1
            if seen == 5:
                return day
        day += timedelta(days=1)


def publish_earlier_months(apps, schema_editor):
    Return = apps.get_model("returns", "Return")
    ReportingMonth = apps.get_model("returns", "ReportingMonth")
    Publication = apps.get_model("indicators", "Publication")
    now = timezone.now()
    this_month = timezone.localdate().replace(day=1)
    pairs = (
        Return.objects.filter(status="accepted")
        .values_list("enterprise__zone_id", "period")
        .distinct()
        .order_by()
    )
    known = set(ReportingMonth.objects.values_list("zone_id", "period"))
    months, publications = [], []
    for zone_id, period in sorted(set(pairs)):
        if (zone_id, period) in known:
            continue
        earlier = period < this_month
        months.append(
            ReportingMonth(
                zone_id=zone_id,
                period=period,
                status="closed" if earlier else "open",
                deadline=_deadline(period),
                closed_at=now if earlier else None,
            )
        )
        if earlier:
            publications.append(
                Publication(
                    zone_id=zone_id, period=period, revision=0, published_at=now, note=NOTE
                )
            )
    ReportingMonth.objects.bulk_create(months, batch_size=1000)
    Publication.objects.bulk_create(publications, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_publication"),
        ("returns", "0004_reporting_month"),
    ]

    operations = [migrations.RunPython(publish_earlier_months, migrations.RunPython.noop)]
