"""The layout every page shares: Chinese by default, English on request, who is signed in, htmx."""

import pytest
from django.conf import settings
from django.template import loader
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import DjangoAssertNumQueries

from kaifaqu.conftest import Personas

pytestmark = pytest.mark.django_db


def test_pages_are_in_chinese_by_default(client: Client) -> None:
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "用户名" in html  # Django's own catalogue: the form's labels are Chinese already


def test_switching_the_language_to_english_changes_the_pages(
    client: Client, personas: Personas
) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in html
    assert "Username" in html and "用户名" not in html
    client.force_login(personas.zone_admin)
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Projects by stage" in html and "Zone administrator" in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in client.get("/").content.decode()


def test_the_language_switcher_posts_to_set_language_and_returns_to_the_page(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    html = client.get("/?tab=1").content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="next" value="/?tab=1"' in html
    assert 'value="zh-hans"' in html and 'value="en"' in html


def test_the_header_shows_the_users_name_role_and_scope_and_a_sign_out_form(
    client: Client, personas: Personas
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    personas.park_user.first_name = "王园区"
    personas.park_user.save(update_fields=["first_name"])
    client.force_login(personas.park_user)
    html = client.get("/").content.decode()
    assert "王园区" in html
    assert "Park service centre" in html
    assert "一园" in html
    assert f'<form method="post" action="{reverse("accounts:logout")}"' in html


def test_every_page_loads_htmx_with_the_csrf_token_in_its_headers(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    response = client.get("/")
    html = response.content.decode()
    token = response.context["csrf_token"]
    assert f'hx-headers=\'{{"X-CSRFToken": "{token}"}}\'' in html
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "/static/vendor/tabler/tabler.min.css" in html


def test_the_navigation_links_every_area(client: Client, personas: Personas) -> None:
    client.force_login(personas.zone_admin)
    html = client.get("/").content.decode()
    for name in (
        "dashboard:home",
        "geo:region-list",
        "geo:zone-list",
        "geo:park-list",
        "enterprises:enterprise-list",
        "projects:project-list",
        "api-docs",
    ):
        assert f'href="{reverse(name)}"' in html, name


def test_security_and_audit_administrators_get_no_links_to_business_data(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.auditor)
    html = client.get("/", follow=True).content.decode()
    assert f'href="{reverse("accounts:access-log")}"' in html
    for name in ("geo:zone-list", "geo:park-list", "enterprises:enterprise-list"):
        assert f'href="{reverse(name)}"' not in html, name


def test_an_unknown_page_is_a_404_in_the_platforms_layout(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "kfq-topbar" in response.content.decode()
    assert reverse("dashboard:home") in response.content.decode()


def test_the_server_error_page_renders_without_a_request_or_the_database(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()
    assert "500" in html
    assert "/static/vendor/tabler/tabler.min.css" in html
