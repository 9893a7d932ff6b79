"""Bulk actions on the staff ticket list: one action on many tickets, each ticket through the
same single-ticket service its own page uses (``services.ticket_assign``,
``ticket_reclassify``, ``ticket_tags_change``, ``ticket_merge``, ``ticket_reply`` and
``ticket_transition``), so a bulk action writes exactly the events, clocks and messages the
single actions would, and refuses exactly what they refuse."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Department, User
from apps.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied, ValidationFailed
from apps.core.parsing import to_id
from apps.tickets import selectors, services
from apps.tickets.models import Macro, Tag, Ticket
from apps.tickets.workflow import Status, moves_to


class Action:
    ASSIGN = "assign"
    MOVE = "move"
    PRIORITY = "priority"
    TAGS = "tags"
    MERGE = "merge"
    CLOSE = "close"


# What each action needs, besides seeing the ticket: the permission the single action's
# service checks (moving to a department is an assignment: ``ticket_assign``).
PERMISSIONS = {
    Action.ASSIGN: selectors.ASSIGN,
    Action.MOVE: selectors.ASSIGN,
    Action.PRIORITY: selectors.WORK,
    Action.TAGS: selectors.WORK,
    Action.MERGE: selectors.MERGE,
    Action.CLOSE: selectors.WORK,
}

LABELS = {
    Action.ASSIGN: gettext_lazy("Assign to a person"),
    Action.MOVE: gettext_lazy("Move to a department"),
    Action.PRIORITY: gettext_lazy("Change the priority"),
    Action.TAGS: gettext_lazy("Add or remove tags"),
    Action.MERGE: gettext_lazy("Merge into one ticket"),
    Action.CLOSE: gettext_lazy("Close with a reply"),
}


def max_tickets() -> int:
    return settings.HOUSING_BULK_MAX_TICKETS


def allowed_actions(actor) -> list[str]:
    """The bulk actions the actor may start (each ticket is still checked on its own)."""
    if not (
        actor is not None and actor.is_authenticated and actor.is_active and actor.has_perm(selectors.VIEW)
    ):
        return []
    return [action for action, permission in PERMISSIONS.items() if actor.has_perm(permission)]


@dataclass(frozen=True)
class BulkItem:
    """One ticket of the request: ``review_number`` is empty for a ticket not found (or not
    the actor's to see: the two are never told apart)."""

    id: int
    review_number: str = ""
    code: str = ""
    message: str = ""


@dataclass
class BulkResult:
    action: str
    done: list[BulkItem] = field(default_factory=list)
    skipped: list[BulkItem] = field(default_factory=list)
    # A merge: the original the others were folded into (when chosen among them, it is
    # neither done nor skipped).
    target: str = ""
    target_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "action": self.action,
            "done": [{"id": i.id, "review_number": i.review_number} for i in self.done],
            "skipped": [
                {"id": i.id, "review_number": i.review_number or None, "code": i.code, "message": i.message}
                for i in self.skipped
            ],
            "target": self.target or None,
        }


def _ids(ticket_ids: Iterable) -> list[int]:
    """The ids as given, each once, in order; anything that is not an id is refused."""
    ids: dict[int, None] = {}
    for value in ticket_ids or ():
        pk = to_id(value)
        if pk is None:
            raise ValidationFailed(
                _("Some of the chosen tickets are not valid."),
                code="bulk_invalid_ticket",
                details={"tickets": [_("Choose tickets from the list.")]},
            )
        ids[pk] = None
    return list(ids)


