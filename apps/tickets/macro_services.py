"""Writes of macros: keeping the list (save, retire) and applying one to a ticket.

A macro is applied through the same services as the single actions (reply, tags, priority,
department, status), inside one transaction: the timeline shows the same events as doing
them one by one, and a refusal of any part leaves nothing done.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Department, User
from apps.core.errors import Conflict, PermissionDenied, ValidationFailed
from apps.core.text import clean_line, clean_text
from apps.tickets import selectors, services
from apps.tickets.models import Category, Macro, Tag, Ticket, TicketEvent
from apps.tickets.workflow import MOVES_NEEDING_A_SERVICE, Status, is_allowed

MANAGE = ("tickets.add_macro", "tickets.change_macro")


def can_manage(user) -> bool:
    """May keep the list of macros (supervisors, administrators)."""
    return bool(user and user.is_authenticated and any(user.has_perm(p) for p in MANAGE))


def _refuse(message: str, code: str, field_name: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={field_name: [message]})


@transaction.atomic
def macro_save(
    *,
    actor: User,
    title_ar: str,
    title_en: str,
    body_ar: str = "",
    body_en: str = "",
    to_status: str = "",
    priority: str = "",
    department: Department | None = None,
    add_tags: Iterable[Tag] = (),
    categories: Iterable[Category] = (),
    position: int = 100,
    is_active: bool = True,
    macro: Macro | None = None,
) -> Macro:
    """Create a macro (``macro=None``) or change one.

    1. Titles are required in both languages and unique in each, whatever the letter case.
    2. The reply, when there is one, is given in both languages (the citizen reads it in
       theirs).
    3. The status must be one a person may move a ticket to (not merged, not escalated);
       the department and the tags must be in use.
    4. A macro that carries nothing (no reply, no change) is refused.
    """
    if not actor.has_perm("tickets.change_macro" if macro else "tickets.add_macro"):
        raise PermissionDenied()
    title_ar, title_en = clean_line(title_ar or ""), clean_line(title_en or "")
    for name, value in (("title_ar", title_ar), ("title_en", title_en)):
        if not value:
            raise _refuse(_("Give the macro a title in Arabic and in English."), "required", name)
    body_ar, body_en = clean_text(body_ar or ""), clean_text(body_en or "")
    if bool(body_ar) != bool(body_en):
        missing = "body_en" if body_ar else "body_ar"
        raise _refuse(
            _("Write the reply in both Arabic and English, or leave both empty."),
            "macro_body_one_language",
            missing,
        )
    if to_status and (to_status not in Status.values or Status(to_status) in MOVES_NEEDING_A_SERVICE):
        raise _refuse(_("A macro cannot move a ticket to this status."), "invalid_choice", "to_status")
    if priority and priority not in Ticket.Priority.values:
        raise _refuse(_("Choose one of the offered values."), "invalid_choice", "priority")
    if department is not None and not department.is_active:
        raise _refuse(_("This department is no longer in use."), "department_inactive", "department")
    add_tags, categories = list(add_tags), list(categories)
    retired = [t for t in add_tags if not t.is_active]
    if retired:
        raise _refuse(
            _("The tag “%(name)s” is no longer in use.") % {"name": retired[0].display_name()},
            "tag_inactive",
            "add_tags",
        )
    if not (body_ar or to_status or priority or department or add_tags):
        raise ValidationFailed(
            _("This macro does nothing: write a reply or choose at least one change."),
            code="macro_empty",
            details={"body_ar": [_("Required.")]},
        )
    others = Macro.objects.exclude(pk=getattr(macro, "pk", None))
    for name, value in (("title_ar", title_ar), ("title_en", title_en)):
        if others.filter(**{f"{name}__iexact": value}).exists():
            raise _refuse(
                _("There is already a macro titled “%(title)s”.") % {"title": value},
                "macro_title_taken",
                name,
            )
    macro = macro or Macro()
    macro.title_ar, macro.title_en, macro.body_ar, macro.body_en = title_ar, title_en, body_ar, body_en
    macro.to_status, macro.priority, macro.department = to_status or "", priority or "", department
    macro.position, macro.is_active = max(0, min(int(position), 32767)), bool(is_active)
    macro.save()
    macro.add_tags.set(add_tags)
    macro.categories.set(categories)
    return macro


@transaction.atomic
def macro_retire(*, actor: User, macro: Macro) -> Macro:
    """Stop offering a macro (kept, so that it can be brought back from its page)."""
    if not actor.has_perm("tickets.change_macro"):
        raise PermissionDenied()
    if macro.is_active:
        macro.is_active = False
        macro.save(update_fields=["is_active"])
    return macro


# --- applying ------------------------------------------------------------------------


@dataclass
class Applied:
    """What applying a macro did: the ticket as it now stands and the events written."""

    ticket: Ticket
    events: list[TicketEvent] = field(default_factory=list)


def _not_applicable(macro: Macro, reason: str, code: str) -> Conflict:
    return Conflict(
        _("The macro “%(title)s” cannot be applied to this ticket: %(reason)s")
        % {"title": macro.title(), "reason": reason},
        code=code,
    )


@transaction.atomic
def ticket_apply_macro(
    *,
    ticket: Ticket,
    macro: Macro,
    actor: User,
    body: str | None = None,
    uploads: Iterable = (),
    seen_event_id: int | None = None,
    now: datetime | None = None,
) -> Applied:
    """Apply everything a macro carries to a ticket, all at once or not at all.

    1. Lock the ticket; refuse a ticket changed by someone else since ``seen_event_id``.
    2. Refuse, before writing anything, a macro that is retired, not offered on the
       ticket's category, or whose status cannot be reached from where the ticket is; and
       an actor who may not work the ticket (or move it to the macro's department).
    3. Through the single services, in this order: the reply (``body`` as the agent edited
       it; ``None``: the macro's text in the ticket's language; blank: no reply), the tags,
       the priority, the department, and the status last (a reply may not follow a close).
       Any refusal among them rolls the whole macro back.
    """
    now = now or timezone.now()
    if not selectors.can_work(actor, ticket):
        raise PermissionDenied()
    # The ticket's row lock, held to the end: no other write slips in between the checks
    # below and the single services (which take the same lock again, in this transaction).
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    services.ensure_unchanged(locked=locked, actor=actor, seen_event_id=seen_event_id)
    if not macro.is_active:
        raise _not_applicable(macro, _("it is no longer in use."), "macro_inactive")
    if macro.pk not in {m.pk for m in selectors.macros_for(locked)}:
        raise _not_applicable(macro, _("it is not offered for this ticket's category."), "macro_not_offered")
    if macro.department_id and locked.department_id != macro.department_id:
        if not selectors.can_assign(actor, locked):
            raise PermissionDenied(_("You cannot send tickets to another department."))
    moving = bool(macro.to_status) and macro.to_status != locked.status
    if moving and (
        Status(macro.to_status) in MOVES_NEEDING_A_SERVICE or not is_allowed(locked.status, macro.to_status)
    ):
        raise _not_applicable(
            macro,
            _("a ticket cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Status(locked.status).label, "to": Status(macro.to_status).label},
            "macro_status_unreachable",
        )
    text = macro.body_for(locked.language) if body is None else clean_text(body)
    tags = list(macro.add_tags.all())
    changes_priority = bool(macro.priority) and macro.priority != locked.priority
    changes_department = bool(macro.department_id) and macro.department_id != locked.department_id
    if not (text or tags or changes_priority or changes_department or moving):
        raise ValidationFailed(
            _("Nothing to apply: write a reply or choose a macro that changes the ticket."),
            code="macro_nothing_to_apply",
            details={"body": [_("Required.")]},
        )
    first_new = (
        TicketEvent.objects.filter(ticket_id=locked.pk).order_by("-pk").values_list("pk", flat=True).first()
    )
    reason = _("Macro: %(title)s") % {"title": macro.title()}
    if text:
        services.ticket_reply(ticket=locked, body=text, actor=actor, uploads=uploads, now=now)
    if tags:
        services.ticket_tags_change(ticket=locked, actor=actor, add=tags, now=now)
    if changes_priority:
        services.ticket_reclassify(
            ticket=locked, actor=actor, priority=macro.priority, reason=reason, now=now
        )
    if changes_department:
        locked.refresh_from_db(fields=["assignee", "department"])
        keep = (
            locked.assignee
            if locked.assignee and locked.assignee.department_id == macro.department_id
            else None
        )
        services.ticket_assign(
            ticket=locked, actor=actor, assignee=keep, department=macro.department, reason=reason, now=now
        )
    if moving:
        services.ticket_transition(
            ticket=locked, to_status=macro.to_status, actor=actor, reason=reason, now=now
        )
    fresh = Ticket.objects.get(pk=locked.pk)
    events = list(TicketEvent.objects.filter(ticket_id=locked.pk, pk__gt=first_new or 0).order_by("pk"))
    return Applied(ticket=fresh, events=events)
