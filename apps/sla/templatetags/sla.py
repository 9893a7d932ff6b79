"""The deadline badge and remaining working time, for ticket lists, the ticket page and the dashboard."""

from datetime import timedelta

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from apps.core.templatetags.dates import format_working_duration

register = template.Library()

_STYLE = {"breached": "text-bg-danger", "at_risk": "text-bg-warning", "on_time": "text-bg-success"}


def _labels():
    return {"breached": _("Breached"), "at_risk": _("At risk"), "on_time": _("On time")}


@register.filter
def working_time(value: timedelta | None) -> str:
    """A working-time duration in working days and hours (the one policy in core's dates)."""
    return format_working_duration(value)


@register.simple_tag
def sla_badge(badge):
    """``badge`` is a ``clock_selectors.Badge`` (or None: no deadline pending)."""
    if badge is None:
        return ""
    label = _labels()[badge.state]
    if badge.state == "breached":
        detail = ""
    elif badge.paused:
        detail = _("paused")
    else:
        detail = _("%(time)s left") % {"time": working_time(badge.remaining)}
    return format_html(
        '<span class="badge {}" data-testid="sla-badge" data-sla="{}" title="{}">{}{}</span>',
        _STYLE[badge.state],
        badge.state,
        badge.target,
        label,
        format_html(" · {}", detail) if detail else "",
    )


@register.filter
def badge_of(badges: dict, ticket_id: int):
    return (badges or {}).get(ticket_id)


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value:.1f}%"
