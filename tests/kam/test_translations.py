"""The Simplified Chinese catalogue is complete, compiled, and covers every string in the code."""

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
CATALOGUE = BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def read_catalogue(path: Path):
    with path.open("rb") as po_file:
        return [message for message in read_po(po_file, locale="zh_Hans") if message.id]


def texts(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def test_every_message_is_translated_and_none_is_fuzzy():
    untranslated = [
        message.id
        for message in read_catalogue(CATALOGUE / "django.po")
        if message.fuzzy or not all(texts(message.string))
    ]
    assert not untranslated, f"Untranslated or fuzzy in django.po: {untranslated}"


def test_translations_keep_the_placeholders():
    broken = []
    for message in read_catalogue(CATALOGUE / "django.po"):
        wanted = {token for text in texts(message.id) for token in PLACEHOLDER.findall(text)}
        for text in texts(message.string):
            if set(PLACEHOLDER.findall(text)) - wanted:
                broken.append((message.id, text))
    assert not broken, f"Translations with placeholders the original lacks: {broken}"


def test_compiled_catalogue_matches_the_source():
    with (CATALOGUE / "django.mo").open("rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    stale = [
        message.id
        for message in read_catalogue(CATALOGUE / "django.po")
        if not message.pluralizable
        and (
            compiled.pgettext(message.context, message.id)
            if message.context
            else compiled.gettext(message.id)
        )
        != message.string
    ]
    assert not stale, f"django.mo is out of date (run `make messages`): {stale[:10]}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_the_catalogue_has_every_string_the_code_marks(tmp_path):
    """Extract into a copy of the sources, so the check never touches the real catalogue."""
    for path in BASE_DIR.iterdir():
        if path.name == "templates" or (path / "__init__.py").exists():
            shutil.copytree(path, tmp_path / path.name)
    shutil.copy(BASE_DIR / "manage.py", tmp_path)
    shutil.copytree(BASE_DIR / "locale", tmp_path / "locale")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--ignore=tests"],
        cwd=tmp_path,
        env={**os.environ, "DEBUG": "1"},
        check=True,
        capture_output=True,
    )
    known = {message.id for message in read_catalogue(CATALOGUE / "django.po")}
    extracted = read_catalogue(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    missing = sorted(str(message.id) for message in extracted if message.id not in known)
    assert not missing, f"Strings not yet in django.po (run `make messages`): {missing}"
