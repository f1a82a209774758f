"""In headless Chromium: the reporter submits, the statistician decides in the queue with htmx."""

from typing import Any

import pytest
from django.urls import reverse

from kaifaqu.conftest import PASSWORD, Personas, World
from kaifaqu.returns.models import Return, ReturnStatus
from kaifaqu.returns.tests.helpers import month, stored_return

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_the_reporter_fills_in_and_submits_the_month(
    browser_page: Any, live_server: Any, world: World, personas: Personas
) -> None:
    page = browser_page
    sign_in(page, live_server, "reporter")
    page.goto(live_server.url + reverse("returns:my-return") + "?month=2025-03")
    page.fill("#id_gross_output", "100")
    page.fill("#id_sales_output", "95")
    page.fill("#id_revenue", "98")
    page.fill("#id_employees", "50")
    page.click("button[value=submit]")
    page.wait_for_load_state("networkidle")
    record = Return.objects.get(enterprise=world.ent_a1)
    assert record.status == ReturnStatus.SUBMITTED
    assert page.locator("button[value=submit]").count() == 0


def test_the_statistician_sends_back_and_accepts_without_leaving_the_queue(
    browser_page: Any, live_server: Any, world: World, personas: Personas
) -> None:
    first = stored_return(world.ent_a1, month(2025, 3), gross_output=100)
    second = stored_return(world.ent_a2, month(2025, 3), gross_output=200)
    page = browser_page
    sign_in(page, live_server, "statistician")
    queue_url = live_server.url + reverse("returns:review-queue")
    page.goto(queue_url)
    card = page.locator(f"#queue-item-{first.pk}")
    card.locator("textarea").fill("请核实用电量")
    card.locator("button.btn-outline-warning").click()
    page.wait_for_selector(f"#queue-item-{first.pk}", state="detached")
    assert page.url == queue_url  # htmx redrew the queue in place
    assert page.locator(".alert-success").count() == 1
    page.locator(f"#queue-item-{second.pk} button.btn-success").click()
    page.wait_for_selector(f"#queue-item-{second.pk}", state="detached")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (ReturnStatus.RETURNED, ReturnStatus.ACCEPTED)
