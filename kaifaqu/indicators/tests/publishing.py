"""Test worlds whose months are published: every zone's month with accepted returns closed and
published as it stands (what a statistician does at the end of each month)."""

from django.utils import timezone

from kaifaqu.indicators.models import Publication
from kaifaqu.returns.models import ReportingMonth, ReportingMonthStatus, Return, ReturnStatus


def publish_stored_months() -> int:
    """Close and publish every (zone, month) with an accepted return; give how many."""
    now = timezone.now()
    pairs = sorted(
        set(
            Return.objects.filter(status=ReturnStatus.ACCEPTED)
            .values_list("enterprise__zone_id", "period")
            .distinct()
        )
    )
    for zone_id, period in pairs:
        ReportingMonth.objects.update_or_create(
            zone_id=zone_id,
            period=period,
            defaults={
                "status": ReportingMonthStatus.CLOSED,
                "closed_at": now,
                "deadline": period.replace(day=28),
            },
        )
        Publication.objects.get_or_create(
            zone_id=zone_id, period=period, revision=0, defaults={"published_at": now}
        )
    return len(pairs)
