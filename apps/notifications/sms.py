"""SMS facts: phone numbers that can receive one, and how many segments a text takes.

Segments: a text made only of GSM 03.38 characters is sent 7-bit, 160 characters in one
segment or 153 per segment when concatenated (characters of the extension table count
twice and are never split across segments). Anything else — Arabic, or even one
directional isolate mark — is sent as UCS-2, 70 UTF-16 units in one segment or 67 per
segment when concatenated (a surrogate pair is never split).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext as _

from apps.core.errors import ValidationFailed
from apps.core.text import latin_digits

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    per_segment: int  # capacity of each segment at this length

    @property
    def characters(self) -> int:
        return self.units


def _pack(costs: list[int], single: int, multi: int) -> tuple[int, int]:
    total = sum(costs)
    if total <= single:
        return (1 if total else 0), single
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            segments += 1
            used = 0
        used += cost
    return segments, multi


def sms_length(text: str) -> SmsLength:
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text):
        costs = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
        segments, per = _pack(costs, 160, 153)
        return SmsLength("GSM-7", sum(costs), segments, per)
    costs = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    segments, per = _pack(costs, 70, 67)
    return SmsLength("UCS-2", sum(costs), segments, per)


_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


class UnusablePhone(ValidationFailed):
    code = "invalid_phone"


def normalise_mobile(raw: str) -> str:
    """The number in E.164 if it can receive an SMS; ``UnusablePhone`` saying why if not."""
    cleaned = latin_digits(str(raw or "")).strip()
    if not cleaned:
        raise UnusablePhone(_("There is no mobile number to send the SMS to."), code="missing_phone")
    verdict, e164 = _classified(cleaned, getattr(settings, "PHONENUMBER_DEFAULT_REGION", "BH"))
    if verdict == "unparsable":
        raise UnusablePhone(_("“%(number)s” is not a phone number.") % {"number": cleaned})
    if verdict == "invalid":
        raise UnusablePhone(_("“%(number)s” is not a valid phone number.") % {"number": cleaned})
    if verdict == "not_mobile":
        raise UnusablePhone(
            _("“%(number)s” is a landline or service number and cannot receive SMS.") % {"number": cleaned},
            code="not_mobile",
        )
    return e164


# What a number is depends on its text and the region alone, and parsing it is the costly
# part: the answers are kept per process (a ticket's creation asks about the same number
# several times).
@lru_cache(maxsize=8192)
def _classified(cleaned: str, region: str) -> tuple[str, str]:
    try:
        number = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException:
        return "unparsable", ""
    if not phonenumbers.is_valid_number(number):
        return "invalid", ""
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        return "not_mobile", ""
    return "mobile", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone_key(raw: str) -> str:
    """E.164 when the number parses at all (for look-ups), otherwise the digits as given."""
    cleaned = latin_digits(str(raw or "")).strip()
    return _phone_key(cleaned, getattr(settings, "PHONENUMBER_DEFAULT_REGION", "BH"))


@lru_cache(maxsize=8192)
def _phone_key(cleaned: str, region: str) -> str:
    try:
        number = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException:
        return cleaned
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
