"""Small display helpers of the contacts pages."""

from django import template
from django.utils.http import urlencode

register = template.Library()

# The key that picks the n-th option of a list on the console: 1…9, 0, then Q…P.
HOTKEYS = "1234567890QWERTYUIOP"


@register.filter
def hotkey(index) -> str:
    index = int(index)
    return HOTKEYS[index] if 0 <= index < len(HOTKEYS) else ""


@register.filter
def duration(seconds) -> str:
    """Seconds as m:ss (or h:mm:ss), for wait and handling times."""
    if seconds is None:
        return "—"
    seconds = int(round(float(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


@register.simple_tag
def contacts_query(base: dict, **extra) -> str:
    """The query string of the contact list behind a figure: the period plus one filter."""
    params = {**base, **{k: v for k, v in extra.items() if v not in (None, "")}}
    return urlencode(params)


@register.filter
def share(part, whole) -> str:
    """``part`` as a percentage of ``whole`` with one decimal."""
    return f"{100.0 * part / whole:.1f}%" if whole else "—"