def ticket_bulk_apply(
    *,
    actor: User,
    ticket_ids: Iterable,
    action: str,
    assignee: User | None = None,
    department: Department | None = None,
    priority: str = "",
    add_tags: Iterable[Tag] = (),
    remove_tags: Iterable[Tag] = (),
    merge_into: str = "",
    macro: Macro | None = None,
    reason: str = "",
) -> BulkResult:
    """Apply one action to each chosen ticket; report which were done and which skipped, why.

    1. Refuse the whole request, doing nothing, for an unknown action, an actor without the
       action's permission, nothing chosen, more than ``HOUSING_BULK_MAX_TICKETS`` tickets,
       or parameters the action cannot use (no assignee, an unknown merge target, …).
    2. Read the chosen tickets the actor may see in one query; any other id is reported
       "not found", the same whether it does not exist or is not theirs to see.
    3. Run the single action's service on each ticket in its own transaction (a savepoint
       when the caller holds one, as the API's Idempotency-Key does): a refusal rolls that
       ticket back whole — a reply sent before a refused move included — and the next ticket
       goes on. Each ticket commits on its own otherwise, so a long bulk action does not hold
       every row's lock until its end.
    """
    if action not in PERMISSIONS:
        raise ValidationFailed(
            _("Choose one of the offered actions."), code="bulk_unknown_action", details={"action": []}
        )
    if action not in allowed_actions(actor):
        raise PermissionDenied()
    ids = _ids(ticket_ids)
    if not ids:
        raise ValidationFailed(
            _("Choose at least one ticket."),
            code="bulk_nothing_selected",
            details={"tickets": [_("Required.")]},
        )
    limit = max_tickets()
    if len(ids) > limit:
        raise ValidationFailed(
            _("At most %(max)d tickets can be changed at once; %(count)d were chosen.")
            % {"max": limit, "count": len(ids)},
            code="bulk_too_many",
            details={"tickets": [_("Choose fewer tickets.")]},
        )
    result = BulkResult(action=action)
    apply = _PREPARE[action](
        actor=actor,
        ids=ids,
        result=result,
        assignee=assignee,
        department=department,
        priority=priority,
        add_tags=list(add_tags or ()),
        remove_tags=list(remove_tags or ()),
        merge_into=merge_into,
        macro=macro,
        reason=(reason or "").strip(),
    )
    tickets = {
        t.pk: t
        for t in selectors.visible_tickets(actor)
        .filter(pk__in=ids)
        .select_related("assignee", "department", "category")
        .defer("description", "search_text")
    }
    for pk in ids:
        if pk == result.target_id:
            continue  # the merge's original, chosen among them
        ticket = tickets.get(pk)
        if ticket is None:
            result.skipped.append(
                BulkItem(
                    id=pk, code="ticket_not_found", message=_("No such ticket, or it is not yours to see.")
                )
            )
            continue
        try:
            with transaction.atomic():
                changed = apply(ticket)
        except ApplicationError as error:
            result.skipped.append(
                BulkItem(
                    id=pk, review_number=ticket.review_number, code=error.code, message=str(error.message)
                )
            )
            continue
        if changed is False:
            result.skipped.append(
                BulkItem(
                    id=pk,
                    review_number=ticket.review_number,
                    code="unchanged",
                    message=_("Already so: nothing to change."),
                )
            )
        else:
            result.done.append(BulkItem(id=pk, review_number=ticket.review_number))
    return result


# --- each action: check its parameters once, then return what it does to one ticket ---------

Apply = Callable[[Ticket], bool | None]


def _missing(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, code="bulk_parameter_required", details={field_name: [_("Required.")]})


def _prepare_assign(*, actor, assignee, reason, **_params) -> Apply:
    if assignee is None:
        raise _missing("assignee", _("Choose the person to give the tickets to."))
    if not selectors.assignable_users(actor).filter(pk=assignee.pk).exists():
        raise ValidationFailed(
            _("This person cannot be given tickets."), code="invalid_assignee", details={"assignee": []}
        )

    def apply(ticket: Ticket) -> bool:
        before = (ticket.assignee_id, ticket.department_id)
        after = services.ticket_assign(ticket=ticket, actor=actor, assignee=assignee, reason=reason)
        return (after.assignee_id, after.department_id) != before

    return apply


