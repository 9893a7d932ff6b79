"""Left-to-right tokens (review numbers, phones, CPR numbers) inside right-to-left pages."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def ltr(value) -> str:
    """Wrap the value in ``<bdi dir="ltr">`` so it reads correctly inside Arabic text."""
    if value in (None, ""):
        return ""
    return format_html('<bdi dir="ltr" class="ltr-token">{}</bdi>', value)
