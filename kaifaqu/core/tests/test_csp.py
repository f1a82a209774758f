"""The Content-Security-Policy (issue 15, item 6): enforced and strict on every response, and no
template carries code the policy would refuse (inline scripts, event-handler attributes, htmx
attributes that eval, inline styles), so that a new one fails here before a browser refuses it.
The pages themselves are loaded in Chromium by test_csp_browser.py."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kaifaqu.conftest import Personas, World

PACKAGE = Path(settings.PACKAGE_DIR)
STRICT = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}


def policy(response: object) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]  # type: ignore[index]
    directives: dict[str, set[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


@pytest.mark.django_db
def test_every_kind_of_response_carries_the_strict_policy(
    client: Client, world: World, personas: Personas
) -> None:
    anonymous = [
        reverse("accounts:login"),
        "/no-such-page/",  # 404
        reverse("dashboard:home"),  # redirect to the login
        "/static/kaifaqu/kaifaqu.js",
        reverse("api-docs"),
    ]
    responses = [client.get(url) for url in anonymous]
    client.force_login(personas.zone_admin)
    signed_in = [
        reverse("dashboard:home"),
        reverse("enterprises:enterprise-list"),
        world.ent_a1.get_absolute_url(),
        world.ent_b.get_absolute_url(),  # another zone's: 404
        reverse("api-docs"),
        reverse("api-docs") + "?script=",
        "/api/enterprises/",
    ]
    responses += [client.get(url) for url in signed_in]
    # Redoc is not served: its library needs inline styles (one policy for every page).
    responses.append(client.get("/api/redoc/"))
    responses.append(client.post(reverse("accounts:logout")))
    assert {r.status_code for r in responses} >= {200, 302, 404}
    for response in responses:
        found = policy(response)
        assert found == STRICT, response
        assert "Content-Security-Policy-Report-Only" not in response


def test_the_policy_never_allows_inline_code_or_eval() -> None:
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for name, sources in directives.items():
        for source in sources:
            assert "unsafe" not in source, (name, source)
            assert source != "*" and not source.startswith(("http:", "https:")), (name, source)


@pytest.mark.django_db
def test_htmx_is_configured_to_run_without_eval_or_inline_styles(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    page = client.get(reverse("dashboard:home")).content.decode()
    meta = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', page)
    assert meta is not None
    assert '"allowEval": false' in meta.group(1)
    assert '"includeIndicatorStyles": false' in meta.group(1)
    assert '"allowScriptTags": false' in meta.group(1)


# The scan of every template ----------------------------------------------------------------

TEMPLATE_CODE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)
COMMENT_BLOCK = re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.DOTALL)
TAG = re.compile(r"<([a-zA-Z][\w-]*)(\s[^<>]*)?>", re.DOTALL)
ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def refusals(source: str) -> list[str]:
    """What in a template the policy would refuse (or that needs htmx's eval)."""
    text = COMMENT_BLOCK.sub(" ", source)
    text = TEMPLATE_CODE.sub(" ", text)
    found = []
    for match in TAG.finditer(text):
        name, attributes = match.group(1).lower(), match.group(2) or ""
        attrs = {
            key.lower(): (value or "").strip("\"'") for key, value in ATTRIBUTE.findall(attributes)
        }
        if name == "script" and "src" not in attrs and attrs.get("type") not in DATA_SCRIPT_TYPES:
            found.append(f"inline <script>: {match.group(0)[:80]}")
        if name == "script" and "src" in attrs:
            body = text[match.end() : text.find("</script>", match.end())]
            if body.strip():
                found.append(f"code inside <script src>: {body.strip()[:80]}")
        if name == "style":
            found.append("inline <style>")
        for key, value in attrs.items():
            if re.fullmatch(r"on[a-z]+", key):
                found.append(f"event handler {key}= on <{name}>")
            elif re.fullmatch(r"(data-)?hx-on.*", key):
                found.append(f"{key} (htmx evaluates it) on <{name}>")
            elif key in {"hx-vars", "data-hx-vars"}:
                found.append(f"{key} (always evaluated) on <{name}>")
            elif key in {"hx-vals", "data-hx-vals"} and value.lstrip().startswith(
                ("js:", "javascript:")
            ):
                found.append(f"{key}=js: (evaluated) on <{name}>")
            elif key == "style":
                found.append(f"style= attribute on <{name}>")
            elif value.strip().lower().startswith("javascript:"):
                found.append(f"javascript: URL in {key}= on <{name}>")
    return found


def templates() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("templates/**/*.html") if "static" not in p.parts)


def test_the_scan_finds_what_the_policy_refuses() -> None:
    bad = """{% load static %}<script>alert(1)</script>
    <a href="javascript:void(0)" onclick="go()">x</a><select onchange="this.form.submit()">
    <input hx-on:change="x()" hx-vals='js:{"q": 1}' hx-vars="a:1"><div style="width: 3px">
    <style>p {}</style><script src="{% static 'a.js' %}">inline()</script>"""
    found = " | ".join(refusals(bad))
    for expected in [
        "inline <script>",
        "javascript: URL",
        "event handler onclick",
        "event handler onchange",
        "hx-on:change",
        "hx-vals=js:",
        "hx-vars",
        "style= attribute",
        "inline <style>",
        "code inside <script src>",
    ]:
        assert expected in found, expected
    good = """{{ chart|json_script:"kfq-chart" }}<script src="{% static 'kaifaqu/kaifaqu.js' %}"></script>
    <script type="application/json" id="x">{"a": 1}</script>{# onclick="no" #}
    <select data-kfq-autosubmit hx-vals='{"a": 1}'>{% if a > b %}<b>{% endif %}"""
    assert refusals(good) == []


def test_no_template_has_code_the_policy_would_refuse() -> None:
    found = {
        str(path.relative_to(PACKAGE)): problems
        for path in templates()
        if (problems := refusals(path.read_text(encoding="utf-8")))
    }
    assert len(templates()) > 50
    assert found == {}


def test_no_python_module_writes_inline_code_into_html() -> None:
    pattern = re.compile(
        r"<script>|<script\s+(?![^>]*\bsrc=)[^>]*>|\son(click|change|submit|load|input)="
    )
    found = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
