"""End to end in Debian's headless Chromium: what a zone official does on a normal morning."""

from typing import Any

import pytest
from django.urls import reverse

from kaifaqu.conftest import PASSWORD, Personas, World, make_uscc
from kaifaqu.enterprises.models import Enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_a_zone_administrator_signs_in_and_lands_on_the_zone_in_chinese(
    browser_page: Any, live_server: Any, world: World, personas: Personas
) -> None:
    page = browser_page
    external: list[str] = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server.url) else external.append(request.url)
        ),
    )
    sign_in(page, live_server, "zone_admin")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    body = page.inner_text("body")
    assert "甲开发区" in body
    assert "一园" in body and "二园" in body
    assert "乙开发区" not in body
    assert external == [], "the platform must load nothing from outside the server"


def test_the_language_switch_turns_the_whole_page_english(
    browser_page: Any, live_server: Any, world: World, personas: Personas
) -> None:
    page = browser_page
    sign_in(page, live_server, "zone_admin")
    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    nav = page.inner_text("body")
    assert "Enterprises" in nav and "Projects" in nav
    assert "企业" not in page.inner_text("#kfq-nav")


def test_the_enterprise_list_filters_as_you_type_and_never_shows_another_park(
    browser_page: Any, live_server: Any, world: World, personas: Personas
) -> None:
    page = browser_page
    sign_in(page, live_server, "park_user")
    page.goto(live_server.url + reverse("enterprises:enterprise-list"))
    table = page.locator(
        "#" + page.locator("[hx-target]").first.get_attribute("hx-target").lstrip("#")
    )
    assert "甲一水泥有限公司" in table.inner_text()
    assert "甲二新材料有限公司" not in table.inner_text()
    page.fill("input[name=q]", "不存在的企业")
    page.wait_for_function("() => !document.body.innerText.includes('甲一水泥有限公司')")
    assert "q=" in page.url  # the filtered list has its own address


def test_creating_an_enterprise_reports_a_bad_code_then_saves_with_a_picked_industry(
    browser_page: Any, live_server: Any, world: World, personas: Personas
) -> None:
    page = browser_page
    sign_in(page, live_server, "zone_admin")
    page.goto(live_server.url + reverse("enterprises:enterprise-create"))
    good = make_uscc("140600", 77)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    page.fill("#id_uscc", bad)
    page.fill("#id_name", "浏览器测试建材有限公司")
    page.fill("#id_industry_query", "水泥制造")
    page.locator("[data-industry-code='3011']").click()
    page.select_option("#id_zone", str(world.zone_a.pk))
    page.select_option("#id_park", str(world.park_a1.pk))
    page.click("form.card button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "校验码" in page.inner_text("form.card") or "check character" in page.inner_text(
        "form.card"
    )
    assert not Enterprise.objects.filter(name="浏览器测试建材有限公司").exists()

    page.fill("#id_uscc", good)
    if not page.input_value("#id_industry"):
        page.fill("#id_industry_query", "3011")
    page.click("form.card button[type=submit]")
    page.wait_for_load_state("networkidle")
    saved = Enterprise.objects.get(uscc=good)
    assert (saved.industry_id, saved.park_id) == ("3011", world.park_a1.pk)
    assert "浏览器测试建材有限公司" in page.inner_text("body")
