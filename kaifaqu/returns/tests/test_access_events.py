"""The access log records API refusals, API reads of respondent figures (one entry per request,
with the count) and downloads of supporting documents (等保 2.0 安全审计)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from kaifaqu.accounts.models import AccessEvent, AccessEventKind
from kaifaqu.conftest import Personas, World
from kaifaqu.returns.tests.helpers import month, stored_return

pytestmark = pytest.mark.django_db


def api(user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)  # type: ignore[arg-type]
    return client


def events(kind: AccessEventKind) -> list[AccessEvent]:
    return list(AccessEvent.objects.filter(kind=kind).order_by("pk"))


def test_an_api_list_of_returns_is_logged_once_with_its_count(
    world: World, personas: Personas
) -> None:
    stored_return(world.ent_a1, month(2025, 3), gross_output=100)
    stored_return(world.ent_a2, month(2025, 3), gross_output=200)
    stored_return(world.ent_b, month(2025, 3), gross_output=300)  # zone 乙: not shown
    response = api(personas.statistician).get("/api/returns/", {"period": "2025-03"})
    assert response.status_code == 200
    assert response.json()["count"] == 2
    [read] = events(AccessEventKind.FIGURES_READ)
    assert read.user == personas.statistician
    assert read.detail.startswith("returns list: 2 of 2 returns")
    assert "period=2025-03" in read.detail


def test_an_api_read_of_one_return_is_logged(world: World, personas: Personas) -> None:
    record = stored_return(world.ent_a1, month(2025, 3), gross_output=100)
    assert api(personas.statistician).get(f"/api/returns/{record.pk}/").status_code == 200
    [read] = events(AccessEventKind.FIGURES_READ)
    assert read.detail == f"return {record.pk}: 1 return"


def test_an_api_refusal_is_logged(world: World, personas: Personas) -> None:
    # The audit administrator has no business data (三员分立): refused, and the refusal logged.
    response = api(personas.auditor).get("/api/returns/")
    assert response.status_code == 403
    [denied] = events(AccessEventKind.DENIED)
    assert denied.user == personas.auditor
    assert denied.path == "/api/returns/"
    assert not events(AccessEventKind.FIGURES_READ)


def test_a_supporting_document_download_is_logged(
    client: Client, world: World, personas: Personas, settings: object, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    record = stored_return(world.ent_a1, month(2025, 3), gross_output=100)
    record.supporting_document.save("证明.pdf", ContentFile(b"%PDF-1.4 test"))
    client.force_login(personas.statistician)
    response = client.get(reverse("returns:return-document", args=[record.pk]))
    assert response.status_code == 200
    [download] = events(AccessEventKind.DOWNLOAD)
    assert download.user == personas.statistician
    assert download.detail.startswith(f"supporting document of return {record.pk}:")
    # A refused download is a refusal, not a download.
    client.force_login(personas.statistician_b)
    assert client.get(reverse("returns:return-document", args=[record.pk])).status_code == 404
    assert len(events(AccessEventKind.DOWNLOAD)) == 1
