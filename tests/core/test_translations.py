"""Every msgid has an Arabic translation, none is fuzzy, and the catalogues compile."""

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
