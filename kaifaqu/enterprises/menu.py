"""The rosters in the 统计 menu (core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from kaifaqu.core.menu import MenuEntry, MenuSection

MENU_ENTRIES = {
    "roster-list": MenuEntry(
        MenuSection.ROSTERS,
        _("Statistical rosters (名录)"),
        "enterprises:roster-list",
        "core.see_office_work",
        10,
    ),
}
