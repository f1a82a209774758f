"""The Chinese catalogue is complete, compiled, and covers every string in the code."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.LOCALE_PATHS[0])
PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_message_has_a_chinese_translation() -> None:
    catalogue = polib.pofile(str(PO))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert missing == [], f"untranslated: {missing[:20]}"
    assert fuzzy == [], f"fuzzy: {fuzzy[:20]}"


def test_the_compiled_catalogue_matches_the_source() -> None:
    source = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(PO)).translated_entries()}
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(MO)) if e.msgid}
    assert compiled == source, "run `make messages` to recompile the catalogue"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_the_catalogue_holds_every_string_of_the_code(tmp_path: Path) -> None:
    """Extract the strings afresh into a copy of the package and compare the msgid sets."""
    package = Path(settings.PACKAGE_DIR)
    copy = tmp_path / "kaifaqu"
    shutil.copytree(
        package, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo", "data")
    )
    # makemessages writes into LOCALE_PATHS[0]: point it at the copy, never at the real catalogue.
    (tmp_path / "extract_settings.py").write_text(
        "from kaifaqu.config.settings.test import *  # noqa\n"
        f"LOCALE_PATHS = [{str(copy / 'locale')!r}]\n"
    )
    manage = Path(settings.BASE_DIR) / "manage.py"
    subprocess.run(
        [sys.executable, str(manage), "makemessages", "-l", "zh_Hans", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "extract_settings",
            "PYTHONPATH": str(tmp_path),
            "PATH": os.environ.get("PATH", ""),
        },
    )
    fresh_catalogue = polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))
    fresh = {(e.msgctxt, e.msgid) for e in fresh_catalogue if not e.obsolete}
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO)) if not e.obsolete}
    assert sorted(fresh - committed, key=str) == [], (
        "run `make messages` and translate the new strings"
    )
