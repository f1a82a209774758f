"""The zone a page over several zones is about: chosen with `?zone=`, or the user's only one."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from kaifaqu.geo.models import Zone


def zone_choice(request: HttpRequest) -> tuple[list[Zone], Zone | None]:
    """The zones the user sees (by name) and the one chosen with `zone` (query or form), or the
    only one; a zone outside them is not found (404)."""
    zones = list(Zone.objects.for_user(request.user).order_by("name"))
    chosen = request.GET.get("zone") or request.POST.get("zone")
    if chosen:
        zone = next((z for z in zones if str(z.pk) == chosen), None)
        if zone is None:
            raise Http404
        return zones, zone
    return zones, zones[0] if len(zones) == 1 else None
