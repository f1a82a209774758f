"""The OpenAPI 3 description and the Swagger UI page, served without any outside address."""

import re
from pathlib import Path

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from rest_framework.test import APIClient

from kaifaqu.conftest import Personas, World

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/regions/",
    "/api/zones/",
    "/api/parks/",
    "/api/enterprises/",
    "/api/projects/",
    "/api/industries/",
    "/api/projects/{id}/advance/",
]


def test_the_schema_is_an_openapi_3_document_with_every_area(
    world: World, personas: Personas
) -> None:
    client = APIClient()
    client.force_login(personas.reporter)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(PATHS) <= set(schema["paths"])
    assert schema["paths"]["/api/enterprises/"]["get"]["tags"] == ["enterprises"]
    assert schema["paths"]["/api/zones/{id}/"]["patch"]["tags"] == ["geo"]
    assert schema["paths"]["/api/projects/{id}/advance/"]["post"]["tags"] == ["projects"]
    # No delete anywhere, and stage is not part of a project update.
    assert not any("delete" in operations for operations in schema["paths"].values())
    update = schema["components"]["schemas"]["PatchedProjectRequest"]["properties"]
    assert "stage" not in update
    assert "stage" in schema["components"]["schemas"]["ProjectCreateRequest"]["properties"]


def test_the_schema_and_docs_are_for_signed_in_users_only(world: World) -> None:
    assert APIClient().get("/api/schema/").status_code in {401, 403}
    assert APIClient().get("/api/docs/").status_code in {401, 403}


def test_the_docs_page_loads_swagger_ui_from_local_static_files(
    world: World, personas: Personas
) -> None:
    client = APIClient()
    client.force_login(personas.zone_admin)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert re.findall(r"(?:https?:)?//[\w.-]+\.\w+", page) == []
    assets = re.findall(r'(?:src|href)="/static/([^"]+)"', page)
    assert len(assets) == 5  # icon, two style sheets, bundle, preset
    # The page's own script comes from its address (no inline code: Content-Security-Policy).
    script = client.get("/api/docs/?script=").content.decode()
    assert '"validatorUrl": null' in script
    for asset in assets:
        assert finders.find(asset) is not None, asset


def test_the_schema_generates_without_warnings(tmp_path: Path) -> None:
    target = tmp_path / "schema.yml"
    # --fail-on-warn raises if drf-spectacular had to guess anything.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert set(PATHS) <= set(schema["paths"])


@pytest.mark.parametrize(
    "path",
    ["/api/", "/api/regions/140600/", "/api/zones/", "/api/enterprises/", "/api/projects/"],
)
def test_the_browsable_api_renders_for_a_signed_in_writer(
    world: World, personas: Personas, path: str
) -> None:
    client = APIClient(HTTP_ACCEPT="text/html")
    client.force_login(personas.zone_admin)
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    # The forms offer only what the user may choose: its own zone, never zone 乙.
    assert "乙开发区" not in response.content.decode()
