"""Small display helpers for ticket pages."""

from django import template
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

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


@register.simple_tag
def select_field(bound_field, css: str = "form-select form-select-sm"):
    """A <select> for a bound form field, built in Python.

    Django's widget templates render every <option> through its own template include; on
    the ticket list (several selects, dozens of options) that was half the page's time.
    """
    field = bound_field.field
    widget = getattr(field, "widget", None)
    choices = getattr(widget, "choices", None) or getattr(field, "choices", [])
    value = bound_field.value()
    chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v not in (None, "")}

    def options(items):
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, mark_safe(" selected") if str(key) in chosen else "", label) for key, label in items),
        )

    parts = []
    for key, label in choices:
        key = getattr(key, "value", key)  # ModelChoiceIteratorValue
        if isinstance(label, list | tuple):
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', key, options(label)))
        else:
            parts.append(options([(key, label)]))
    return format_html(
        '<select name="{}" id="{}" class="{}">{}</select>',
        bound_field.html_name,
        bound_field.id_for_label,
        css,
        mark_safe("".join(parts)),
    )
