"""The citizen's identity on the portal's data-protection pages: CPR, the mobile on file and
a one-time code by SMS (``apps.core.otp``, the same rules as the appointments sign-in).

The code step answers the same whether or not the CPR and the mobile go together (a decoy
code is issued otherwise, never sent and never verifying); a wrong code, or details that do
not match, are refused with one message that does not say which part was wrong.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.citizens import code_sign_in
from apps.core import otp
from apps.core.errors import ValidationFailed
from apps.privacy.requests import notify

SIGN_IN_PURPOSE = "privacy"
DOWNLOAD_PURPOSE = "privacy_download"


class IdentityNotConfirmed(ValidationFailed):
    code = "identity_not_confirmed"
    default_message = _(
        "We could not confirm your identity: the CPR number, the mobile number and the code do not"
        " match our records together. Check them and try again."
    )


def code_request(
    *, cpr: str, mobile: str, ip: str, purpose: str = SIGN_IN_PURPOSE, now: datetime | None = None
) -> dict:
    """Send a code to ``mobile`` if the CPR's file holds it (a decoy otherwise)."""
    return code_sign_in.code_request(
        purpose=purpose, cpr=cpr, mobile=mobile, ip=ip, send=notify.queue_code, now=now
    )


def code_verify(
    *, cpr: str, mobile: str, code: str, ip: str, purpose: str = SIGN_IN_PURPOSE, now: datetime | None = None
):
    """The citizen the code proves. A wrong code and a CPR that does not go with the mobile
    are one refusal (``IdentityNotConfirmed``, with the tries left); expired and spent codes
    say so. Called outside any transaction: a counted try must stand."""
    try:
        return code_sign_in.code_verify(purpose=purpose, cpr=cpr, mobile=mobile, code=code, ip=ip, now=now)
    except otp.OtpWrong as exc:
        left = (exc.details or {}).get("tries_left")
        message = IdentityNotConfirmed.default_message
        if left:
            message = ngettext(
                "We could not confirm your identity: the CPR number, the mobile number and the code do not"
                " match our records together. You have %(left)d more try.",
                "We could not confirm your identity: the CPR number, the mobile number and the code do not"
                " match our records together. You have %(left)d more tries.",
                left,
            ) % {"left": left}
        raise IdentityNotConfirmed(
            message, details={"code": [str(IdentityNotConfirmed.default_message)]}
        ) from None
