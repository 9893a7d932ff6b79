"""The approved texts an agent may insert into a reply: the macros offered on the ticket and
the quick answers other apps keep (the contacts app's, per purpose), through one registry.

Tickets (floor 5) cannot import the contacts app (floor 6): contacts registers its source here
from its ``AppConfig.ready`` (``register_quick_answer_source``), and this module asks every
registered source for the answers that fit a ticket.

Titles come in the viewer's language (the agent picks by title); texts come in the ticket's
language (the citizen reads them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from apps.tickets import selectors
from apps.tickets.models import Macro, Ticket
from apps.tickets.workflow import Status


@dataclass(frozen=True)
class QuickAnswer:
    """One text the picker offers. ``key`` is stable and URL-safe ("macro-12",
    "contacts-5"); ``macro`` is set when choosing it also applies the macro's changes."""

    key: str
    title: str
    body: str
    source: str
    macro: Macro | None = None
    changes: tuple[str, ...] = ()


QuickAnswerSource = Callable[[Ticket], Iterable[QuickAnswer]]
_SOURCES: dict[str, QuickAnswerSource] = {}


def register_quick_answer_source(key: str, source: QuickAnswerSource) -> None:
    """Add (or replace) a source of quick answers; ``source(ticket)`` gives the answers that
    fit that ticket, texts in ``ticket.language``."""
    _SOURCES[key] = source


def macro_changes(macro: Macro) -> tuple[str, ...]:
    """What applying the macro changes besides the reply, in words (the viewer's language)."""
    changes = []
    if macro.to_status:
        changes.append(_("Status: %(status)s") % {"status": Status(macro.to_status).label})
    if macro.priority:
        changes.append(_("Priority: %(priority)s") % {"priority": Ticket.Priority(macro.priority).label})
    if macro.department_id:
        changes.append(_("Department: %(department)s") % {"department": macro.department})
    tags = [t.display_name() for t in macro.add_tags.all()]
    if tags:
        comma = "، " if translation.get_language() == "ar" else ", "
        changes.append(_("Tags: %(tags)s") % {"tags": comma.join(tags)})
    return tuple(changes)


def _from_macros(ticket: Ticket) -> list[QuickAnswer]:
    answers = []
    for macro in selectors.macros_for(ticket):
        changes = macro_changes(macro)
        answers.append(
            QuickAnswer(
                key=f"macro-{macro.pk}",
                title=macro.title(),
                body=macro.body_for(ticket.language),
                source=_("Macros"),
                macro=macro if changes else None,
                changes=changes,
            )
        )
    return answers


def quick_answers_for(ticket: Ticket) -> list[QuickAnswer]:
    """Every text offered on this ticket: its macros first, then each registered source's."""
    answers = _from_macros(ticket)
    for source in _SOURCES.values():
        answers.extend(source(ticket))
    return answers


def quick_answer(ticket: Ticket, key: str) -> QuickAnswer | None:
    """The offered answer with this key (None: not offered on this ticket)."""
    return next((a for a in quick_answers_for(ticket) if a.key == key), None)
