"""The reporting month's pages: a zone's months, the zones of a region, a month's page and its
actions, as the statistician (every action, htmx), the zone's administrator (read-only), another
zone's statistician, the provincial office and the personas the permission table keeps out."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kaifaqu.accounts.models import User
from kaifaqu.conftest import Personas, World
from kaifaqu.core.permissions import Role
from kaifaqu.geo.models import ZoneLevel
from kaifaqu.geo.services import zone_create
from kaifaqu.indicators.models import Publication
from kaifaqu.returns.models import (
    NonResponse,
    NonResponseReason,
    NonResponseTreatment,
    Reminder,
    ReportingMonth,
    ReportingMonthStatus,
    ReturnStatus,
)
from kaifaqu.returns.services import return_accept, return_save, return_submit
from kaifaqu.returns.tests.helpers import firm
from kaifaqu.returns.tests.month_fixtures import (
    MARCH,
    extra_user,
    make_march,
    march_month,
    on_roster,
    the_return,
)

pytestmark = pytest.mark.django_db
LIST = reverse("returns:month-list")
ZONES = reverse("returns:month-zones")
HTMX = {"HX-Request": "true", "HX-Target": "month-body"}


@pytest.fixture
def march(world: World, personas: Personas) -> dict[str, Any]:
    return make_march(world, personas)


def signed_in(username: str, language: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def detail(month: ReportingMonth) -> str:
    return reverse("returns:month-detail", args=[month.pk])


def action(name: str, month: ReportingMonth, *args: int) -> str:
    return reverse(f"returns:{name}", args=[month.pk, *args])


def publish(month: ReportingMonth) -> str:
    return reverse("indicators:month-publish", args=[month.pk])


def test_the_months_list_shows_the_hand_worked_rates_and_the_open_form(
    personas: Personas, march: dict[str, Any]
) -> None:
    page = signed_in("statistician").get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    row = html[html.index('data-testid="month-2025-03"') :]
    row = row[: row.index("</tr>")]
    assert "报送中" in row
    assert "2025-04-10" in row
    # 3 of 5 firms reached the office: 60.0 %; 1 of 5 accepted: 20.0 %.
    assert "60.0%" in row and "20.0%" in row
    assert 'id="month-open"' in html


def test_the_list_in_english_says_the_same(personas: Personas, march: dict[str, Any]) -> None:
    html = signed_in("statistician", "en").get(LIST).content.decode()
    assert "Reporting (报送中)" in html
    assert "3 of 5 firms" in html
    assert "1 of 5 firms" in html


def test_opening_a_month_takes_the_calendars_deadline_and_refuses_it_twice(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    client = signed_in("statistician")
    response = client.post(LIST, {"zone": world.zone_a.pk, "month": "2025-04", "deadline": ""})
    april = ReportingMonth.objects.get(zone=world.zone_a, period=date(2025, 4, 1))
    assert response.status_code == 302 and response["Location"] == detail(april)
    assert april.deadline > date(2025, 5, 1) and april.opened_by == personas.statistician
    again = client.post(LIST, {"zone": world.zone_a.pk, "month": "2025-04"})
    assert again.status_code == 400
    assert "2025-04 报告期已开启或已关闭" in again.content.decode()
    wrong = client.post(LIST, {"zone": world.zone_a.pk, "month": "四月"})
    assert wrong.status_code == 400
    assert ReportingMonth.objects.filter(zone=world.zone_a).count() == 2


def test_the_months_page_shows_progress_by_park_the_firms_to_chase_and_why_it_cannot_close(
    personas: Personas, march: dict[str, Any]
) -> None:
    html = signed_in("statistician").get(detail(march["month"])).content.decode()
    parks = html[html.index('data-testid="month-parks"') :]
    parks = parks[: parks.index("</table>")]
    # 一园: 1 of 3 reached (33.3 %); 二园: 2 of 2 (100.0 %).
    assert "33.3%" in parks and "100.0%" in parks
    assert '<div class="h2 mb-0" data-testid="month-response-rate">60.0%</div>' in html
    firms = html[html.index('data-testid="month-firm-table"') :]
    firms = firms[: firms.index("</table>")]
    # By default the firms still to chase: not started, drafts, sent back.
    for key in ("silent", "draft", "sent_back"):
        assert march[key].name in firms
    assert march["accepted"].name not in firms and march["waiting"].name not in firms
    assert "王会计" in firms and "0349-1234567" in firms
    blockers = html[html.index('data-testid="close-blockers"') :]
    assert f"1 份报表待审核：{march['waiting'].name}" in blockers
    assert march["silent"].name in blockers
    assert "?month=2025-03" in html  # the review queue of the month
    assert 'id="month-close"' in html and "disabled" in html[html.index('id="month-close"') :][:400]


def test_the_firm_list_filters_by_state_and_names_the_reporter_accounts(
    personas: Personas, march: dict[str, Any]
) -> None:
    client = signed_in("statistician")
    every = client.get(detail(march["month"]), {"state": ""}).content.decode()
    assert march["accepted"].name in every
    assert "reporter" in every  # the account of 甲一
    accepted = client.get(
        detail(march["month"]), {"state": "accepted"}, headers=HTMX
    ).content.decode()
    assert march["accepted"].name in accepted and march["silent"].name not in accepted
    assert "<html" not in accepted  # only the body, for htmx


def test_the_firms_to_chase_come_a_page_of_fifty_at_a_time_by_name(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    # 55 more firms that have not started: 58 to chase with march's silent, draft and sent back.
    many = [firm(world.zone_a, 100 + number) for number in range(55)]
    on_roster(*many)
    client = signed_in("statistician")
    first = client.get(detail(march["month"])).content.decode()
    assert first.count('data-testid="firm-') == 50
    assert "显示第1至50条，共58条" in first
    assert 'href="?page=2"' in first
    second = client.get(detail(march["month"]), {"page": 2}, headers=HTMX).content.decode()
    assert second.count('data-testid="firm-') == 8
    # The last names in order (测试企业100 … 测试企业154), on the second page only.
    assert "测试企业154" in second and "测试企业154" not in first
    # An action on the second page carries the page on, so the body redrawn is that page.
    assert "?page=2" in second[second.index('data-testid="month-firm-table"') :]


def test_a_reminder_and_a_non_response_redraw_the_body_and_can_be_withdrawn(
    personas: Personas, march: dict[str, Any]
) -> None:
    client = signed_in("statistician")
    month, silent = march["month"], march["silent"]
    response = client.post(
        action("month-remind", month, silent.pk),
        {f"remind-{silent.pk}-channel": "phone", f"remind-{silent.pk}-note": "周五前报"},
        headers=HTMX,
    )
    assert response.status_code == 200 and "<html" not in response.content.decode()
    reminder = Reminder.objects.get()
    assert (reminder.enterprise, reminder.channel, reminder.note) == (silent, "phone", "周五前报")
    assert "1 次催报" in response.content.decode()
    response = client.post(
        action("month-non-response", month, silent.pk),
        {f"nr-{silent.pk}-reason": NonResponseReason.SUSPENDED, f"nr-{silent.pk}-treatment": ""},
        headers=HTMX,
    )
    record = NonResponse.objects.get()
    # The reason's default: a firm that stopped producing counts as nothing.
    assert record.treatment == NonResponseTreatment.ZERO
    assert 'data-testid="month-non-responses"' in response.content.decode()
    client.post(action("month-non-response-withdraw", month, record.pk), headers=HTMX)
    assert not NonResponse.objects.exists()


def test_a_refused_action_says_why_on_the_redrawn_body(
    personas: Personas, march: dict[str, Any]
) -> None:
    waiting = march["waiting"]
    response = signed_in("statistician").post(
        action("month-non-response", march["month"], waiting.pk),
        {f"nr-{waiting.pk}-reason": NonResponseReason.REFUSED},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert waiting.name in response.content.decode()
    assert 'class="alert alert-danger' in response.content.decode()
    assert not NonResponse.objects.exists()


def test_the_close_refused_then_done_then_publish_reopen_correct_and_publish_again(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    client = signed_in("statistician")
    month = march["month"]
    refused = client.post(action("month-close", month), follow=True)
    assert "报告期尚不能关闭。" in refused.content.decode()
    assert march_month(world).status == ReportingMonthStatus.OPEN
    # Settle every firm: accept the waiting one; the others are recorded 未报 (counted as nothing).
    return_accept(by=personas.statistician, return_record=the_return(march["waiting"]))
    for key in ("sent_back", "silent", "draft"):
        firm = march[key]
        client.post(
            action("month-non-response", month, firm.pk),
            {f"nr-{firm.pk}-reason": NonResponseReason.DEREGISTERED},
        )
    # Publishing before the close is not offered.
    assert 'id="month-publish"' not in client.get(detail(month)).content.decode()
    client.post(action("month-close", month))
    assert march_month(world).status == ReportingMonthStatus.CLOSED
    page = client.get(detail(month)).content.decode()
    assert 'id="month-publish"' in page and 'id="month-reopen"' in page
    client.post(publish(month), {"note": "3月数据审定"})
    first = Publication.objects.get()
    assert (first.revision, first.firms, first.accepted, first.not_reported) == (0, 5, 2, 3)
    assert "已发布" in client.get(LIST).content.decode()
    # The revision: the reason is required.
    empty = client.post(action("month-reopen", month), {"reason": " "}, follow=True)
    assert march_month(world).status == ReportingMonthStatus.CLOSED
    assert "请说明修订原因。" in empty.content.decode()
    client.post(action("month-reopen", month), {"reason": "甲一水泥更正3月产值"})
    reopened = march_month(world)
    assert (reopened.status, reopened.revision) == (ReportingMonthStatus.OPEN, 1)
    page = client.get(detail(month)).content.decode()
    assert "修订中" in page and 'data-testid="month-corrections"' in page
    accepted = the_return(march["accepted"])
    missing = client.post(action("month-correct", month, accepted.pk), {}, headers=HTMX)
    assert "alert-danger" in missing.content.decode()
    client.post(
        action("month-correct", month, accepted.pk),
        {f"correct-{accepted.pk}-comment": "产值填错，请更正"},
        headers=HTMX,
    )
    assert the_return(march["accepted"]).status == ReturnStatus.RETURNED
    # The firm corrects its own return and submits it; the office accepts it.
    return_save(
        by=personas.reporter,
        enterprise=march["accepted"],
        period=MARCH,
        values={"gross_output": 90},
    )
    return_submit(by=personas.reporter, return_record=the_return(march["accepted"]))
    return_accept(by=personas.statistician, return_record=the_return(march["accepted"]))
    client.post(action("month-close", month))
    client.post(publish(month), {"note": ""})
    assert list(Publication.objects.order_by("revision").values_list("revision", flat=True)) == [
        0,
        1,
    ]
    log = client.get(detail(month)).content.decode()
    log = log[log.index('data-testid="revision-log"') :]
    assert (
        "3月数据审定" in log and "甲一水泥更正3月产值" in log
    )  # the revision's note is its reason
    # Returns changed between the two publications: 甲一's sending back and new acceptance.
    changes = log[log.index("修订 1") :]
    assert changes.count(march["accepted"].name) == 2


def test_a_deadline_is_changed_before_the_close_only(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    client = signed_in("statistician")
    client.post(action("month-deadline", march["month"]), {"deadline": "2025-04-15"})
    assert march_month(world).deadline == date(2025, 4, 15)
    before = client.post(action("month-deadline", march["month"]), {"deadline": "2025-02-01"})
    assert before.status_code == 302
    assert march_month(world).deadline == date(2025, 4, 15)


def test_the_zone_admin_reads_the_month_without_a_button_and_is_refused_every_action(
    personas: Personas, march: dict[str, Any]
) -> None:
    client = signed_in("zone_admin")
    month, silent = march["month"], march["silent"]
    assert client.get(LIST).status_code == 200
    assert 'id="month-open"' not in client.get(LIST).content.decode()
    html = client.get(detail(month)).content.decode()
    assert "60.0%" in html and silent.name in html
    for marker in (
        "month-close",
        "month-deadline",
        "month-reopen",
        "month-publish",
        "Chase",
        "催报",
    ):
        assert f'id="{marker}"' not in html
    assert "<summary" not in html  # no chase and no reopen
    assert 'href="/statistics/returns/' not in html  # no firm's figures (统计法)
    for url, data in (
        (LIST, {"month": "2025-04"}),
        (action("month-close", month), {}),
        (action("month-deadline", month), {"deadline": "2025-04-20"}),
        (action("month-remind", month, silent.pk), {f"remind-{silent.pk}-channel": "phone"}),
        (action("month-non-response", month, silent.pk), {f"nr-{silent.pk}-reason": "refused"}),
        (action("month-reopen", month), {"reason": "x"}),
        (publish(month), {}),
    ):
        assert client.post(url, data).status_code == 403, url
    assert not Reminder.objects.exists() and not NonResponse.objects.exists()


def test_another_zones_statistician_gets_a_404_for_zone_a_s_month(
    personas: Personas, march: dict[str, Any]
) -> None:
    client = signed_in("statistician_b")
    month = march["month"]
    assert client.get(detail(month)).status_code == 404
    assert client.post(action("month-close", month)).status_code == 404
    assert client.post(publish(month)).status_code == 404
    assert march["silent"].name not in client.get(LIST).content.decode()


def test_the_provincial_office_compares_the_zones_of_its_region_only(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    client = signed_in("province_viewer")
    # A zone's months are the statistics office's; the province compares zones (its own menu entry).
    assert client.get(LIST).status_code == 403
    html = client.get(ZONES, {"month": "2025-03"}).content.decode()
    assert world.zone_a.name in html and world.zone_b.name in html
    assert world.zone_c.name not in html  # 河北
    zone_a = html[html.index(f'data-testid="zone-{world.zone_a.pk}"') :]
    assert "60.0%" in zone_a[: zone_a.index("</tr>")]
    # Zone 乙 has no roster firm: no rate; the region's total is zone 甲's: 3 of 5.
    total = html[html.index('data-testid="region-total"') :]
    assert "60.0%" in total[: total.index("</tr>")]
    assert march["silent"].name not in html  # no firm is named
    assert client.get(detail(march["month"])).status_code == 403


def test_the_zones_sort_by_response_rate_those_without_firms_last(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    # Zone 乙: its one roster firm has not reported (0.0 %); zone 丁, new in 大同, has no roster
    # firm (no rate). The provincial office of 山西 compares them (河北's 丙 is not its).
    on_roster(world.ent_b)
    zone_d = zone_create(
        by=None,
        data={
            "name": "丁开发区",
            "level": ZoneLevel.PROVINCIAL,
            "region": world.datong,
            "area_km2": Decimal("10"),
        },
    )
    client = signed_in("province_viewer")
    names = [world.zone_a.name, world.zone_b.name, zone_d.name]

    def order(**query: str) -> list[str]:
        html = client.get(ZONES, {"month": "2025-03", **query}).content.decode()
        body = html[html.index("<tbody>") :]
        return sorted(names, key=body.index)

    assert order(sort="response", dir="desc") == [names[0], names[1], names[2]]
    assert order(sort="response", dir="asc") == [names[1], names[0], names[2]]
    assert order(sort="zone") == sorted(names)
    assert world.zone_c.name not in client.get(ZONES, {"month": "2025-03"}).content.decode()


@pytest.mark.parametrize(
    ("username", "role", "scope"),
    [
        ("reporter", None, None),
        ("park_user", None, None),
        ("auditor", None, None),
        ("sysadmin", None, None),
        ("officer", Role.INVESTMENT_OFFICER, "zone"),
        ("security", Role.SECURITY_ADMIN, None),
        ("leader", Role.ZONE_LEADER, "zone"),
    ],
)
def test_the_personas_the_table_keeps_out_get_403(
    world: World,
    personas: Personas,
    march: dict[str, Any],
    username: str,
    role: str | None,
    scope: str | None,
) -> None:
    if role is not None:
        extra_user(username, role, **({"scope_zone": world.zone_a} if scope else {}))
    client = signed_in(username)
    month = march["month"]
    for url in (LIST, ZONES, detail(month)):
        assert client.get(url).status_code == 403, url
    assert client.post(action("month-close", month)).status_code == 403
    assert client.post(publish(month)).status_code == 403


def test_the_zones_statistician_runs_its_month(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    client = signed_in("statistician")
    page = client.get(LIST, {"zone": world.zone_a.pk}).content.decode()
    assert "60.0%" in page and 'id="month-open"' in page
    html = client.get(detail(march["month"])).content.decode()
    assert 'id="month-close"' in html and "<summary" in html
