"""The 统计 menu: every page of the statistics office's month, each shown only to those who may
open it.

The pages belong to several apps (returns, enterprises' rosters, indicators); each registers its
entries from `AppConfig.ready()` with the permission-table action its page asks, so the menu and
the page read the same rule and a link never leads to a 403 (core/tests/test_menu.py opens every
entry as every persona).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.permissions import AskingUser, user_may
from kaifaqu.core.registry import Registry


class MenuSection:
    MONTH = "month"
    ROSTERS = "rosters"
    INDICATORS = "indicators"


SECTION_TITLES: dict[str, Promise] = {
    MenuSection.MONTH: _("The month's reporting and review"),
    MenuSection.ROSTERS: _("Rosters and coverage"),
    MenuSection.INDICATORS: _("Indicators, targets and inputs"),
}


@dataclass(frozen=True)
class MenuEntry:
    section: str
    label: Promise
    url_name: str
    # The permission-table action the page asks (core/permissions/policy.py).
    action: str
    # Where the section lists its entries (lower first).
    order: int = 50
    # A page for the user's own scope only (an enterprise's own return): asked after the action.
    applies: Callable[[Any], bool] | None = None

    def shown_to(self, user: AskingUser) -> bool:
        if not user_may(user, self.action):
            return False
        return self.applies is None or bool(self.applies(user))


STATISTICS_MENU: Registry[MenuEntry] = Registry("statistics menu")


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    url_name: str


@dataclass(frozen=True)
class MenuGroup:
    title: str
    links: list[MenuLink]


def statistics_menu(user: AskingUser) -> list[MenuGroup]:
    """The menu's sections as this user sees them (empty sections left out)."""
    groups = []
    for section, title in SECTION_TITLES.items():
        entries = sorted(
            (entry for entry in STATISTICS_MENU.values() if entry.section == section),
            key=lambda entry: entry.order,
        )
        links = [
            MenuLink(label=str(entry.label), url=reverse(entry.url_name), url_name=entry.url_name)
            for entry in entries
            if entry.shown_to(user)
        ]
        if links:
            groups.append(MenuGroup(title=str(title), links=links))
    return groups
