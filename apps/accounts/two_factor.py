"""Staff two-factor sign-in: who needs it, and where a session stands.

Built on django-otp: a TOTP device (an authenticator app) and a static device holding ten
single-use recovery codes. Roles listed in ``HOUSING_TWO_FACTOR_REQUIRED_ROLES`` (senior
management, supervisors and administrators by default; a superuser counts as an
administrator) must use it; anyone else may turn it on, and once on it is asked every time.

How a sign-in goes:

1. The password form signs the user in as usual. ``on_user_logged_in`` then writes the
   session's state under ``STATE_KEY``: ``verify`` (has an authenticator: ask for a code),
   ``enrol`` (must have one and has none: set it up now) or ``done``.
2. ``TwoFactorMiddleware`` sends a session in ``verify`` or ``enrol`` to that page, whatever
   it asks for; the API refuses it (``VerifiedSessionAuthentication``). API tokens of
   systems are not sessions and are not affected.
3. A right code (``complete``) marks the session ``done`` with a new session key.

The state lives in the session so a signed-in page costs no query for it. A session without
a state (made before this existed, or behind ``login()``'s back) is judged once, on its next
request.
"""

from __future__ import annotations

import django_otp
from django.conf import settings
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.roles import Role
from apps.core.text import latin_digits

STATE_KEY = "hc_two_factor"
VERIFY = "verify"
ENROL = "enrol"
DONE = "done"
PENDING = frozenset({VERIFY, ENROL})

RECOVERY_DEVICE_NAME = "recovery"
AUTHENTICATOR_DEVICE_NAME = "authenticator"


def required_roles() -> set[str]:
    return set(settings.HOUSING_TWO_FACTOR_REQUIRED_ROLES)


def check_required_roles(app_configs=None, **kwargs):
    """System check: a misspelt role in the setting would silently require nobody."""
    from django.core.checks import Error

    unknown = sorted(required_roles() - set(Role.values))
    if not unknown:
        return []
    return [
        Error(
            f"HOUSING_TWO_FACTOR_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}.",
            hint=f"Roles are: {', '.join(Role.values)}.",
            id="accounts.E001",
        )
    ]


def is_required_for(user) -> bool:
    roles = required_roles()
    if user.is_superuser and Role.ADMINISTRATOR.value in roles:
        return True
    return user.groups.filter(name__in=roles).exists()


def authenticator_of(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    device = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True).first()
    return device.token_set.count() if device else 0


def state_for(user) -> str:
    if is_enrolled(user):
        return VERIFY
    if is_required_for(user):
        return ENROL
    return DONE


def session_state(request) -> str | None:
    session = getattr(request, "session", None)
    return session.get(STATE_KEY) if session is not None else None


def is_pending(request) -> bool:
    return session_state(request) in PENDING


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    """After the password: what the session still needs (step 1 above)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    session[STATE_KEY] = state_for(user)


def normalise_code(code: str) -> str:
    """What people type: Arabic-Indic digits, spaces, dashes, capitals."""
    return latin_digits(code or "").replace(" ", "").replace("-", "").strip().lower()


def complete(request, user, code: str) -> bool:
    """Check ``code`` against the user's authenticator, then their recovery codes; on a
    match mark the session verified under a new key (step 3 above).

    django-otp refuses a TOTP code already used and slows repeated failures down
    (``verify_is_allowed``: each failure doubles the wait), so six digits cannot be guessed
    by brute force; a recovery code is deleted once used.
    """
    code = normalise_code(code)
    if not code:
        return False
    devices: list = []
    if code.isascii() and code.isdecimal():
        devices.extend(TOTPDevice.objects.filter(user=user, confirmed=True))
    devices.extend(StaticDevice.objects.filter(user=user, confirmed=True))
    for device in devices:
        if device.verify_token(code):
            mark_verified(request, device)
            return True
    return False


def mark_verified(request, device) -> None:
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session[STATE_KEY] = DONE
