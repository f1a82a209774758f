"""The walk itself: request an address as each persona, for a record in and out of its scope and
for one that does not exist, and compare each answer with what the map and POLICY allow."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from auditlog.models import LogEntry
from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Max
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient
from rest_framework.views import APIView

from kaifaqu.accounts.models import AccessEvent, AccessEventKind
from kaifaqu.accounts.tokens.services import api_token_issue
from kaifaqu.core.models import JobProgress
from kaifaqu.core.tests.authz.pages import Page
from kaifaqu.core.tests.authz.rules import (
    About,
    Need,
    check_needs,
    refusals,
)
from kaifaqu.core.tests.authz.world import AWAY, HOME, Persona
from kaifaqu.geo.models import Zone

# A POST by someone who may: whatever the form says of empty input, never a refusal or a crash.
WRITTEN = frozenset({200, 201, 204, 302, 400})
HANDLERS = ("get", "post", "put", "patch", "delete")
# Personas of a page walked `sampled`: one who sees a province, one who sees no business data
# (an administrator of 三员分立), one who sees one enterprise.
SAMPLE = ("shanxi", "auditadmin", "lvjing")


def url_names(
    resolver: URLResolver | None = None, namespace: str | None = None
) -> Iterator[tuple[str, Any]]:
    """(name, view) of every named pattern of the URL conf, namespaces joined by colons."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            yield from url_names(
                pattern, f"{namespace}:{inner}" if namespace and inner else inner or namespace
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, pattern.callback


def view_class(callback: Any) -> Any:
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


def served_methods(callback: Any) -> set[str] | None:
    """The methods a class-based view answers (None: a function view, which the map declares)."""
    cls = view_class(callback)
    if cls is None:
        return None
    allowed = set(getattr(cls, "http_method_names", HANDLERS))
    # Pages are walked by GET and POST (a form view's PUT is its POST).
    return {m.upper() for m in ("get", "post") if m in allowed and hasattr(cls, m)}


def speaks_htmx(callback: Any) -> bool:
    """Whether the view's own code (the project's classes it is made of) looks at htmx."""
    cls = view_class(callback)
    if cls is None:
        return False
    for klass in cls.__mro__:
        if klass.__module__.startswith("kaifaqu.") and "htmx" in _source(klass):
            return True
    return False


def _source(klass: type) -> str:
    try:
        return inspect.getsource(klass)
    except (OSError, TypeError):
        return ""


def snapshot() -> dict[str, tuple[Any, ...]]:
    """Rows, the highest id and the latest change of every table a request could write, and
    the data-change log: a refused request must leave all of them as they were."""
    state: dict[str, tuple[Any, ...]] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("kaifaqu.") or not model._meta.managed:
            continue
        if model in (AccessEvent, JobProgress) or model._meta.proxy:
            continue
        aggregates: dict[str, Any] = {"n": models.Count("pk"), "top": Max("pk")}
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            aggregates["changed"] = Max("updated_at")
        row = model._default_manager.aggregate(**aggregates)
        state[model._meta.label] = tuple(row.values())
    state["auditlog.LogEntry"] = (LogEntry.objects.count(),)
    return state


def denials() -> int:
    return AccessEvent.objects.filter(kind=AccessEventKind.DENIED).count()


@dataclass
class Answer:
    persona: str
    method: str
    target: str
    url: str
    status: int
    allowed: set[int]
    error: str = ""
    # What a refusal of the API said (compared between a foreign record and a missing one).
    said: str | None = None

    def __str__(self) -> str:
        return (
            f"{self.method} {self.url} as {self.persona} ({self.target}): {self.status}, "
            f"expected {sorted(self.allowed)}{self.error}"
        )


@dataclass
class Target:
    """One address of an endpoint: a record in the persona's scope, one outside, or none."""

    label: str  # own, foreign, missing, or "" when the address names no record
    kwargs: dict[str, Any]
    in_scope: bool | None
    # The record's id in the form sent, when the form names it (About.body).
    body: dict[str, str] = field(default_factory=dict)


