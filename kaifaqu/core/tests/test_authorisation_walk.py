"""Every page and every API operation, as every persona: the answer is the permission table's.

The addresses come from the URL conf and from the OpenAPI schema, so a new page or operation is
walked as soon as it exists, and fails until core/tests/authz/pages.py or operations.py says
what it needs (docs/development/testing.md). Each is requested as a persona of every role, at
home (the demo zone) and away (another zone or province), for a record the persona sees, one it
does not see and one that does not exist; the status must be the one POLICY and `for_user`
give (rules.py), a record outside the scope must be answered exactly as a missing one, nothing
may crash, and a refused write must leave every table and the data-change log as they were,
with each 403 recorded in the access log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.db import transaction
from django.template.base import Template
from django.test import override_settings
from django.test.utils import _TestState

from kaifaqu.core.tests.authz.operations import OPERATIONS
from kaifaqu.core.tests.authz.pages import PAGES
from kaifaqu.core.tests.authz.references import (
    EVERY_RECORD,
    foreign,
    form_choice_fields,
    names_of,
    normalised,
    references,
    request_serializers,
    scoped,
    seen_by,
    send,
    unique_fields,
    writer,
)
from kaifaqu.core.tests.authz.rules import MISSING, check_needs
from kaifaqu.core.tests.authz.walk_api import path_of, schema_operations, walk_operation
from kaifaqu.core.tests.authz.walk_pages import walk_page
from kaifaqu.core.tests.authz.walker import (
    Walk,
    check_page_map,
    is_drf,
    url_names,
    view_class,
)
from kaifaqu.core.tests.authz.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def walk(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Walk]:
    media = tmp_path_factory.mktemp("walk-media")
    with (
        override_settings(MEDIA_ROOT=media),
        quiet_refusals(),
        uninstrumented_templates(),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        personas = build_world()
        yield Walk(personas)
        transaction.set_rollback(True)


@contextmanager
def quiet_refusals() -> Iterator[None]:
    """Thousands of refusals are the point of the walk: Django's log of each (with its
    traceback) is left out; server errors are still logged."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextmanager
def uninstrumented_templates() -> Iterator[None]:
    """The test client records every template and context rendered (for `response.context`),
    which the walk never reads; rendering without it is a third faster."""
    original = getattr(_TestState, "saved_data", None)
    if original is None:
        yield
        return
    with mock.patch.object(Template, "_render", original.template_render):
        yield


def page_names() -> dict[str, Any]:
    """Every named page of the URL conf but the API's operations (walked from the schema).
    There is no admin site (三员分立: accounts are the administrators' pages, walked here)."""
    return {
        name: callback
        for name, callback in url_names()
        if not name.startswith("api:") or name == "api:api-root"
    }


PAGE_NAMES = page_names()


def test_every_page_of_the_url_conf_is_in_the_walks_map() -> None:
    missing = sorted(set(PAGE_NAMES) - set(PAGES))
    stale = sorted(set(PAGES) - set(PAGE_NAMES))
    assert not missing, (
        f"pages the walk does not know: {missing}. Add each to PAGES in "
        "core/tests/authz/pages.py with the POLICY actions it needs and the record it is "
        "about (docs/development/testing.md, 'The authorisation walk')."
    )
    assert not stale, f"PAGES names pages that are gone: {stale}"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_page_answers_as_the_table_and_the_scope_say(walk: Walk, name: str) -> None:
    callback = PAGE_NAMES[name]
    page = PAGES[name]
    problems = check_page_map(name, page, callback)
    if not problems:
        for case in (page, *page.cases):
            problems += walk_page(walk, name, case, drf=is_drf(callback))
    assert not problems, "\n".join(problems)


def test_there_is_no_admin_site(walk: Walk) -> None:
    """三员分立 leaves no superuser and no Django admin: accounts are kept on the three
    administrators' pages (walked above), and /admin/ is not an address at all."""
    assert not [name for name, _callback in url_names() if name.startswith("admin:")]
    for name in ("sysadmin", "secadmin", "auditadmin", "anonymous"):
        response = walk.request(walk.personas[name], "GET", "/admin/")
        assert response.status_code == 404, (name, response.status_code)


# The API, from its OpenAPI schema


SCHEMA = schema_operations()


def test_every_operation_of_the_schema_is_in_the_walks_map() -> None:
    missing = sorted(set(SCHEMA) - set(OPERATIONS))
    stale = sorted(set(OPERATIONS) - set(SCHEMA))
    assert not missing, (
        f"API operations the walk does not know: {missing}. Add each to OPERATIONS in "
        "core/tests/authz/operations.py with the POLICY actions it needs and the record it "
        "is about (docs/development/testing.md, 'The authorisation walk')."
    )
    assert not stale, f"OPERATIONS names operations that are gone: {stale}"


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_every_api_operation_answers_as_the_table_and_the_scope_say(
    walk: Walk, operation_id: str
) -> None:
    operation = OPERATIONS[operation_id]
    check_needs(operation.needs)
    method, path = SCHEMA[operation_id]
    problems = walk_operation(walk, operation_id, operation, method, path)
    assert not problems, "\n".join(problems)


