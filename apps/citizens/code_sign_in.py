"""A citizen proves who they are on the portal with their CPR, the mobile on their file and a
one-time code sent to it by SMS (``apps.core.otp``). Shared by every portal flow that needs it
(appointments, data-protection requests); each flow has its own ``purpose`` and its own SMS.

The code step answers the same whether or not the CPR and the mobile go together: a decoy code
is issued otherwise, counted against the limits, never sent and never verifying, so the page
tells nobody whose number is whose. Both steps run outside any transaction (a counted try must
stand; see ``otp_issue``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from apps.core import otp
from apps.core.errors import ValidationFailed

logger = logging.getLogger(__name__)


def mobile_for_code(value: str) -> str:
    """The number as stored (E.164), refused unless it is a mobile that can receive an SMS."""
    from apps.citizens.validation import is_mobile, normalize_phone

    phone = normalize_phone(value, field="mobile")
    if not is_mobile(phone):
        raise ValidationFailed(
            _("Give a mobile number: the code is sent to it by SMS."),
            code="not_a_mobile",
            details={"mobile": [_("Enter a mobile number.")]},
        )
    return phone


def _on_file(citizen, phone: str) -> bool:
    return citizen is not None and phone in {str(p.number) for p in citizen.phones.all()}


def code_request(
    *,
    purpose: str,
    cpr: str,
    mobile: str,
    ip: str,
    send: Callable[..., object],
    now: datetime | None = None,
) -> dict:
    """Issue a code for ``purpose`` and ``send(phone=, code=, minutes=, language=)`` it if the
    CPR's file holds the mobile (a decoy otherwise). The answer: the normalised CPR and mobile."""
    from apps.citizens import selectors as citizen_selectors
    from apps.citizens.validation import normalize_cpr

    cpr = normalize_cpr(cpr)
    phone = mobile_for_code(mobile)
    citizen = citizen_selectors.citizen_by_cpr(cpr=cpr)
    on_file = _on_file(citizen, phone)
    issued = otp.otp_issue(
        purpose=purpose, subject=f"{cpr}|{phone}", recipient=phone, ip=ip, decoy=not on_file, now=now
    )
    if on_file:
        send(phone=phone, code=issued.code, minutes=issued.ttl_minutes, language=citizen.language)
    else:
        logger.info(
            "%s: a code was asked for a CPR and mobile that do not match the records (ip %s)", purpose, ip
        )
    return {"cpr": cpr, "mobile": phone}


def code_verify(*, purpose: str, cpr: str, mobile: str, code: str, ip: str, now: datetime | None = None):
    """The citizen whose CPR and mobile the code proves (``otp_verify`` counts a wrong try and
    locks out after the last; expired and spent codes say so)."""
    from apps.citizens import selectors as citizen_selectors

    def accept():
        citizen = citizen_selectors.citizen_by_cpr(cpr=cpr)
        if not _on_file(citizen, mobile):  # cannot happen for a real code; a decoy never verifies
            raise otp.OtpWrong()
        return citizen

    return otp.otp_verify(purpose=purpose, subject=f"{cpr}|{mobile}", code=code, ip=ip, then=accept, now=now)
