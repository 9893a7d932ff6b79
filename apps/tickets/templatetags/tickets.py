"""Small display helpers for ticket pages."""

from django import template
from django.utils import translation
from django.utils.html import format_html

from apps.tickets.models import Ticket
from apps.tickets.workflow import Status

register = template.Library()

_STATUS_STYLE = {
    Status.NEW: "text-bg-primary",
    Status.ACKNOWLEDGED: "text-bg-info",
    Status.IN_PROGRESS: "text-bg-warning",
    Status.AWAITING_CITIZEN: "text-bg-secondary",
    Status.RESPONDED: "text-bg-success",
    Status.CLOSED: "text-bg-dark",
    Status.REFERRED_TO_COMMITTEE: "text-bg-light border",
    Status.ESCALATED: "text-bg-danger",
    Status.MERGED: "text-bg-light border",
}
_PRIORITY_STYLE = {
    Ticket.Priority.URGENT: "text-bg-danger",
    Ticket.Priority.HIGH: "text-bg-warning",
}


@register.simple_tag
def status_badge(status: str):
    value = Status(status)
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        _STATUS_STYLE.get(value, "text-bg-light"),
        value,
        value.label,
    )


@register.simple_tag
def priority_badge(priority: str):
    value = Ticket.Priority(priority)
    if value not in _PRIORITY_STYLE:
        return ""
    return format_html('<span class="badge {}">{}</span>', _PRIORITY_STYLE[value], value.label)


@register.simple_tag
def arrow() -> str:
    """ "From → to", pointing the way the page reads."""
    return "←" if translation.get_language_bidi() else "→"
