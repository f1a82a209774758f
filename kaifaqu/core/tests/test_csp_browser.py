"""In headless Chromium under the enforced Content-Security-Policy: the main pages load without
a single violation or script error, and what moves still moves (charts drawn and answering the
mouse, the filter as you type, the industry picker, select-all, the month picker, the API
description pages)."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kaifaqu.conftest import PASSWORD, Personas, World
from kaifaqu.projects.tests.test_leads import make_lead
from kaifaqu.returns.tests.month_fixtures import make_march

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation the page sees, reported by the browser itself (CSP level 3 event).
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI + " "
    + event.sourceFile + ":" + event.lineNumber);
});
"""


class Watched:
    def __init__(self, page: Any, base: str) -> None:
        self.page, self.base = page, base
        self.errors: list[str] = []
        page.add_init_script(LISTEN)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on(
            "console",
            lambda message: (
                self.errors.append(f"{page.url}: {message.text}")
                if message.type == "error" and "Failed to load resource" not in message.text
                else None
            ),
        )

    def sign_in(self, username: str) -> None:
        self.page.goto(self.base + reverse("accounts:login"))
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("form button[type=submit]")
        self.page.wait_for_load_state("networkidle")

    def open(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        assert response.status == 200, path
        assert "script-src 'self';" in response.headers["content-security-policy"] + ";"
        return response

    def assert_clean(self) -> None:
        violations = self.page.evaluate("window.__violations || []")
        assert violations == [], f"{self.page.url}: {violations}"
        assert self.errors == []


@pytest.fixture
def watched(browser_page: Any, live_server: Any) -> Iterator[Watched]:
    yield Watched(browser_page, live_server.url)


def test_the_zone_s_pages_draw_their_charts_and_filter_without_a_violation(
    watched: Watched, world: World, personas: Personas
) -> None:
    make_lead(personas.zone_admin, world.zone_a, received_on=timezone.localdate())
    page = watched.page
    watched.sign_in("zone_admin")
    for path in (reverse("dashboard:home"), reverse("projects:lead-funnel")):
        watched.open(path)
        charts = page.locator("[data-kfq-chart]")
        assert charts.count() >= 1, path
        page.wait_for_selector("[data-kfq-chart] svg")  # drawn by ECharts
        box = charts.first.bounding_box()
        # The tooltip is drawn by ECharts on hover (its styles set through the CSSOM).
        for x in range(10, 100, 10):
            page.mouse.move(box["x"] + box["width"] * x / 100, box["y"] + box["height"] * 0.6)
        page.wait_for_timeout(300)
        watched.assert_clean()

    watched.open(reverse("projects:project-list"))
    page.fill("input[name=q]", "甲一")
    page.wait_for_function("() => location.search.includes('q=')")
    assert "status=" not in page.url  # the empty filters stayed out of the address
    assert "甲二新建项目" not in page.inner_text("main, .page-body")
    for path in (
        world.project_a1.get_absolute_url(),
        reverse("projects:board"),
        reverse("projects:lead-list"),
        world.ent_a1.get_absolute_url(),
    ):
        watched.open(path)
    watched.open(reverse("enterprises:enterprise-create"))
    page.fill("#id_industry_query", "水泥制造")
    page.locator("[data-industry-code='3011']").click()
    assert page.input_value("#id_industry") == "3011"
    watched.assert_clean()


def test_the_statistics_pages_work_without_a_violation(
    watched: Watched, world: World, personas: Personas
) -> None:
    march = make_march(world, personas)
    page = watched.page
    watched.sign_in("statistician")
    watched.open(reverse("returns:review-queue"))
    # 甲二's return awaits review without findings: it may be ticked for bulk acceptance.
    page.locator("[data-kfq-select-all]").check()
    boxes = page.locator("input[name=ids][form=bulk-accept]")
    assert boxes.count() >= 1
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    for path in (
        reverse("returns:month-list"),
        reverse("returns:month-detail", args=[march["month"].pk]),
        reverse("indicators:indicator-table"),
        reverse("indicators:indicator-catalogue"),
        reverse("returns:return-list"),
    ):
        watched.open(path)
    watched.assert_clean()


def test_the_reporter_s_month_picker_submits_itself(
    watched: Watched, world: World, personas: Personas
) -> None:
    page = watched.page
    watched.sign_in("reporter")
    watched.open(reverse("returns:my-return") + "?month=2025-03")
    options = page.locator("#id_month_picker option")
    other = next(
        options.nth(i).get_attribute("value")
        for i in range(options.count())
        if options.nth(i).get_attribute("value") != "2025-03"
    )
    with page.expect_navigation():
        page.select_option("#id_month_picker", other)
    assert f"month={other}" in page.url
    watched.assert_clean()


def test_the_api_description_pages_render_under_the_policy(
    watched: Watched, world: World, personas: Personas
) -> None:
    page = watched.page
    watched.sign_in("zone_admin")
    watched.open(reverse("api-docs"))
    page.wait_for_selector(".swagger-ui .opblock")
    watched.assert_clean()
