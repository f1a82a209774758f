"""The indicator pages in the 统计 menu (core/menu.py), each with the action its page asks."""

from django.utils.translation import gettext_lazy as _

from kaifaqu.core.menu import MenuEntry, MenuSection

INDICATORS = MenuSection.INDICATORS
# Every page here refuses a user outside the offices (returns/views/access.py).
OFFICE = "core.see_office_work"
MENU_ENTRIES = {
    "indicator-table": MenuEntry(
        INDICATORS, _("Indicators"), "indicators:indicator-table", OFFICE, 10
    ),
    "target-progress": MenuEntry(
        INDICATORS, _("Target progress"), "indicators:target-progress", OFFICE, 20
    ),
    "warning-list": MenuEntry(INDICATORS, _("Warnings"), "indicators:warning-list", OFFICE, 30),
    "zone-ranking": MenuEntry(
        INDICATORS, _("Zone rankings"), "indicators:zone-ranking", OFFICE, 40
    ),
    "target-list": MenuEntry(INDICATORS, _("Targets"), "indicators:target-list", OFFICE, 50),
    "priceindex-list": MenuEntry(
        INDICATORS, _("Price indexes"), "indicators:priceindex-list", OFFICE, 60
    ),
    "valueaddedrate-list": MenuEntry(
        INDICATORS, _("Value-added rates"), "indicators:valueaddedrate-list", OFFICE, 70
    ),
}
