"""What a server process would otherwise do at its first requests, done once before it forks.

`kfq serve` loads the application in gunicorn's master (`preload_app`) and forks its workers from
it. Each worker then compiled every template it rendered, resolved the URL configuration
(importing every view, once per language) and read both languages' translations at its first
requests: 0.3–0.6 s
more on each of the first pages of each of its five workers, so that right after a start (or
gunicorn's replacement of a worker) one page in eight took ten times the others (the month's page:
p50 70 ms, p95 665 ms, one user, issue 14). Done in the master, the workers inherit the result.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.template.backends.django import DjangoTemplates
from django.urls import get_resolver
from django.utils import translation


def warm_up() -> int:
    """Resolve the URL configuration, load every language's translations and compile every
    template of the project and its apps; give the number of templates compiled."""
    resolver = get_resolver()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Statistics")
            # Populated per language at its first reverse(): 0.2 s (every view imported, every
            # pattern's regex normalised).
            resolver.reverse_dict  # noqa: B018
    return sum(_compile_templates(engine) for engine in engines.all())


def _compile_templates(engine: object) -> int:
    """Load every template the engine finds (its cached loader keeps each compiled)."""
    if not isinstance(engine, DjangoTemplates):
        return 0
    compiled = 0
    for directory in engine.template_dirs:
        root = Path(directory)
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix not in {".html", ".txt", ".xml"} or not path.is_file():
                continue
            try:
                engine.get_template(path.relative_to(root).as_posix())
            except (TemplateDoesNotExist, TemplateSyntaxError, UnicodeDecodeError):
                # A template of a library the project does not use (a missing tag library):
                # it is never rendered here, so it is never compiled either.
                continue
            compiled += 1
    return compiled
