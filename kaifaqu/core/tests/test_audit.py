"""Every change is audited: who, when, what changed, from where."""

import pytest
from auditlog.models import LogEntry
from django.test import RequestFactory

from kaifaqu.conftest import Personas, World
from kaifaqu.core.audit import history_for
from kaifaqu.enterprises.services import enterprise_update

pytestmark = pytest.mark.django_db


def test_a_service_write_records_actor_and_before_after(world: World, personas: Personas) -> None:
    enterprise_update(
        by=personas.zone_admin, enterprise=world.ent_a1, data={"name": "甲一建材有限公司"}
    )
    entry = history_for(world.ent_a1).first()
    assert entry is not None
    assert entry.actor == personas.zone_admin
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes_dict["name"] == ["甲一水泥有限公司", "甲一建材有限公司"]


def test_the_actor_keeps_the_address_and_request_id_of_the_request(
    world: World, personas: Personas
) -> None:
    from auditlog.middleware import AuditlogMiddleware

    from kaifaqu.core.middleware import RequestIdMiddleware

    def view(request):  # type: ignore[no-untyped-def]
        enterprise_update(
            by=personas.zone_admin, enterprise=world.ent_a1, data={"name": "甲一建材"}
        )
        from django.http import HttpResponse

        return HttpResponse()

    request = RequestFactory().post("/", REMOTE_ADDR="10.1.2.3", HTTP_X_REQUEST_ID="req-0000000042")
    # The request is anonymous at middleware time, as with token authentication.
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    RequestIdMiddleware(AuditlogMiddleware(view))(request)
    entry = history_for(world.ent_a1).first()
    assert entry is not None
    assert (entry.actor, entry.remote_addr, entry.cid) == (
        personas.zone_admin,
        "10.1.2.3",
        "req-0000000042",
    )


def test_a_rejected_write_leaves_no_history(world: World, personas: Personas) -> None:
    before = LogEntry.objects.count()
    with pytest.raises(Exception):  # noqa: B017 — PermissionDenied; what matters is nothing is logged
        enterprise_update(by=personas.outsider, enterprise=world.ent_a1, data={"name": "x"})
    assert LogEntry.objects.count() == before
