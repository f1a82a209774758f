"""Downloads of project documents, by page and by API, are written to the access log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from kaifaqu.accounts.models import AccessEvent, AccessEventKind
from kaifaqu.conftest import Personas, World

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


def test_project_document_downloads_are_logged(
    world: World, personas: Personas, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    api = APIClient()
    api.force_authenticate(personas.zone_admin)
    created = api.post(
        "/api/project-documents/",
        {
            "project": world.project_a1.pk,
            "title": "投资协议",
            "kind": "contract",
            "dated": "2025-01-10",
            "file": SimpleUploadedFile("投资协议.pdf", PDF),
        },
        format="multipart",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert api.get(f"/api/project-documents/{pk}/download/").status_code == 200
    page = Client()
    page.force_login(personas.zone_admin)
    url = reverse("projects:project-document-download", args=[world.project_a1.pk, pk])
    assert page.get(url).status_code == 200
    downloads = AccessEvent.objects.filter(kind=AccessEventKind.DOWNLOAD).order_by("pk")
    assert [(e.user, e.path) for e in downloads] == [
        (personas.zone_admin, f"/api/project-documents/{pk}/download/"),
        (personas.zone_admin, url),
    ]
    assert all("投资协议.pdf" in e.detail for e in downloads)
