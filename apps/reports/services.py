"""Writes of the reports app: the month's draft press statement, its edits, approval and
publication (the frozen snapshot). Reports write nothing but their own records."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import Conflict, PermissionDenied, ValidationFailed
from apps.core.text import clean_text
from apps.reports import press, publishing
from apps.reports.models import MonthlyStatement, Publication, StatementStatus
from apps.reports.navigation import APPROVE_PERMISSION
from apps.reports.statement import monthly_statement


def _require_approver(actor) -> None:
    if actor is not None and not actor.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied()


def _refuse_if_published(statement: MonthlyStatement) -> None:
    if statement.status == StatementStatus.PUBLISHED:
        raise Conflict(
            _("The statement of this month is published: its text and figures are frozen."),
            code="statement_published",
        )


@transaction.atomic
def statement_draft(*, month: date, actor=None, now: datetime | None = None, regenerate: bool = False):
    """The month's draft press statement, generated from the figures.

    1. A month with no record yet gets one, generated now.
    2. An existing draft is generated again only when asked (``regenerate``): a manager's
       edits are never overwritten by the schedule.
    3. An approved or published statement is left as it is (regenerating is refused).
    Returns ``(record, created)``.
    """
    _require_approver(actor)
    now = now or timezone.now()
    month = month.replace(day=1)
    record = MonthlyStatement.objects.select_for_update().filter(month=month).first()
    if record is not None and not regenerate:
        return record, False
    if record is not None:
        _refuse_if_published(record)
        if record.status == StatementStatus.APPROVED:
            raise Conflict(
                _("The draft is approved: edit it instead of generating it again."), code="statement_approved"
            )
    statement = monthly_statement(month, now=now)
    draft = press.draft_press_statement(statement)
    values = {f.code: f.value for f in statement.figures}
    fields = {
        "text_ar": draft.text_ar,
        "text_en": draft.text_en,
        "draft_figures": {"values": values, "trace": draft.trace},
        "generated_at": now,
        "status": StatementStatus.DRAFT,
    }
    if record is None:
        return MonthlyStatement.objects.create(month=month, **fields), True
    for name, value in fields.items():
        setattr(record, name, value)
    record.save(update_fields=list(fields))
    return record, False


def _lock(statement: MonthlyStatement) -> MonthlyStatement:
    return MonthlyStatement.objects.select_for_update().get(pk=statement.pk)


@transaction.atomic
def statement_edit(*, statement: MonthlyStatement, text_ar: str, text_en: str, actor, now=None):
    """A manager's edit of the draft. An approved text edited goes back to draft (it needs
    approving again); a published one is refused."""
    _require_approver(actor)
    locked = _lock(statement)
    _refuse_if_published(locked)
    text_ar, text_en = clean_text(text_ar or "").strip(), clean_text(text_en or "").strip()
    if not text_ar or not text_en:
        raise ValidationFailed(
            _("Both the Arabic and the English text are needed."),
            code="statement_text_required",
            details={"text_ar" if not text_ar else "text_en": [_("This field is required.")]},
        )
    locked.text_ar, locked.text_en = text_ar, text_en
    locked.edited_by, locked.edited_at = actor, now or timezone.now()
    locked.status, locked.approved_by, locked.approved_at = StatementStatus.DRAFT, None, None
    locked.save(
        update_fields=["text_ar", "text_en", "edited_by", "edited_at", "status", "approved_by", "approved_at"]
    )
    return locked


@transaction.atomic
def statement_approve(*, statement: MonthlyStatement, actor, now=None):
    _require_approver(actor)
    locked = _lock(statement)
    _refuse_if_published(locked)
    if locked.status == StatementStatus.APPROVED:
        raise Conflict(_("The draft is already approved."), code="statement_already_approved")
    locked.status, locked.approved_by, locked.approved_at = (
        StatementStatus.APPROVED,
        actor,
        now or timezone.now(),
    )
    locked.save(update_fields=["status", "approved_by", "approved_at"])
    return locked


@transaction.atomic
def statement_publish(*, statement: MonthlyStatement, actor, now: datetime | None = None) -> Publication:
    """Publish the month: the figures as computed now and the approved text, frozen with a
    checksum. Refused twice, and before approval."""
    _require_approver(actor)
    now = now or timezone.now()
    locked = _lock(statement)
    if locked.status == StatementStatus.PUBLISHED or Publication.objects.filter(statement=locked).exists():
        raise Conflict(_("This month's statement is already published."), code="statement_already_published")
    if locked.status != StatementStatus.APPROVED:
        raise Conflict(_("Approve the draft before publishing it."), code="statement_not_approved")
    figures = publishing.figure_values(monthly_statement(locked.month, now=now))
    publication = Publication.objects.create(
        statement=locked,
        figures=figures,
        text_ar=locked.text_ar,
        text_en=locked.text_en,
        checksum=publishing.checksum(figures=figures, text_ar=locked.text_ar, text_en=locked.text_en),
        published_by=actor,
        published_at=now,
    )
    locked.status = StatementStatus.PUBLISHED
    locked.save(update_fields=["status"])
    return publication


@transaction.atomic
def statement_schedule(*, now: datetime | None = None) -> tuple[MonthlyStatement, int]:
    """The schedule's work on the 1st: the previous month's draft, and a message to every
    manager (those who approve statements) through the outbox — once: a second run finds
    the draft and tells nobody again. Returns the record and how many were told."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from apps.notifications.services import notification_queue
    from apps.reports.notify import DRAFT_READY

    now = now or timezone.now()
    first = timezone.localtime(now).date().replace(day=1)
    month = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    record, created = statement_draft(month=month, actor=None, now=now)
    if not created:
        return record, 0
    managers = (
        get_user_model()
        .objects.filter(is_active=True, groups__permissions__codename="approve_statement")
        .distinct()
        .order_by("pk")
    )
    url = f"{settings.HOUSING_PUBLIC_BASE_URL.rstrip('/')}{reverse('reports:statement')}?month={month:%Y-%m}"
    told = 0
    for manager in managers:
        notification_queue(
            event=DRAFT_READY,
            recipient_user=manager,
            context={"month": f"{month:%Y-%m}", "statement_url": url},
            now=now,
        )
        told += 1
    return record, told
