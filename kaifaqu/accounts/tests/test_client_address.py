"""The recorded address is the client's, never what the client says it is: X-Forwarded-For counts
only from a trusted proxy (KFQ_TRUSTED_PROXIES), in the access log, auditlog and django-axes."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from axes.helpers import get_client_ip_address
from django.test import Client, RequestFactory
from django.test.utils import override_settings
from django.urls import reverse

from kaifaqu.accounts.models import AccessEvent, AccessEventKind
from kaifaqu.conftest import PASSWORD, Personas, World
from kaifaqu.core.audit import AuditlogMiddleware
from kaifaqu.core.client_address import client_ip

SPOOF = "6.6.6.6"


def request_from(peer: str, forwarded: str | None = None) -> object:
    request = RequestFactory().get("/", REMOTE_ADDR=peer)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_ip(request_from("203.0.113.5", SPOOF)) == "203.0.113.5"
    assert client_ip(request_from("203.0.113.5")) == "203.0.113.5"
    assert client_ip(None) is None


@override_settings(KFQ_TRUSTED_PROXIES=["10.0.0.0/8", "192.0.2.1"])
def test_a_trusted_proxy_gives_the_right_most_untrusted_address() -> None:
    # The client prepends a lie; the proxy appends what it saw: the right-most untrusted wins.
    assert client_ip(request_from("10.0.0.1", f"{SPOOF}, 198.51.100.7")) == "198.51.100.7"
    # Two proxies in a row (the inner one trusted too).
    assert client_ip(request_from("192.0.2.1", f"{SPOOF}, 198.51.100.7, 10.1.1.1")) == (
        "198.51.100.7"
    )
    # An untrusted peer's header is ignored even though proxies are configured.
    assert client_ip(request_from("203.0.113.5", "198.51.100.7")) == "203.0.113.5"
    # A trusted proxy without a header: the proxy itself is all we know.
    assert client_ip(request_from("10.0.0.1")) == "10.0.0.1"
    # A malformed hop stops the walk at the last address a trusted proxy vouched for.
    assert client_ip(request_from("10.0.0.1", "garbage")) == "10.0.0.1"


@override_settings(KFQ_TRUSTED_PROXIES=["10.0.0.1"])
def test_auditlog_and_axes_take_the_same_address() -> None:
    spoofed = request_from("203.0.113.5", SPOOF)
    proxied = request_from("10.0.0.1", f"{SPOOF}, 198.51.100.7")
    assert AuditlogMiddleware._get_remote_addr(spoofed) == "203.0.113.5"
    assert AuditlogMiddleware._get_remote_addr(proxied) == "198.51.100.7"
    assert get_client_ip_address(spoofed) == "203.0.113.5"  # type: ignore[arg-type]
    assert get_client_ip_address(proxied) == "198.51.100.7"  # type: ignore[arg-type]


@pytest.mark.django_db
def test_a_spoofed_header_reaches_neither_the_access_log_nor_the_change_log(
    client: Client, personas: Personas, world: World
) -> None:
    client.post(
        reverse("accounts:login"),
        {"username": "zone_admin", "password": "wrong"},
        REMOTE_ADDR="203.0.113.5",
        HTTP_X_FORWARDED_FOR=SPOOF,
    )
    failed = AccessEvent.objects.get(kind=AccessEventKind.LOGIN_FAILED)
    assert failed.ip_address == "203.0.113.5"
    response = client.post(
        reverse("accounts:login"),
        {"username": "zone_admin", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.5",
        HTTP_X_FORWARDED_FOR=SPOOF,
    )
    assert response.status_code == 302
    assert AccessEvent.objects.get(kind=AccessEventKind.LOGIN).ip_address == "203.0.113.5"
    assert not LogEntry.objects.filter(remote_addr=SPOOF).exists()
    assert not AccessEvent.objects.filter(ip_address=SPOOF).exists()


@pytest.mark.django_db
def test_a_spoofed_header_is_still_one_address_to_the_lockout(
    client: Client, personas: Personas, settings: object
) -> None:
    # An attacker rotating X-Forwarded-For over many accounts is one address to django-axes,
    # and meets the per-address limit (accounts/identity/lockout.py).
    with override_settings(KFQ_LOGIN_FAILURE_LIMIT_PER_ADDRESS=3):
        statuses = [
            client.post(
                reverse("accounts:login"),
                {"username": f"guess{n}", "password": "wrong"},
                REMOTE_ADDR="203.0.113.5",
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            ).status_code
            for n in range(3)
        ]
        assert statuses[-1] == 429
        # The users, from their own address, still sign in.
        ok = client.post(
            reverse("accounts:login"),
            {"username": "park_user", "password": PASSWORD},
            REMOTE_ADDR="198.51.100.9",
        )
        assert ok.status_code == 302