def _prepare_move(*, actor, department, reason, **_params) -> Apply:
    if department is None:
        raise _missing("department", _("Choose the department to send the tickets to."))
    if not selectors.assignable_departments(actor).filter(pk=department.pk).exists():
        raise PermissionDenied(_("You cannot send tickets to this department."))

    def apply(ticket: Ticket) -> bool:
        # The person it is given to stays only if they belong to the new department; otherwise
        # the ticket waits in that department's queue.
        keeps = (
            ticket.assignee if ticket.assignee and ticket.assignee.department_id == department.pk else None
        )
        before = (ticket.assignee_id, ticket.department_id)
        after = services.ticket_assign(
            ticket=ticket, actor=actor, assignee=keeps, department=department, reason=reason
        )
        return (after.assignee_id, after.department_id) != before

    return apply


def _prepare_priority(*, actor, priority, reason, **_params) -> Apply:
    if not priority:
        raise _missing("priority", _("Choose the new priority."))
    if priority not in Ticket.Priority.values:
        raise ValidationFailed(
            _("Some of the information is not valid."),
            code="invalid_choice",
            details={"priority": [_("Choose one of the offered values.")]},
        )

    def apply(ticket: Ticket) -> bool:
        before = ticket.priority
        return (
            services.ticket_reclassify(ticket=ticket, actor=actor, priority=priority, reason=reason).priority
            != before
        )

    return apply


def _prepare_tags(*, actor, add_tags, remove_tags, **_params) -> Apply:
    if not add_tags and not remove_tags:
        raise _missing("tags", _("Choose the tags to add or remove."))

    def apply(ticket: Ticket) -> bool:
        return (
            services.ticket_tags_change(ticket=ticket, actor=actor, add=add_tags, remove=remove_tags)
            is not None
        )

    return apply


def _prepare_merge(*, actor, ids, result, merge_into, reason, **_params) -> Apply:
    if not (merge_into or "").strip():
        raise _missing("merge_into", _("Give the review number of the ticket to merge them into."))
    try:
        original = selectors.ticket_get(viewer=actor, review_number=merge_into)
    except (NotFound, ValidationFailed):
        raise ValidationFailed(
            _("No ticket to merge into has this review number, or it is not yours to see."),
            code="merge_target_not_found",
            details={"merge_into": [_("Check the review number.")]},
        ) from None
    if ids == [original.pk]:
        raise ValidationFailed(
            _("Choose the duplicates as well as the ticket they are merged into."),
            code="bulk_nothing_to_merge",
            details={"tickets": [_("Required.")]},
        )
    result.target, result.target_id = original.review_number, original.pk

    def apply(ticket: Ticket) -> None:
        services.ticket_merge(duplicate=ticket, original=original, actor=actor, reason=reason)

    return apply


def _prepare_close(*, actor, macro, **_params) -> Apply:
    if macro is None:
        raise _missing("macro", _("Choose the reply to send."))
    if not macro.is_active or not (macro.body_ar or macro.body_en):
        raise ValidationFailed(
            _("This reply template cannot be used."), code="macro_unusable", details={"macro": []}
        )
    scoped = set(macro.categories.values_list("pk", flat=True))

    def apply(ticket: Ticket) -> None:
        if scoped and not ({ticket.category_id, getattr(ticket.category, "parent_id", None)} & scoped):
            raise ValidationFailed(
                _("This reply is not offered for this ticket's category."), code="macro_not_for_category"
            )
        moves = moves_to(ticket.status, Status.CLOSED)
        if moves is None:
            raise Conflict(
                _("A ticket “%(status)s” cannot be closed here.") % {"status": Status(ticket.status).label},
                code="cannot_close",
            )
        # In the citizen's language, as the single reply would be written for them.
        services.ticket_reply(ticket=ticket, body=macro.body_for(ticket.language), actor=actor)
        for status in moves:
            services.ticket_transition(ticket=ticket, to_status=status, actor=actor)

    return apply


_PREPARE: dict[str, Callable[..., Apply]] = {
    Action.ASSIGN: _prepare_assign,
    Action.MOVE: _prepare_move,
    Action.PRIORITY: _prepare_priority,
    Action.TAGS: _prepare_tags,
    Action.MERGE: _prepare_merge,
    Action.CLOSE: _prepare_close,
}
