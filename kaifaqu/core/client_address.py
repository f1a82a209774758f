"""The client's real address: X-Forwarded-For counts only when a trusted proxy says so.

A client can send any X-Forwarded-For it likes; believing it lets anyone write a false address
into the audit trail, or lock a named user out (django-axes counts failures per address). The
header is read only when the direct peer (REMOTE_ADDR) is one of KFQ_TRUSTED_PROXIES, and then
from the right: each trusted proxy appends the address it saw, so the right-most address that
is not itself a trusted proxy is the client as far as anyone we trust can tell. Used by the
access log, django-auditlog's middleware (core/audit.py) and django-axes
(AXES_CLIENT_IP_CALLABLE), so all three record the same address.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "KFQ_TRUSTED_PROXIES", ())))


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1:].split("]")[0]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":")[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, nets: tuple[Network, ...]
) -> bool:
    return any(address in net for net in nets)


def client_ip(request: Any) -> str | None:
    """The address to record for `request` (None when there is no request or no address)."""
    if request is None:
        return None
    meta = getattr(request, "META", {})
    peer = _address(str(meta.get("REMOTE_ADDR") or ""))
    if peer is None:
        return None
    nets = trusted_networks()
    if not nets or not _trusted(peer, nets):
        return str(peer)
    forwarded = [
        part for part in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",") if part.strip()
    ]
    for part in reversed(forwarded):
        address = _address(part)
        if address is None:
            # A malformed hop: stop at the last address a trusted proxy vouched for.
            return str(peer)
        if not _trusted(address, nets):
            return str(address)
        peer = address
    return str(peer)
