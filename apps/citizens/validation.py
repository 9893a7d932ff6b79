"""Normalising what people type: CPR numbers and phone numbers (region BH)."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from django.utils.translation import gettext as _

from apps.core.errors import ValidationFailed
from apps.core.text import latin_digits

_SEPARATORS = re.compile(r"[\s\-./()\u200e\u200f\u2066-\u2069]")


def normalize_cpr(value: str, *, field: str = "cpr") -> str:
    """Return the 9-digit CPR from input with Arabic-Indic digits, spaces or dashes."""
    cleaned = _SEPARATORS.sub("", latin_digits(str(value or "")))
    if not re.fullmatch(r"\d{9}", cleaned):
        raise ValidationFailed(
            _("A CPR number is exactly 9 digits."),
            code="invalid_cpr",
            details={field: [_("Enter 9 digits.")]},
        )
    return cleaned


def normalize_phone(value: str, *, field: str = "phone") -> str:
    """Return the number in E.164 (+973…), reading local numbers as Bahraini."""
    raw = latin_digits(str(value or "")).strip()
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    e164 = _e164(raw)
    if e164 is None:
        raise ValidationFailed(
            _("This is not a valid phone number."),
            code="invalid_phone",
            details={
                field: [_("Enter a Bahraini number such as 3600 1234, or an international one with +.")]
            },
        )
    return e164


# Parsing is the costly part of a number (a ticket's creation read the same one half a dozen
# times); its answer depends on the text alone, so it is kept per process.
@lru_cache(maxsize=8192)
def _e164(raw: str) -> str | None:
    try:
        number = phonenumbers.parse(raw, "BH")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=8192)
def is_mobile(e164: str) -> bool:
    number = phonenumbers.parse(e164, "BH")
    return phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def looks_like_cpr(value: str) -> bool:
    return bool(re.fullmatch(r"\d{9}", _SEPARATORS.sub("", latin_digits(str(value or "")))))
