"""How the satisfaction page's numbers read: a decimal point in both languages, like the
statement ("3.25", "33.33%"), an em dash for a figure with nothing to count."""

from django import template

from apps.core.templatetags.dates import localise_digits

register = template.Library()


@register.filter
def average(value) -> str:
    return "—" if value is None else localise_digits(f"{value:.2f}")


@register.filter
def pct(value) -> str:
    return "—" if value is None else localise_digits(f"{value:,.2f}%")
