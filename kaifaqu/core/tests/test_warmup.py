"""`kfq serve` prepares in gunicorn's master what each worker did at its first requests
(core/warmup.py): every template compiled, the URL configuration resolved in each language.
Without it the first page of each worker took 0.3–0.6 s more (the month's page: p95 665 ms
against a p50 of 70 ms for one user, issue 14)."""

from __future__ import annotations

from django.conf import settings
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader
from django.urls import get_resolver
from django.utils import translation

from kaifaqu.core.warmup import warm_up


def _cached_templates() -> set[str]:
    engine = engines["django"].engine  # type: ignore[attr-defined]
    names: set[str] = set()
    for loader in engine.template_loaders:
        if isinstance(loader, CachedLoader):
            names |= {key.split("-")[0] for key in loader.get_template_cache}
    return names


def test_warm_up_compiles_the_platforms_templates_and_resolves_every_language() -> None:
    for loader in engines["django"].engine.template_loaders:  # type: ignore[attr-defined]
        loader.reset()
    resolver = get_resolver()
    resolver._reverse_dict.clear()
    compiled = warm_up()
    cached = _cached_templates()
    # The month's page and the base every page extends, among some hundred.
    assert {"returns/month_detail.html", "returns/_month_body.html", "base.html"} <= cached
    assert compiled >= 100
    languages = {code for code, _name in settings.LANGUAGES}
    assert languages <= set(resolver._reverse_dict)
    with translation.override("en"):
        assert resolver.reverse_dict is resolver._reverse_dict["en"]
