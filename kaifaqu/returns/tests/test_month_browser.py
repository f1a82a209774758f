"""In headless Chromium: the statistician chases a firm on the month's page (htmx redraws the
body in place). With KFQ_SCREENSHOTS=1 the test also writes the user guide's pictures of the
month's page and the months list, in Chinese and English (docs/images/)."""

import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from kaifaqu.conftest import Personas, World
from kaifaqu.returns.models import Reminder
from kaifaqu.returns.services.months import reminder_record
from kaifaqu.returns.tests.month_fixtures import make_march
from kaifaqu.returns.tests.test_pages_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
IMAGES = Path(settings.BASE_DIR) / "docs" / "images"


def test_the_statistician_chases_a_firm_without_leaving_the_page(
    browser_page: Any, live_server: Any, world: World, personas: Personas
) -> None:
    march = make_march(world, personas)
    month, silent = march["month"], march["silent"]
    reminder_record(
        by=personas.statistician, reporting_month=month, enterprise=march["draft"], channel="phone"
    )
    page = browser_page
    sign_in(page, live_server, "statistician")
    url = live_server.url + reverse("returns:month-detail", args=[month.pk])
    page.goto(url)
    assert page.locator('[data-testid="month-response-rate"]').inner_text() == "60.0%"
    row = page.locator(f'[data-testid="firm-{silent.pk}"]')
    row.locator("summary").click()
    row.locator(f'select[name="remind-{silent.pk}-channel"]').select_option("message")
    row.locator(f'input[name="remind-{silent.pk}-note"]').fill("已短信提醒")
    row.locator("form").first.locator("button").click()
    page.wait_for_selector(".alert-success")
    assert page.url == url  # htmx redrew the body in place
    assert Reminder.objects.filter(enterprise=silent, channel="message").exists()
    assert "1 次催报" in page.locator(f'[data-testid="firm-{silent.pk}"]').inner_text()
    if os.environ.get("KFQ_SCREENSHOTS") != "1":
        return
    IMAGES.mkdir(parents=True, exist_ok=True)
    for language in ("zh", "en"):
        if language == "en":
            page.context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
            )
        page.goto(url)
        page.screenshot(path=str(IMAGES / f"reporting-month-{language}.png"), full_page=True)
        page.goto(live_server.url + reverse("returns:month-list"))
        page.screenshot(path=str(IMAGES / f"reporting-months-{language}.png"), full_page=True)
