"""Tag chips and the names of the tags a timeline event added or removed."""

from django import template
from django.utils import translation
from django.utils.html import format_html_join

from apps.tickets.models import Tag

register = template.Library()


@register.simple_tag
def tag_chips(tags):
    """Each tag as a coloured badge (white text on a dark colour: WCAG AA contrast)."""
    return format_html_join(
        " ",
        '<span class="badge hc-tag hc-tag-{}" data-testid="tag-chip" data-tag="{}">{}</span>',
        ((t.colour if t.colour in Tag.Colour.values else "grey", t.pk, t.display_name()) for t in tags),
    )


@register.simple_tag
def tag_chip(tag):
    return tag_chips([tag])


@register.filter
def tag_names(recorded) -> str:
    """The names recorded on a TAGS event (``details["added"]`` or ``["removed"]``), in the
    reader's language, as they were when the change was made."""
    key = "en" if translation.get_language() == "en" else "ar"
    names = [item.get(key) or item.get("ar") or item.get("en") or "" for item in recorded or []]
    # The Arabic comma in Arabic, the Latin one in English.
    return ("، " if key == "ar" else ", ").join(n for n in names if n)