@dataclass
class Walk:
    personas: dict[str, Persona]
    clients: dict[str, Client] = field(default_factory=dict)
    api_clients: dict[str, APIClient] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, persona in self.personas.items():
            client = Client(raise_request_exception=False)
            api_client = APIClient(raise_request_exception=False)
            if persona.signed_in:
                client.force_login(persona.user)
                # As a script would call: with a token of the user's own.
                issued = api_token_issue(user=persona.user, purpose="authorisation walk")
                api_client.credentials(HTTP_AUTHORIZATION=f"Token {issued.secret}")
            self.clients[name] = client
            self.api_clients[name] = api_client

    # Which personas and which records

    def walkers(self, page: Page, needs: tuple[Need, ...] = ()) -> list[Persona]:
        """Every home persona; away personas where a record or a zone is named (to them, every
        record of the demo zone is another zone's), one for each way the needs can turn out
        and each level of scope (two zone administrators away would repeat each other)."""
        if page.sampled:
            return [self.personas[name] for name in (*SAMPLE, "anonymous")]
        chosen = [self.personas[name] for name in [*HOME, "anonymous"]]
        if page.about is not None or page.write_about is not None or page.zone_param:
            kinds = set()
            for name in AWAY:
                persona = self.personas[name]
                kind = (frozenset(refusals(persona.user, needs)), persona.user.scope.level)
                if kind not in kinds:
                    kinds.add(kind)
                    chosen.append(persona)
        return chosen

    def targets(self, persona: Persona, about: About | None, args: dict[str, Any]) -> list[Target]:
        if about is None:
            return [Target("", dict(args), None)]
        candidates = about.candidates()
        first = candidates.first()
        assert first is not None, (
            f"the walk's world has no {about.model._meta.label} fitting {dict(about.where)}: "
            "add one in core/tests/authz/world.py"
        )

        def target(label: str, record: Any, in_scope: bool | None, *, gone: bool = False) -> Target:
            if about.body:
                pk = about.missing if gone else record.pk
                return Target(label, dict(args), in_scope, {about.body: str(pk)})
            kwargs = about.args(record)
            return Target(label, {**kwargs, about.key: about.missing} if gone else kwargs, in_scope)

        if not persona.signed_in:
            return [target("any", first, None)]
        seen = about.seen_by(persona.user).values("pk")
        own = candidates.filter(pk__in=seen).first()
        foreign = candidates.exclude(pk__in=seen).first()
        found = []
        if own is not None:
            found.append(target("own", own, True))
        if foreign is not None:
            # A record outside the scope, and one that does not exist, to compare the answers.
            found.append(target("foreign", foreign, False))
            found.append(target("missing", first, False, gone=True))
        return found

    # Requests

    def request(
        self,
        persona: Persona,
        method: str,
        url: str,
        *,
        query: dict[str, str] | None = None,
        data: dict[str, Any] | None = None,
        htmx: str | None = None,
        fresh: bool = False,
    ) -> Any:
        client = self.clients[persona.name]
        if fresh:
            client = Client(raise_request_exception=False)
            if persona.signed_in:
                client.force_login(persona.user)
        headers = {"HX-Request": "true", "HX-Target": htmx} if htmx else {}
        if method == "GET":
            return client.get(url, query or {}, headers=headers)
        address = f"{url}?{_encode(query)}" if query else url
        return client.post(address, data or {}, headers=headers)

    def api(self, persona: Persona, method: str, url: str, query: dict[str, str]) -> Any:
        client = self.api_clients[persona.name]
        if method == "GET":
            return client.get(url, query)
        address = f"{url}?{_encode(query)}" if query else url
        return getattr(client, method.lower())(address, {})


def _encode(query: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(query)


def login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        resolve_url(settings.LOGIN_URL)
    )


def is_drf(callback: Any) -> bool:
    cls = view_class(callback)
    return isinstance(cls, type) and issubclass(cls, APIView)


def check_page_map(name: str, page: Page, callback: Any) -> list[str]:
    """What is wrong with the map's entry for this page, for the developer to fix."""
    problems = []
    for needs in (page.read, page.write):
        check_needs(needs or ())
    served = served_methods(callback)
    if served is not None:
        declared = {
            m for m, needs in (("GET", page.read), ("POST", page.write)) if needs is not None
        }
        for method in sorted(served - declared):
            what = "read" if method == "GET" else "write"
            problems.append(
                f"{name} answers {method} but its entry in core/tests/authz/pages.py has no "
                f"`{what}=`: add the POLICY actions {method} needs (or () for none)."
            )
        for method in sorted(declared - served):
            problems.append(f"{name} does not answer {method}: drop it from its entry.")
    if page.htmx is None and speaks_htmx(callback):
        problems.append(
            f"{name}'s view answers htmx requests: give its entry `htmx=(…)`, the HX-Target "
            "values it answers with a partial (or () if it only redirects)."
        )
    return problems


def foreign_zone(persona: Persona) -> Zone | None:
    return Zone.objects.exclude(pk__in=Zone.objects.for_user(persona.user).values("pk")).first()


def needs_text(needs: tuple[Need, ...]) -> str:
    return ", ".join(n if isinstance(n, str) else n.name for n in needs) or "nothing"