# What a write answers: no existence leak in its messages


REQUESTS = request_serializers()
REFERRING = sorted(
    operation_id
    for operation_id, (_method, _path, serializer) in REQUESTS.items()
    if (
        operation_id not in EVERY_RECORD
        and any(scoped(r.model) for r in references(operation_id, serializer))
    )
    or unique_fields(serializer)
)


@pytest.mark.parametrize("operation_id", REFERRING)
def test_a_write_naming_a_record_outside_the_scope_is_answered_as_for_none(
    walk: Walk, operation_id: str
) -> None:
    """A reference (a zone, an enterprise, an officer…) outside the scope gets the answer of an id
    that does not exist, and a unique value another zone holds (a USCC) is refused without
    naming that record or its zone."""
    method, path, serializer = REQUESTS[operation_id]
    operation = OPERATIONS[operation_id]
    persona, kwargs = writer(walk, operation.needs, operation.about)
    url = path_of(path, kwargs)
    problems = []
    for reference in references(operation_id, serializer):
        if not scoped(reference.model) or operation_id in EVERY_RECORD:
            continue
        other = foreign(persona.user, reference.model)
        if other is None:
            continue  # everything of the kind is in the persona's sight
        value = getattr(other, reference.slug)
        gone = MISSING if reference.slug == "pk" else "999999"
        seen = send(walk, persona, method, url, reference.body(value))
        none = send(walk, persona, method, url, reference.body(gone))
        what = f"{method} {url} as {persona.name}, {reference.name}"
        if seen.status_code < 300:
            problems.append(f"{what}: a {reference.model.__name__} outside the scope was taken")
        elif (seen.status_code, normalised(reference.error(seen.json()), value)) != (
            none.status_code,
            normalised(reference.error(none.json()), gone),
        ):
            problems.append(
                f"{what}: {seen.status_code} {reference.error(seen.json())} for a record "
                f"outside the scope, {none.status_code} {reference.error(none.json())} for none"
            )
    for name, model in unique_fields(serializer):
        other = foreign(persona.user, model)
        if other is None:
            continue
        answer = send(walk, persona, method, url, {name: getattr(other, name)})
        told = answer.content.decode()
        for text in names_of(other):
            if text in told:
                problems.append(
                    f"{method} {url} as {persona.name}: {name} of a record outside the scope "
                    f"answered with its name or zone {text!r}: {told[:300]}"
                )
    assert not problems, "\n".join(problems)


FORM_PAGES = sorted(
    name
    for name, page in PAGES.items()
    if page.write is not None
    and name.endswith(("-create", "-edit"))
    # A registry's form view (an account's creation form names no record to choose).
    and getattr(view_class(PAGE_NAMES[name]), "form_class", None) is not None
)


@pytest.mark.parametrize("name", FORM_PAGES)
def test_a_form_offers_and_takes_only_records_of_the_scope(walk: Walk, name: str) -> None:
    """A form's choices (zone, park, enterprise, officer…) are of the user's scope, and a record
    outside it is refused with the words used for one that does not exist."""
    page = PAGES[name]
    callback = PAGE_NAMES[name]
    view = view_class(callback)(**getattr(callback, "view_initkwargs", {}))
    persona, kwargs = writer(walk, page.write or (), page.about)
    instance = page.about.model._default_manager.get(pk=kwargs["pk"]) if page.about else None
    problems = []

    def form(data: dict[str, Any] | None) -> Any:
        extra = {"instance": instance} if instance is not None else {}
        return view.form_class(data=data, user=persona.user, **extra)

    for field_name, field in form_choice_fields(form(None)):
        assert field.queryset is not None
        model = field.queryset.model
        if not scoped(model):
            continue
        offered = set(field.queryset.values_list("pk", flat=True))
        outside = offered - set(seen_by(persona.user, model).values_list("pk", flat=True))
        if outside:
            problems.append(f"{name} as {persona.name}: {field_name} offers {sorted(outside)[:5]}")
        other = foreign(persona.user, model)
        if other is None:
            continue
        seen = form({field_name: str(other.pk)}).errors.get(field_name)
        none = form({field_name: str(MISSING)}).errors.get(field_name)
        if normalised(seen, other.pk) != normalised(none, MISSING):
            problems.append(
                f"{name} as {persona.name}: {field_name} answers {seen} for a record outside "
                f"the scope, {none} for none"
            )
    assert not problems, "\n".join(problems)
