"""How the statement's numbers read on the page (the exports format them their own way)."""

from django import template
from django.utils.translation import gettext as _

from apps.core.templatetags.dates import localise_digits

register = template.Library()


def format_number(value, unit: str = "count") -> str:
    """The ministry's way in both languages: comma groups, a decimal point ("10,846",
    "97.48%"); Arabic-Indic digits where the setting asks for them."""
    from apps.reports.pdf import pdf_number

    return localise_digits(pdf_number(value, unit))


def format_change(change, unit: str | None) -> str:
    from apps.reports.pdf import pdf_change

    if change is None or unit is None:
        return ""
    text = pdf_change(change, unit)
    if unit == "pt":
        text = _("%(change)s pt") % {"change": text.removesuffix(" pt")}
    return localise_digits(text)


@register.filter
def figure_value(value, unit="count") -> str:
    return format_number(value, unit)


@register.filter
def figure_change(figure) -> str:
    return format_change(figure.change, figure.change_unit)


@register.filter
def direction(change) -> str:
    if change is None:
        return ""
    return "up" if change > 0 else "down" if change < 0 else "same"


@register.filter
def label_in(figure, language) -> str:
    return figure.label(language)


@register.filter
def definition_in(figure, language) -> str:
    return figure.definition(language)


@register.filter
def group_label(group, language) -> str:
    return group.label_ar if language == "ar" else group.label_en


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
