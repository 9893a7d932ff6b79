"""The one date and number policy of every page: these filters, and nothing else, show a time.

- Lists: ``day_date`` (``3 ديسمبر 2026`` / ``3 Dec 2026``) and ``moment`` (with ``13:51``):
  the month by name, so no date reads two ways (never ``12/03/2026``).
- Detail pages: ``dual_date`` / ``dual_datetime``, the same with the Hijri (Umm al-Qura)
  date beside it.
- Durations: ``working_duration`` in working days and hours (``5 أيام عمل``), with
  Arabic's six plural forms; ``calendar_days`` for calendar-day windows.
- Digits: Western by default; Arabic-Indic (``١٣:٥١``) on Arabic pages when
  ``HOUSING_ARABIC_INDIC_DIGITS`` is on. ``number`` applies the same rule to a count.

Input fields keep ISO values (``2026-12-03``): that is what date pickers read and write.
"""

from __future__ import annotations

import datetime

from django import template
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from hijridate import Gregorian

register = template.Library()

# The ministry's working day, 07:00–14:00 (apps/sla's calendar default).
WORKING_HOURS_PER_DAY = 7

_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def localise_digits(text: str) -> str:
    """Arabic-Indic digits on Arabic pages when the setting asks for them; else unchanged."""
    if getattr(settings, "HOUSING_ARABIC_INDIC_DIGITS", False) and translation.get_language() == "ar":
        return str(text).translate(_ARABIC_INDIC)
    return str(text)


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def format_day(value) -> str:
    """``3 ديسمبر 2026`` / ``3 Dec 2026`` (the policy's date, for Python code too)."""
    if value in (None, ""):
        return ""
    return localise_digits(formats.date_format(_local(value), "DATE_FORMAT"))


def format_moment(value) -> str:
    """``3 ديسمبر 2026 13:51`` / ``3 Dec 2026 13:51``; a plain date gives ``format_day``."""
    if value in (None, ""):
        return ""
    if not isinstance(value, datetime.datetime):
        return format_day(value)
    return localise_digits(formats.date_format(_local(value), "DATETIME_FORMAT"))


@register.filter
def day_date(value) -> str:
    return format_day(value)


@register.filter
def moment(value) -> str:
    return format_moment(value)


@register.filter
def clock_time(value) -> str:
    """``13:51`` (a time, or the local time of a datetime)."""
    if value in (None, ""):
        return ""
    return localise_digits(formats.time_format(_local(value), "H:i"))


@register.filter
def number(value) -> str:
    if value in (None, ""):
        return ""
    return localise_digits(formats.number_format(value))


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
    return localise_digits(f"{hijri.day} {hijri.month_name(language)} {hijri.year}")


@register.filter
def dual_date(value) -> str:
    """Gregorian date with the Hijri date beside it, as safe HTML (detail pages)."""
    if value in (None, ""):
        return ""
    return format_html(
        '{} <small class="text-body-secondary">({})</small>', format_day(value), hijri_date(value)
    )


@register.filter
def dual_datetime(value) -> str:
    if value in (None, ""):
        return ""
    value = timezone.localtime(value)
    return format_html(
        '{} {} <small class="text-body-secondary">({})</small>',
        format_day(value),
        clock_time(value),
        hijri_date(value),
    )


def format_working_duration(
    value: datetime.timedelta | None, hours_per_day: int = WORKING_HOURS_PER_DAY
) -> str:
    """A working-time duration in working days and hours: ``5 أيام عمل و3 ساعات``.

    Under a day it reads in hours and minutes; minutes are dropped once days are counted
    (a deadline two days away does not need them).
    """
    if value is None:
        return "—"
    minutes = max(int(value.total_seconds() // 60), 0)
    days, rest = divmod(minutes, hours_per_day * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        day_text = ngettext("%(count)d working day", "%(count)d working days", days) % {"count": days}
        if hours:
            hour_text = ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
            text = gettext("%(days)s and %(hours)s") % {"days": day_text, "hours": hour_text}
        else:
            text = day_text
    elif hours:
        text = ngettext("%(count)d working hour", "%(count)d working hours", hours) % {"count": hours}
        if minutes:
            minute_text = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
            text = gettext("%(hours)s and %(minutes)s") % {"hours": text, "minutes": minute_text}
    else:
        text = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    return localise_digits(text)


@register.filter
def working_duration(value) -> str:
    return format_working_duration(value)


@register.filter
def calendar_days(value) -> str:
    """A count of calendar days: ``7 أيام``, ``يومان``, ``11 يوماً`` (Arabic plural forms)."""
    if value in (None, ""):
        return ""
    days = value.days if isinstance(value, datetime.timedelta) else int(value)
    return localise_digits(ngettext("%(count)d day", "%(count)d days", days) % {"count": days})
