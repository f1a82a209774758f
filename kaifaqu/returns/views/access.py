"""Who may open the statistics office's working lists (candidates, gaps), and for which zone."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import ensure_may
from kaifaqu.geo.models import Zone

# 统计法: whoever may not see respondents' figures is told why.
FIGURES_REFUSAL = gettext_lazy(
    "Enterprises' own figures are for the statistics office and the enterprise itself."
)


def refuse_unless(user: User | AnonymousUser, action: str, reason: Any) -> None:
    """Refuse (403, with the reason) a signed-in user the permission table does not give the
    action; one signed out is let through, to be sent to sign in by the login check. For
    `dispatch()`, which runs before that check."""
    if user.is_authenticated:
        ensure_may(user, action, reason)


def ensure_zone_figures_reader(user: User | AnonymousUser) -> None:
    """Lists of many firms' figures are the statistics office's (统计法)."""
    refuse_unless(user, "returns.see_zone_figures", FIGURES_REFUSAL)


def ensure_office_reader(user: User | AnonymousUser) -> None:
    """The offices' working lists: not for enterprises or the 三员 log readers."""
    refuse_unless(user, "core.see_office_work", _("This list is for the statistics office."))


def chosen_zone(user: User, value: str | None) -> tuple[Zone, list[Zone]]:
    """The zone asked for among those the user can see, else the first of them."""
    zones = list(Zone.objects.for_user(user).order_by("name"))
    if not zones:
        raise Http404
    for zone in zones:
        if str(zone.pk) == (value or ""):
            return zone, zones
    return zones[0], zones


def chosen_month(value: str | None, default: Month) -> Month:
    try:
        return Month.parse(value) if value else default
    except ValueError:
        return default
