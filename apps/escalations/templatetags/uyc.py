"""Badges of the "Under Your Command" pages: the case's status and the days left on its clock."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.escalations.workflow import OPEN_STATUSES, Status

register = template.Library()

_STATUS_STYLE = {
    Status.RECEIVED: "text-bg-primary",
    Status.UNDER_STUDY: "text-bg-warning",
    Status.REFERRED_TO_COMMITTEE: "text-bg-info",
    Status.DECIDED: "text-bg-secondary",
    Status.CITIZEN_INFORMED: "text-bg-success",
    Status.CLOSED: "text-bg-dark",
}


@register.simple_tag
def case_status(status: str):
    value = Status(status)
    return format_html(
        '<span class="badge {}" data-case-status="{}">{}</span>',
        _STATUS_STYLE[value],
        value.value,
        value.label,
    )


@register.simple_tag
def days_left(case, now):
    """ "12 days left", "due today" or "3 days late" while the decision is owed; else nothing."""
    if case.status not in OPEN_STATUSES:
        return ""
    days = case.days_left(now=now)
    if case.is_overdue(now=now):
        late = max(1, -days)
        text = ngettext("%(days)d day late", "%(days)d days late", late) % {"days": late}
        style = "text-bg-danger"
    elif days == 0:
        text, style = _("due today"), "text-bg-danger"
    else:
        text = ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}
        style = "text-bg-warning" if days <= 5 else "text-bg-light border"
    return format_html('<span class="badge {}" data-days-left="{}">{}</span>', style, days, text)
