"""Template helpers every page uses: amounts in 万元/亿元, navigation, and who may read the logs."""

from typing import Any

from django import template

from kaifaqu.core.lib import formatting
from kaifaqu.core.lib.money import MoneyUnit, from_wan
from kaifaqu.core.menu import MenuGroup
from kaifaqu.core.menu import statistics_menu as menu_for
from kaifaqu.core.permissions import AskingUser, user_may

register = template.Library()

# Every filter writes through core.lib.formatting, the one place numbers are formatted.


@register.filter
def yi(value: Any) -> str:
    """An amount kept in 万元, shown in 亿元 to 4 places: 45000 → '4.5000'."""
    return formatting.yi_text(value)


@register.filter
def wan(value: Any) -> str:
    """An amount kept in 万元, to 2 places with grouped thousands: 45000 → '45,000.00'."""
    return formatting.wan_text(value)


@register.filter
def count(value: Any) -> str:
    """A whole number with grouped thousands: 12345 → '12,345'."""
    return formatting.count_text(value)


@register.filter
def pct(value: Any) -> str:
    """A percentage to 1 place with its sign: 12.34 → '12.3%'."""
    return formatting.percent_text(value)


@register.filter
def yi_as_published(value: Any) -> str:
    """An amount in 亿元 with the digits it was published with, between 2 and 4 places.

    Published figures carry their own precision (72.763 and 96.6559 亿元); padding every figure to
    four places would invent digits, cutting to two would lose them. Four places of 亿元 is 1 万元,
    the precision of storage, so nothing is ever rounded away.
    """
    amount = formatting.as_decimal(value)
    if amount is None:
        return formatting.EMPTY
    exponent = from_wan(amount, MoneyUnit.YI).normalize().as_tuple().exponent
    places = min(max(-int(exponent), 2), 4)
    return formatting.fixed(from_wan(amount, MoneyUnit.YI), places)


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


@register.simple_tag
def statistics_menu(user: AskingUser) -> list[MenuGroup]:
    """The 统计 menu's sections the user may open (core/menu.py)."""
    return menu_for(user)
