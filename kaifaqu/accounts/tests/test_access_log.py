"""The access log page: for the system, security and audit administrators; a refusal is logged."""

from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from kaifaqu.accounts.models import AccessEvent, AccessEventKind
from kaifaqu.accounts.services import access_event_record
from kaifaqu.accounts.views import ACCESS_LOG_COLUMNS, ACCESS_LOG_PAGE_SIZE
from kaifaqu.conftest import Personas

pytestmark = pytest.mark.django_db
URL = "/accounts/access-log/"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def event(kind: str, username: str, at: datetime) -> AccessEvent:
    # Written at `at` (the log is append-only: a row cannot be back-dated after the fact).
    with mock.patch("django.utils.timezone.now", return_value=at):
        return access_event_record(kind=AccessEventKind(kind), username=username)


@pytest.fixture
def events(personas: Personas) -> None:
    event("login", "zone_admin", datetime(2025, 3, 1, 9, 0, tzinfo=SHANGHAI))
    event("login_failed", "zone_admin", datetime(2025, 3, 1, 8, 59, tzinfo=SHANGHAI))
    event("login_failed", "mallory", datetime(2025, 3, 2, 23, 30, tzinfo=SHANGHAI))
    event("export", "statistician", datetime(2025, 3, 3, 10, 0, tzinfo=SHANGHAI))


def usernames(client: Client, query: str = "") -> list[str]:
    response = client.get(URL + query)
    assert response.status_code == 200
    return [e.username for e in response.context["events"]]


def test_the_url_name_is_accounts_access_log() -> None:
    assert reverse("accounts:access-log") == URL


@pytest.mark.parametrize("persona", ["auditor"])
def test_audit_readers_see_the_whole_log_newest_first(
    client: Client, personas: Personas, events: None, persona: str
) -> None:
    client.force_login(getattr(personas, persona))
    # The reader's own sign-in, just now, comes first.
    assert usernames(client) == [persona, "statistician", "mallory", "zone_admin", "zone_admin"]


def test_the_log_filters_by_kind_user_and_date(
    client: Client, personas: Personas, events: None
) -> None:
    client.force_login(personas.auditor)
    assert usernames(client, "?kind=login_failed") == ["mallory", "zone_admin"]
    assert usernames(client, "?user=ZONE") == ["zone_admin", "zone_admin"]
    # 23:30 on 2 March in Shanghai is 15:30 UTC: the date is the local one.
    assert usernames(client, "?date_from=2025-03-02&date_to=2025-03-02") == ["mallory"]
    assert usernames(client, "?kind=login_failed&date_to=2025-03-01") == ["zone_admin"]


def test_the_log_is_paged_keeping_the_filters(client: Client, personas: Personas) -> None:
    for i in range(ACCESS_LOG_PAGE_SIZE + 5):
        access_event_record(kind=AccessEventKind.LOGIN_FAILED, username=f"guess{i}")
    access_event_record(kind=AccessEventKind.LOGIN, username="someone")
    client.force_login(personas.auditor)
    first = client.get(URL + "?kind=login_failed")
    assert len(first.context["events"]) == ACCESS_LOG_PAGE_SIZE
    assert "?kind=login_failed&amp;page=2" in first.content.decode()
    second = client.get(URL + "?kind=login_failed&page=2")
    assert len(second.context["events"]) == 5
    assert all(e.kind == AccessEventKind.LOGIN_FAILED for e in second.context["events"])


@pytest.mark.parametrize(
    "persona", ["zone_admin", "province_viewer", "reporter", "sysadmin", "secadmin"]
)
def test_other_roles_are_refused_and_the_refusal_is_logged(
    client: Client, personas: Personas, events: None, persona: str
) -> None:
    user = getattr(personas, persona)
    client.force_login(user)
    response = client.get(URL, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 403
    html = response.content.decode()
    assert "mallory" not in html
    assert "只有审计管理员可以查看访问日志。" in html
    denied = AccessEvent.objects.get(kind=AccessEventKind.DENIED)
    assert (denied.user, denied.username, denied.ip_address, denied.path) == (
        user,
        persona,
        "10.9.8.7",
        URL,
    )


def test_the_navigation_links_the_log_only_for_audit_readers(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    assert URL not in client.get("/").content.decode()
    client.force_login(personas.sysadmin)
    assert URL not in client.get("/", follow=True).content.decode()
    client.force_login(personas.auditor)
    assert URL in client.get("/", follow=True).content.decode()


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not AccessEvent.objects.filter(kind=AccessEventKind.DENIED).exists()


def test_the_audit_administrator_exports_the_access_log(
    client: Client, personas: Personas, events: None
) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(personas.auditor)
    page = client.get(URL)
    assert "export=xlsx" in page.content.decode()
    response = client.get(URL, {"export": "xlsx", "kind": "login_failed"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="access-log.xlsx"'
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows[0]) == len(ACCESS_LOG_COLUMNS)
    assert [(row[2], row[0]) for row in rows[1:]] == [
        ("mallory", "2025-03-02 23:30:00"),
        ("zone_admin", "2025-03-01 08:59:00"),
    ]
    # The export itself is in the log.
    assert AccessEvent.objects.filter(
        kind="export", detail__startswith="access log: 2 rows"
    ).exists()


@pytest.mark.parametrize("persona", ["sysadmin", "statistician"])
def test_nobody_else_exports_the_access_log(
    client: Client, personas: Personas, events: None, persona: str
) -> None:
    client.force_login(getattr(personas, persona))
    assert client.get(URL, {"export": "xlsx"}).status_code == 403
