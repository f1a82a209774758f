"""The 统计 menu: every persona opens every page the menu shows it (no link leads to a 403), and
is refused every page it does not show (the menu hides nothing a persona may open)."""

import pytest
from django.test import Client
from django.urls import reverse

from kaifaqu.accounts.models import User
from kaifaqu.accounts.services import user_create
from kaifaqu.conftest import PASSWORD, Personas, World
from kaifaqu.core.menu import STATISTICS_MENU, statistics_menu
from kaifaqu.core.permissions import Role

pytestmark = pytest.mark.django_db


def everyone(world: World, personas: Personas) -> dict[str, User]:
    extra = {
        "leader": user_create(
            username="leader", password=PASSWORD, role=Role.ZONE_LEADER, scope_zone=world.zone_a
        ),
        "officer": user_create(
            username="officer",
            password=PASSWORD,
            role=Role.INVESTMENT_OFFICER,
            scope_zone=world.zone_a,
        ),
    }
    return {**vars(personas), **extra}


def test_every_link_the_menu_shows_opens_and_every_page_it_hides_is_refused(
    client: Client, world: World, personas: Personas
) -> None:
    checked = 0
    for name, user in everyone(world, personas).items():
        shown = {link.url_name for group in statistics_menu(user) for link in group.links}
        client.force_login(user)
        for entry in STATISTICS_MENU.values():
            status = client.get(reverse(entry.url_name), follow=True).status_code
            if entry.url_name in shown:
                assert status == 200, (name, entry.url_name, status)
            elif name not in ("reporter", "sysadmin", "secadmin", "auditor"):
                # An office's user is refused what its menu hides. (The roster list opens for
                # an enterprise, with its own entries, and empty for the three administrators of 三员分立;
                # their menus keep to their own work.)
                assert status in (403, 404), (name, entry.url_name, status)
            checked += 1
    assert checked == len(STATISTICS_MENU.values()) * 12


def test_the_statistician_finds_every_page_of_the_months_work(
    personas: Personas,
) -> None:
    shown = {
        link.url_name for group in statistics_menu(personas.statistician) for link in group.links
    }
    assert {
        "returns:review-queue",
        "returns:return-list",
        "returns:return-import",
        "enterprises:roster-list",
        "returns:candidate-list",
        "returns:gap-list",
        "returns:proxy-list",
        "indicators:indicator-table",
        "indicators:target-progress",
        "indicators:warning-list",
        "indicators:zone-ranking",
        "indicators:priceindex-list",
    } <= shown


def test_the_page_carries_the_menu_in_chinese_and_in_english(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.statistician)
    page = client.get(reverse("dashboard:home")).content.decode()
    assert 'data-testid="statistics-menu"' in page
    assert "待审核月报" in page
    client.cookies["django_language"] = "en"
    page = client.get(reverse("dashboard:home")).content.decode()
    assert "Review queue" in page
    # An enterprise's reporter sees its own return only.
    client.force_login(personas.reporter)
    groups = statistics_menu(personas.reporter)
    assert [link.url_name for group in groups for link in group.links] == ["returns:my-return"]
