"""The pages a `Registry` declaration routes keep the addresses they had when written out by hand."""

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import resolve, reverse

from kaifaqu.core.views import RegistryListView
from kaifaqu.enterprises.views.enterprises import ENTERPRISES
from kaifaqu.geo.views import PARKS, REGIONS, ZONES
from kaifaqu.projects.views import PROJECTS

REGISTRIES = [
    ("geo:region", "/geo/regions/", REGIONS),
    ("geo:zone", "/geo/zones/", ZONES),
    ("geo:park", "/geo/parks/", PARKS),
    ("enterprises:enterprise", "/enterprises/", ENTERPRISES),
    ("projects:project", "/projects/", PROJECTS),
]


def _registry_at(address: str) -> Any:
    view: Any = resolve(address).func
    return view.view_initkwargs["registry"]


@pytest.mark.parametrize(("name", "prefix", "registry"), REGISTRIES)
def test_each_registry_has_its_six_pages_at_the_usual_addresses(
    name: str, prefix: str, registry: object
) -> None:
    addresses = {
        "list": prefix,
        "export": f"{prefix}export/",
        "create": f"{prefix}new/",
    }
    for action, address in addresses.items():
        assert reverse(f"{name}-{action}") == address
        assert _registry_at(address) is registry
    for action, suffix in {"detail": "", "edit": "edit/", "history": "history/"}.items():
        address = f"{prefix}7/{suffix}"
        assert reverse(f"{name}-{action}", args=[7]) == address
        assert _registry_at(address) is registry


def test_a_project_moves_on_at_its_advance_address() -> None:
    assert reverse("projects:project-advance", args=[7]) == "/projects/7/advance/"
    assert _registry_at("/projects/7/advance/") is PROJECTS


def test_a_generic_view_without_a_registry_says_what_it_lacks() -> None:
    view = RegistryListView()
    view.setup(RequestFactory().get("/"))
    with pytest.raises(ImproperlyConfigured, match="has no registry"):
        view.get_queryset()
