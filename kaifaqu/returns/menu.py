"""The returns pages in the 统计 menu (core/menu.py), each with the action its page asks."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from kaifaqu.core.menu import MenuEntry, MenuSection
from kaifaqu.core.permissions import ScopeLevel


def _of_an_enterprise(user: Any) -> bool:
    return bool(user.scope.level == ScopeLevel.ENTERPRISE)


def _of_an_office(user: Any) -> bool:
    return not _of_an_enterprise(user)


def _of_a_zone(user: Any) -> bool:
    # The review settings are a zone's: a user of one zone keeps them.
    return getattr(user.scope, "zone", None) is not None


MONTH, ROSTERS = MenuSection.MONTH, MenuSection.ROSTERS
MENU_ENTRIES = {
    "my-return": MenuEntry(
        MONTH,
        _("My monthly return"),
        "returns:my-return",
        "returns.see_figures",
        5,
        applies=_of_an_enterprise,
    ),
    "review-queue": MenuEntry(
        MONTH, _("Review queue"), "returns:review-queue", "returns.reviewdecision.change", 20
    ),
    "return-list": MenuEntry(
        MONTH,
        _("Monthly returns"),
        "returns:return-list",
        "returns.see_figures",
        30,
        applies=_of_an_office,
    ),
    "return-import": MenuEntry(
        MONTH, _("Import returns"), "returns:return-import", "returns.import", 40
    ),
    "settings": MenuEntry(
        MONTH,
        _("Review settings"),
        "returns:settings",
        "returns.statisticssettings.change",
        90,
        applies=_of_a_zone,
    ),
    "candidate-list": MenuEntry(
        ROSTERS, _("上规入统 candidates"), "returns:candidate-list", "returns.see_zone_figures", 20
    ),
    "gap-list": MenuEntry(
        ROSTERS, _("应统尽统 gaps"), "returns:gap-list", "core.see_office_work", 30
    ),
    "proxy-list": MenuEntry(
        ROSTERS, _("Tax and power figures"), "returns:proxy-list", "returns.see_zone_figures", 40
    ),
}
