"""Every msgid has an Arabic translation, none is fuzzy, and the catalogues compile."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

from apps.core.management.commands.compiletranslations import catalogues

ALL = catalogues()


def test_there_are_arabic_and_english_catalogues():
    languages = {po.parent.parent.name for po in ALL}
    assert {"ar", "en"} <= languages


@pytest.mark.parametrize(
    "path",
    [p for p in ALL if p.parent.parent.name == "ar"],
    ids=lambda p: str(p.relative_to(settings.BASE_DIR)),
)
def test_every_message_has_an_arabic_translation(path: Path):
    catalogue = polib.pofile(str(path))
    missing = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags and not e.obsolete]
    assert not missing, f"untranslated in {path}: {missing[:10]}"
    assert not fuzzy, f"fuzzy in {path}: {fuzzy[:10]}"


def test_the_checker_catches_a_missing_translation(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Hello"\nmsgstr ""\n',
        encoding="utf-8",
    )
    assert [e.msgid for e in polib.pofile(str(po)) if not e.translated()] == ["Hello"]


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|\{(\w+)\}|%[sd]")


def _placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in _PLACEHOLDER.finditer(text))


@pytest.mark.parametrize(
    "path",
    [p for p in ALL if p.parent.parent.name == "ar"],
    ids=lambda p: str(p.relative_to(settings.BASE_DIR)),
)
def test_every_translation_keeps_the_placeholders_of_its_message(path: Path):
    """A translation guessed from another message (msgmerge's fuzzy match) shows up here."""
    catalogue = polib.pofile(str(path))
    wrong = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            expected = set(_placeholders(entry.msgid_plural)) | set(_placeholders(entry.msgid))
            for text in entry.msgstr_plural.values():
                if not set(_placeholders(text)) <= expected:
                    wrong.append(entry.msgid)
        elif (
            _placeholders(entry.msgstr) != _placeholders(entry.msgid)
            and "python-brace-format" not in entry.flags
        ):
            wrong.append(entry.msgid)
    assert not wrong, f"placeholders differ in {path}: {wrong[:10]}"
