"""Message templates: their one placeholder syntax, checking, and rendering.

Templates are plain text with ``{{ name }}`` placeholders and nothing else (no logic,
no filters): administrators edit them, and a template may only name placeholders its
event declares. That is checked when a template is saved, never first at send time.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.utils import formats, timezone, translation
from django.utils.encoding import force_str
from django.utils.translation import gettext as _

from apps.core.text import isolate_ltr, latin_digits
from apps.notifications.choices import Channel

if TYPE_CHECKING:
    from apps.notifications.events import Event

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_STRAY = re.compile(r"\{\{|\}\}|\{%|%\}")


class ContextError(ValueError):
    """The calling code passed a context that does not match its event (a programming error)."""


def placeholders_in(text: str) -> list[str]:
    return PLACEHOLDER.findall(text or "")


def _problems_in(event: Event, text: str) -> list[str]:
    problems = []
    unknown = sorted({name for name in placeholders_in(text) if name not in event.placeholder_names})
    if unknown:
        problems.append(
            _("Unknown placeholder(s): %(names)s. Allowed: %(allowed)s.")
            % {
                "names": ", ".join(f"{{{{ {name} }}}}" for name in unknown),
                "allowed": ", ".join(f"{{{{ {name} }}}}" for name in sorted(event.placeholder_names)),
            }
        )
    if _STRAY.search(PLACEHOLDER.sub("", text or "")):
        problems.append(_("Write placeholders as {{ name }}; other braces are not allowed."))
    return problems


def template_problems(event: Event, channel: str, *, subject: str, body: str) -> dict[str, list[str]]:
    """Every problem with a template, by field; empty when it may be saved."""
    problems: dict[str, list[str]] = {}
    if channel not in event.channels:
        problems["channel"] = [_("This event is not sent on this channel.")]
    if not (body or "").strip():
        problems.setdefault("body", []).append(_("The message text is required."))
    body_problems = _problems_in(event, body)
    if body_problems:
        problems.setdefault("body", []).extend(body_problems)
    if channel == Channel.SMS:
        if subject:
            problems["subject"] = [_("An SMS has no subject; leave it empty.")]
    else:
        subject_problems = []
        if not (subject or "").strip():
            subject_problems.append(_("A subject is required for e-mail and in-app messages."))
        if "\n" in (subject or "") or "\r" in (subject or ""):
            subject_problems.append(_("The subject must be a single line."))
        subject_problems.extend(_problems_in(event, subject))
        if subject_problems:
            problems["subject"] = subject_problems
    return problems


def format_value(value, *, ltr: bool, language: str) -> str:
    """One context value as message text, in ``language``.

    Dates and times are written in the language's format (in Bahrain time), always with
    Latin digits. Left-to-right tokens are isolated only in right-to-left languages: the
    isolate marks are not GSM-7 characters, so adding them to English text would turn
    a 160-character SMS into a 70-character one.
    """
    with translation.override(language):
        if isinstance(value, datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            text = f"{formats.date_format(local, 'DATE_FORMAT')} {formats.time_format(local, 'TIME_FORMAT')}"
        elif isinstance(value, date):
            text = formats.date_format(value, "DATE_FORMAT")
        elif value is None:
            text = ""
        else:
            text = force_str(value)
        text = latin_digits(text)
        if ltr and text and translation.get_language_bidi():
            text = isolate_ltr(text)
    return text


def prepare_context(event: Event, context: dict, language: str) -> dict[str, str]:
    """The event's placeholders as formatted strings; refuses unknown or missing ones."""
    unknown = set(context) - event.placeholder_names
    if unknown:
        raise ContextError(f"{event.key}: unknown context key(s) {sorted(unknown)}")
    missing = [p.name for p in event.placeholders if not p.optional and p.name not in context]
    if missing:
        raise ContextError(f"{event.key}: missing context key(s) {missing}")
    return {
        p.name: format_value(context.get(p.name), ltr=p.ltr, language=language) for p in event.placeholders
    }


def render_text(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), ""), text or "")


def plain_values(event: Event, context: dict) -> dict:
    """The context as JSON-safe values, kept on the row for the record."""
    result = {}
    for key, value in context.items():
        if isinstance(value, datetime | date):
            result[key] = value.isoformat()
        elif value is None or isinstance(value, bool | int | float):
            result[key] = value
        else:
            result[key] = force_str(value)
    return result
