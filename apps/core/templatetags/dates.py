"""Dates shown Gregorian with the Hijri (Umm al-Qura) date beside them."""

from __future__ import annotations

import datetime

from django import template
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from hijridate import Gregorian

register = template.Library()


@register.filter
def hijri_date(value) -> str:
    """``18 جمادى الآخرة 1448`` (or the English month name when English is active)."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    try:
        hijri = Gregorian(value.year, value.month, value.day).to_hijri()
    except (OverflowError, ValueError):  # outside the Umm al-Qura table (1343–1500 AH)
        return ""
    language = "ar" if translation.get_language() == "ar" else "en"
    return f"{hijri.day} {hijri.month_name(language)} {hijri.year}"


@register.filter
def dual_date(value) -> str:
    """Gregorian date with the Hijri date beside it, as safe HTML."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    gregorian = formats.date_format(value, "DATE_FORMAT")
    return format_html('{} <small class="text-body-secondary">({})</small>', gregorian, hijri_date(value))


@register.filter
def dual_datetime(value) -> str:
    if value in (None, ""):
        return ""
    value = timezone.localtime(value)
    return format_html(
        '{} {} <small class="text-body-secondary">({})</small>',
        formats.date_format(value, "DATE_FORMAT"),
        formats.time_format(value, "H:i"),
        hijri_date(value),
    )
