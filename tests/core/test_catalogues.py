"""One translation per meaning: across every app's catalogue, a message without a context
has one Arabic translation, and the words that mean two things carry a context."""

from collections import defaultdict

import polib
from django.utils import translation
from django.utils.translation import gettext, pgettext

from apps.core.management.commands.compiletranslations import catalogues

ARABIC = [p for p in catalogues() if p.parent.parent.name == "ar"]


def _translations() -> dict[tuple[str | None, str], dict[str, str]]:
    seen: dict[tuple[str | None, str], dict[str, str]] = defaultdict(dict)
    for path in ARABIC:
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.msgid:
                continue
            text = entry.msgstr if not entry.msgid_plural else entry.msgstr_plural.get(1, "")
            seen[(entry.msgctxt, entry.msgid)][str(path)] = text
    return seen


def test_a_message_has_one_arabic_translation_in_every_catalogue():
    conflicts = {key: places for key, places in _translations().items() if len(set(places.values())) > 1}
    assert not conflicts, "translated differently in different catalogues: " + "; ".join(
        f"{msgid!r} ({ctx}): {sorted(set(places.values()))}"
        for (ctx, msgid), places in list(conflicts.items())[:10]
    )


def test_the_checker_catches_two_translations_of_one_message(tmp_path, monkeypatch):
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    for name, text in (("one", "الرئيسية"), ("two", "المنزل")):
        folder = tmp_path / name / "ar" / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "django.po").write_text(header + f'msgid "Home"\nmsgstr "{text}"\n', encoding="utf-8")
    monkeypatch.setattr(
        "tests.core.test_catalogues.ARABIC", list(tmp_path.glob("*/ar/LC_MESSAGES/django.po"))
    )
    places = _translations()[(None, "Home")]
    assert len(set(places.values())) == 2


def test_deadlines_and_appointments_are_different_words():
    with translation.override("ar"):
        deadlines = pgettext("SLA", "Deadlines")
    assert deadlines != "Deadlines"
    assert "مواعيد" not in deadlines and deadlines != "المواعيد"


def test_the_console_ticket_box_says_what_its_fields_are():
    with translation.override("ar"):
        assert gettext("Subject of the ticket") == "موضوع التذكرة"
        assert "رقم المراجعة" not in gettext("Subject of the ticket")
        assert gettext("No ticket has this review number.") != gettext("No citizen has this CPR number.")
        assert gettext("From the purpose") != gettext("Choose the purpose.")
        assert gettext("The purpose, unless you write one") != gettext("This purpose is not known.")


def test_a_home_phone_is_not_the_home_page():
    with translation.override("ar"):
        assert pgettext("phone kind", "Home") != gettext("Home")


def test_counts_follow_the_six_arabic_plural_forms():
    from apps.core.templatetags.dates import calendar_days

    with translation.override("ar"):
        assert calendar_days(1) == "يوم واحد"
        assert calendar_days(2) == "يومان"
        assert calendar_days(7) == "7 أيام"
        assert calendar_days(11) == "11 يوماً"
