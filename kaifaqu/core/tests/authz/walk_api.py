"""Walking one operation of the OpenAPI schema: every persona, every record; the problems."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from drf_spectacular.generators import SchemaGenerator

from kaifaqu.core.tests.authz.operations import Operation
from kaifaqu.core.tests.authz.pages import Page
from kaifaqu.core.tests.authz.rules import MISSING, About, expected
from kaifaqu.core.tests.authz.walk_pages import SUCCESS, leaks, unchanged
from kaifaqu.core.tests.authz.walker import (
    WRITTEN,
    Answer,
    Persona,
    Walk,
    denials,
    foreign_zone,
    snapshot,
)
from kaifaqu.geo.models import Zone


def schema_operations() -> dict[str, tuple[str, str]]:
    """operation id → (method, path) of every operation of the schema /api/schema/ serves."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        operation["operationId"]: (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }


SCHEMA = schema_operations()


def walk_operation(
    walk: Walk, operation_id: str, operation: Operation, method: str, path: str
) -> list[str]:
    safe = method == "GET"
    success = operation.success or (frozenset({200}) if safe else WRITTEN)
    page = Page(about=operation.about, zone_param=operation.zone_param)
    plans: list[tuple[Persona, str, str, set[int], dict[str, str]]] = []
    for persona in walk.walkers(page, operation.needs):
        query = dict(operation.query)
        if operation.zone_param and persona.signed_in:
            own = Zone.objects.for_user(persona.user).order_by("name").first()
            if own is not None:
                query["zone"] = str(own.pk)
        for target in walk.targets(persona, operation.about, dict(operation.args)):
            url = path_of(path, target.kwargs)
            if persona.signed_in:
                allowed = expected(
                    persona.user,
                    operation.needs,
                    in_scope=target.in_scope,
                    success=success,
                    outside=operation.about.refusal(target.label) if operation.about else 404,
                )
            else:
                allowed = {401, 403}
            plans.append((persona, target.label, url, allowed, query))
            if operation.zone_param and persona.signed_in and allowed & success:
                other = foreign_zone(persona)
                for label, zone in (("zone missing", MISSING), ("zone foreign", other)):
                    if zone is not None:
                        zoned = {**query, "zone": str(getattr(zone, "pk", zone))}
                        plans.append((persona, label, url, allowed | {400, 404}, zoned))
    plans.sort(key=lambda plan: bool(plan[3] & SUCCESS))  # refusals first
    before, denied_before = snapshot(), denials()
    answers: list[Answer] = []
    problems: list[str] = []
    checked = safe
    for persona, label, url, allowed, query in plans:
        refused = not allowed & SUCCESS
        if not checked and not refused:
            problems += unchanged(operation_id, before, denied_before, answers)
            checked = True
        with transaction.atomic():
            response = walk.api(persona, method, url, query)
            if not refused:
                transaction.set_rollback(True)
        error = f" — {response.exc_info[1]!r}" if getattr(response, "exc_info", None) else ""
        answer = Answer(persona.name, method, label, url, response.status_code, allowed, error)
        if response.status_code >= 400 and response.get("Content-Type", "").startswith(
            "application/json"
        ):
            # The ids it repeats (the one asked for) aside.
            answer.said = re.sub(r"\d+", "<id>", response.content.decode())
        answers.append(answer)
        if operation.lists is not None and response.status_code == 200 and persona.signed_in:
            problems += _rows_in_scope(persona, operation.lists, response, answer)
    if not checked:
        problems += unchanged(operation_id, before, denied_before, answers)
    problems += [str(a) for a in answers if a.status not in a.allowed]
    if operation.about is None or operation.about.outside == 404:  # else: no secret to leak
        for persona in walk.walkers(page, operation.needs):
            problems += leaks([a for a in answers if a.persona == persona.name])
    return problems


def path_of(path: str, kwargs: dict[str, Any]) -> str:
    values = {"id": kwargs.get("pk", ""), **{k: v for k, v in kwargs.items() if k != "pk"}}
    try:
        return path.format(**values)
    except KeyError as missing:
        raise AssertionError(
            f"{path} names {missing}: give its entry in core/tests/authz/operations.py "
            "`about=` (the record) or `args=` (a fixed value)"
        ) from None


def _rows_in_scope(persona: Persona, about: About, response: Any, answer: Answer) -> list[str]:
    """A list shows only rows of the user's scope (its first page, by id)."""
    body = response.json()
    rows = body["results"] if isinstance(body, dict) and "results" in body else body
    ids = {row["id"] for row in rows if isinstance(row, dict) and "id" in row}
    seen = set(about.seen_by(persona.user).filter(pk__in=ids).values_list("pk", flat=True))
    if ids - seen:
        return [f"{answer}: rows outside the scope: {sorted(ids - seen)[:5]}"]
    return []
