"""Left-to-right tokens (review numbers, phones, CPR numbers) inside right-to-left pages."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from apps.core.text import LTR_TOKEN

register = template.Library()


@register.filter
def ltr(value) -> str:
    """Wrap the value in ``<bdi dir="ltr">`` so it reads correctly inside Arabic text."""
    if value in (None, ""):
        return ""
    return format_html('<bdi dir="ltr" class="ltr-token">{}</bdi>', value)


@register.filter
def ltr_tokens(value) -> str:
    """Free text (an SMS, a reply) with its URLs, e-mails, review numbers and phones isolated
    left to right, so "2026-004817-3" and "http://…/track/" read whole inside Arabic."""
    if value in (None, ""):
        return ""
    text = conditional_escape(str(value))
    return mark_safe(  # noqa: S308 - the text was escaped above; only <bdi> tags are added
        LTR_TOKEN.sub(lambda m: f'<bdi dir="ltr" class="ltr-token">{m.group(0)}</bdi>', text)
    )
