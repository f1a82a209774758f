"""Template helpers every page uses: amounts in 万元/亿元, navigation, and who may read the logs."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template

from kaifaqu.core.lib.money import MoneyUnit, format_amount, from_wan
from kaifaqu.core.permissions import AskingUser, user_may

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def yi(value: Any, places: int = 2) -> str:
    """An amount stored in 万元, shown in 亿元: 45000 → '4.50'."""
    return format_amount(_decimal(value), MoneyUnit.YI, places=int(places))


@register.filter
def wan(value: Any, places: int = 2) -> str:
    """An amount stored in 万元, shown in 万元 with grouped thousands: 45000 → '45,000.00'."""
    return format_amount(_decimal(value), MoneyUnit.WAN, places=int(places))


@register.filter
def count(value: Any) -> str:
    """A count of firms, zones or people: an integer with grouped thousands, '—' when unknown."""
    number = _decimal(value)
    return "—" if number is None else f"{int(number):,}"


@register.filter
def percent(value: Any) -> str:
    """A share or a rate in per cent to 1 decimal: 97.96 → '98.0%'."""
    number = _decimal(value)
    if number is None:
        return "—"
    return f"{number.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,}%"


@register.filter
def yi_as_published(value: Any) -> str:
    """An amount in 亿元 with the digits it was published with, between 2 and 4 places.

    Published figures carry their own precision (72.763 and 96.6559 亿元); padding every figure to
    four places would invent digits, cutting to two would lose them. Four places of 亿元 is 1 万元,
    the precision of storage, so nothing is ever rounded away.
    """
    amount = _decimal(value)
    if amount is None:
        return format_amount(None, MoneyUnit.YI)
    exponent = from_wan(amount, MoneyUnit.YI).normalize().as_tuple().exponent
    places = min(max(-int(exponent), 2), 4)
    return format_amount(amount, MoneyUnit.YI, places=places)


@register.simple_tag(takes_context=True)
def nav_active(context: template.Context, *prefixes: str) -> str:
    """'active' when the current page's 'namespace:name' starts with one of the prefixes and
    with none of those written '!prefix' (a section whose sub-areas have nav items of their own)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    current = match.view_name
    excluded = [prefix[1:] for prefix in prefixes if prefix.startswith("!")]
    included = [prefix for prefix in prefixes if not prefix.startswith("!")]
    if any(current.startswith(prefix) for prefix in excluded):
        return ""
    return "active" if any(current.startswith(prefix) for prefix in included) else ""


@register.filter
def reads_access_log(user: AskingUser) -> bool:
    return user_may(user, "accounts.read_access_log")


@register.filter
def may(user: AskingUser, action: str) -> bool:
    """`{% if user|may:"returns.see_figures" %}`: the permission table, in a template (a link is
    shown only to whoever may follow it)."""
    return user_may(user, action)
