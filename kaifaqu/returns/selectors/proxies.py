"""Reads of the tax and electricity figures that stand in for revenue (上规入统)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.geo.models import Zone
from kaifaqu.returns.models import ProxyFigure


def proxy_figure_list(
    *,
    user: User,
    zone: Zone,
    start: Month | None = None,
    end: Month | None = None,
    kind: str = "",
    query: str = "",
) -> QuerySet[ProxyFigure]:
    """The figures of a zone the user can see, from `start` to `end` (both included), of one
    kind if given, of enterprises whose name or 统一社会信用代码 contains `query`."""
    figures = ProxyFigure.objects.for_user(user).filter(enterprise__zone=zone)
    if start is not None:
        figures = figures.filter(period__gte=start.first_day)
    if end is not None:
        figures = figures.filter(period__lte=end.first_day)
    if kind:
        figures = figures.filter(kind=kind)
    if query.strip():
        text = query.strip()
        figures = figures.filter(
            Q(enterprise__name__icontains=text) | Q(enterprise__uscc__icontains=text.upper())
        )
    return figures.select_related("enterprise__park").order_by(
        "-period", "enterprise__name", "kind", "pk"
    )


def proxy_enterprises(*, user: User, zone: Zone) -> QuerySet[Enterprise]:
    """The enterprises of a zone a figure may be entered for: those of the zone the user sees."""
    return Enterprise.objects.for_user(user).filter(zone=zone).order_by("name")
