"""Walking one page: every persona, every record, every method; the problems found."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import resolve, reverse

from kaifaqu.core.imports.background import JOB_LABEL
from kaifaqu.core.models import JobProgress
from kaifaqu.core.tests.authz.pages import Page
from kaifaqu.core.tests.authz.rules import MISSING, About, Need, expected
from kaifaqu.core.tests.authz.walker import (
    WRITTEN,
    Answer,
    Persona,
    Walk,
    denials,
    foreign_zone,
    login_redirect,
    snapshot,
)
from kaifaqu.geo.models import Zone


@dataclass
class Planned:
    """A request of the walk, with the statuses it may get."""

    persona: Persona
    method: str
    label: str
    url: str
    allowed: set[int]
    query: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] | None = None
    htmx: str | None = None
    fresh: bool = False
    # A signed-out visitor of a page is sent to sign in, nowhere else.
    to_login: bool = False

    @property
    def refused(self) -> bool:
        return not self.allowed & SUCCESS

    def run(self, walk: Walk) -> Answer:
        # What an allowed request writes is undone at once: the next persona finds the world
        # as it was (a removed document, an accepted return).
        with transaction.atomic():
            response = walk.request(
                self.persona,
                self.method,
                self.url,
                query=self.query,
                data=self.data,
                htmx=self.htmx,
                fresh=self.fresh,
            )
            if not self.refused:
                transaction.set_rollback(True)
        allowed = self.allowed
        if self.to_login and not login_redirect(response):
            allowed = set()
        label = f"{self.label} htmx {self.htmx}" if self.htmx else self.label
        return Answer(
            self.persona.name, self.method, label, self.url, response.status_code, allowed
        )


SUCCESS = {200, 201, 204}


def walk_page(walk: Walk, name: str, page: Page, *, drf: bool) -> list[str]:
    problems: list[str] = []
    for method, needs in (("GET", page.read), ("POST", page.write)):
        if needs is None:
            continue
        plans = [
            p
            for persona in walk.walkers(page)
            for p in plan(walk, persona, name, page, method, needs, drf=drf)
        ]
        # Refusals first: until someone allowed writes, every table must stay as it was.
        plans.sort(key=lambda p: not p.refused)
        before, denied_before = snapshot(), denials()
        answers: list[Answer] = []
        checked = method == "GET"
        for planned in plans:
            if not checked and not planned.refused:
                problems += unchanged(name, before, denied_before, answers)
                checked = True
            answers.append(planned.run(walk))
        if not checked:
            problems += unchanged(name, before, denied_before, answers)
        problems += [str(a) for a in answers if a.status not in a.allowed]
        for persona in walk.walkers(page, needs):
            problems += leaks([a for a in answers if a.persona == persona.name])
    return problems


def unchanged(
    name: str, before: dict[str, Any], denied_before: int, answers: list[Answer]
) -> list[str]:
    """Refused writes changed no table, and each 403 is in the access log."""
    problems = []
    after = snapshot()
    changed = sorted(k for k in after if after[k] != before.get(k))
    if changed:
        problems.append(f"POST {name}: refused requests changed {changed}")
    refusals = sum(1 for a in answers if a.status == 403)
    logged = denials() - denied_before
    if logged < refusals:
        problems.append(f"POST {name}: {refusals} refusals (403), {logged} in the access log")
    return problems


def plan(
    walk: Walk,
    persona: Persona,
    name: str,
    page: Page,
    method: str,
    needs: tuple[Need, ...],
    *,
    drf: bool,
) -> list[Planned]:
    plans = []
    success = page.success if method == "GET" else WRITTEN
    fresh = name == "accounts:logout"  # signs the client out
    data = None
    if method == "POST":
        data = dict(page.data(persona.user) if callable(page.data) else page.data)
    query = dict(page.query)
    if page.zone_param and persona.signed_in:
        own = Zone.objects.for_user(persona.user).order_by("name").first()
        if own is not None:
            query["zone"] = str(own.pk)
    about = page.write_about if method == "POST" and page.write_about else page.about
    for target in walk.targets(persona, about, dict(page.args)):
        url = reverse(name, kwargs=target.kwargs or None)
        sent = {**(data or {}), **target.body} if method == "POST" else None
        to_login = False
        if persona.signed_in:
            allowed = expected(persona.user, needs, in_scope=target.in_scope, success=success)
        elif page.public:
            allowed = {200, 302}
        else:
            allowed, to_login = ({401, 403}, False) if drf else ({302}, True)
        for hx in (None, *(page.htmx or ())):
            plans.append(
                Planned(
                    persona, method, target.label, url, allowed, query, sent, hx, fresh, to_login
                )
            )
            if not persona.signed_in or not allowed & success:
                break  # refused before anything the page chooses: its variants are refused too
        if not persona.signed_in or not allowed & success:
            continue
        if page.zone_param:
            plans += _zone_params(persona, method, url, dict(page.query), sent, allowed)
        if page.jobs and method == "GET":
            plans += _jobs(walk, persona, url, needs)
    if method == "GET" and persona.signed_in:
        for label, variant in page.variants.items():
            url = reverse(name, kwargs=dict(page.args) or None)
            allowed = expected(persona.user, variant.read, in_scope=None, success=page.success)
            plans.append(Planned(persona, method, label, url, allowed, query=dict(variant.query)))
    return plans


def _zone_params(
    persona: Persona,
    method: str,
    url: str,
    query: dict[str, str],
    data: dict[str, Any] | None,
    allowed: set[int],
) -> list[Planned]:
    """`?zone=` naming another zone is answered as `?zone=` naming none that exists."""
    other = foreign_zone(persona)
    plans = []
    for label, zone in (("zone missing", MISSING), ("zone foreign", other.pk if other else None)):
        if zone is not None:
            zoned = {**query, "zone": str(zone)}
            plans.append(Planned(persona, method, label, url, allowed | {404}, zoned, data))
    return plans


def _jobs(walk: Walk, persona: Persona, url: str, needs: tuple[Need, ...]) -> list[Planned]:
    """A background import's page (and its htmx partial) is its starter's only."""
    kind = resolve(url).func.view_initkwargs["kind"]  # type: ignore[attr-defined]
    about = About(
        JobProgress,
        kwargs=lambda job: {"job": job.task_id},
        key="job",
        where={"label": JOB_LABEL.format(kind=kind)},
        visible=lambda user: JobProgress.objects.filter(user=user),
    )
    plans = []
    for target in walk.targets(persona, about, {}):
        allowed = expected(persona.user, needs, in_scope=target.in_scope, success=frozenset({200}))
        for extra in ({}, {"partial": "1"}):
            query = {"job": str(target.kwargs["job"]), **extra}
            label = f"job {target.label}" + (" partial" if extra else "")
            plans.append(Planned(persona, "GET", label, url, allowed, query))
    return plans


def leaks(answers: list[Answer]) -> list[str]:
    """A record outside the scope must be answered as one that does not exist."""
    found = []
    by_target = {(a.method, a.target): a for a in answers}
    for (method, target), answer in by_target.items():
        if "foreign" not in target:
            continue
        missing = by_target.get((method, target.replace("foreign", "missing", 1)))
        if missing is not None and missing.status != answer.status:
            found.append(
                f"existence leak: {answer} but {missing.status} for an id that does not exist"
            )
        elif missing is not None and missing.said != answer.said:
            found.append(
                f"existence leak: {answer} said {answer.said!r}, but {missing.said!r} for an id "
                "that does not exist"
            )
    return found
