"""The platform runs without internet: vendored files are the ones recorded, and nothing loads remotely."""

import hashlib
import json
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
VENDOR = PACKAGE / "static" / "vendor"
MANIFEST = VENDOR / "MANIFEST.json"
NOT_VENDORED = {"MANIFEST.json", "README.md"}

# Tags that make the browser fetch something, with the attribute holding the address.
_LOADING_ATTRIBUTE = re.compile(
    r"<(?:script|link|img|source|video|audio|iframe|embed|track|input|image|use)\b[^>]*?"
    r"\b(?:src|href|srcset|poster|data|xlink:href)\s*=\s*['\"]?\s*(?:https?:)?//",
    re.IGNORECASE | re.DOTALL,
)
_OBJECT_DATA = re.compile(r"<object\b[^>]*?\bdata\s*=\s*['\"]?\s*(?:https?:)?//", re.I | re.S)
# url(...) and @import in stylesheets, <style> blocks and style attributes.
_CSS_REMOTE = re.compile(
    r"(?:url\(\s*['\"]?\s*(?:https?:)?//)|(?:@import\s+['\"]\s*(?:https?:)?//)", re.IGNORECASE
)


def remote_references(text: str) -> list[str]:
    found = [m.group(0) for m in _LOADING_ATTRIBUTE.finditer(text)]
    found += [m.group(0) for m in _OBJECT_DATA.finditer(text)]
    found += [m.group(0) for m in _CSS_REMOTE.finditer(text)]
    return found


def _manifest() -> dict:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def _listed_files() -> dict[str, str]:
    return {
        path: digest
        for library in _manifest()["libraries"]
        for path, digest in library["files"].items()
    }


def test_every_vendored_file_matches_its_recorded_checksum() -> None:
    listed = _listed_files()
    assert listed, "the manifest lists no file"
    mismatched = {
        path: digest
        for path, digest in listed.items()
        if not (VENDOR / path).is_file()
        or hashlib.sha256((VENDOR / path).read_bytes()).hexdigest() != digest
    }
    assert mismatched == {}, "changed or missing vendored files; re-run scripts/vendor-frontend"


def test_no_file_in_the_vendor_directory_is_left_out_of_the_manifest() -> None:
    present = {
        p.relative_to(VENDOR).as_posix()
        for p in VENDOR.rglob("*")
        if p.is_file() and p.relative_to(VENDOR).as_posix() not in NOT_VENDORED
    }
    assert present - set(_listed_files()) == set()


@pytest.mark.parametrize("name", ["tabler", "htmx", "echarts", "leaflet"])
def test_each_library_records_its_version_licence_and_source_and_ships_its_licence(
    name: str,
) -> None:
    library = next(lib for lib in _manifest()["libraries"] if lib["name"] == name)
    assert re.fullmatch(r"\d+\.\d+\.\d+", library["version"])
    assert library["license"]
    assert library["source"] == f"npm:{library['package']}@{library['version']}"
    assert f"{name}/LICENSE" in library["files"]


def test_the_pinned_major_versions_are_the_ones_the_pages_are_written_for() -> None:
    versions = {lib["name"]: lib["version"] for lib in _manifest()["libraries"]}
    assert versions["tabler"].startswith("1.")
    assert versions["htmx"].startswith("2.")
    assert versions["echarts"].split(".")[0] in {"5", "6"}
    assert versions["leaflet"].startswith("1.9.")


def test_the_detector_finds_remote_scripts_stylesheets_fonts_and_images() -> None:
    # Guards the two scans below against a pattern that silently matches nothing.
    samples = [
        '<script src="https://cdn.example.com/htmx.js"></script>',
        "<link rel=stylesheet href='//fonts.example.com/css?family=Inter'>",
        '<img class="logo" src="http://example.com/logo.png">',
        "@font-face{src:url(https://fonts.example.com/a.woff2)}",
        '@import url("https://fonts.googleapis.com/css2?family=Inter");',
        "@import 'https://example.com/x.css';",
    ]
    assert all(remote_references(sample) for sample in samples)
    local = [
        "<script src=\"{% static 'vendor/htmx/htmx.min.js' %}\"></script>",
        '<a href="https://www.stats.gov.cn/">source</a>',
        "background:url(\"data:image/svg+xml,%3csvg xmlns='http://www.w3.org/2000/svg'%3e\")",
        "background:url(images/layers.png)",
    ]
    assert not any(remote_references(sample) for sample in local)


def test_no_template_loads_anything_from_another_host() -> None:
    templates = [p for p in PACKAGE.rglob("*.html") if "templates" in p.parts]
    assert templates, "no template found"
    offending = {
        str(p.relative_to(PACKAGE)): refs
        for p in templates
        if (refs := remote_references(p.read_text(encoding="utf-8")))
    }
    assert offending == {}


def test_no_stylesheet_we_serve_imports_fonts_or_images_from_another_host() -> None:
    stylesheets = list((PACKAGE / "static").rglob("*.css"))
    assert VENDOR / "tabler" / "tabler.min.css" in stylesheets
    offending = {
        str(p.relative_to(PACKAGE)): refs
        for p in stylesheets
        if (refs := _CSS_REMOTE.findall(p.read_text(encoding="utf-8")))
    }
    assert offending == {}
