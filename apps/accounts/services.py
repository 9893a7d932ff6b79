"""Writes to staff accounts and roles."""

from __future__ import annotations

import logging

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Department, User
from apps.accounts.roles import ROLES_NEEDING_DEPARTMENT, Role
from apps.core.errors import PermissionDenied, ValidationFailed

logger = logging.getLogger(__name__)


def user_set_language(*, user: User, language: str, actor: User) -> User:
    if language not in User.Language.values:
        raise ValidationFailed(_("Unknown language."), code="unknown_language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    roles: list[Role],
    actor: User | None,
    first_name: str = "",
    last_name: str = "",
    full_name_ar: str = "",
    email: str = "",
    department: Department | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a staff member with their roles; a department officer must have a department.

    The password must pass ``AUTH_PASSWORD_VALIDATORS`` (at least 12 characters, not on the
    common-password list, not like the username), as the admin's forms already require.
    """
    if any(role in ROLES_NEEDING_DEPARTMENT for role in roles) and department is None:
        raise ValidationFailed(
            _("A department officer must belong to a department."), code="department_required"
        )
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        full_name_ar=full_name_ar,
        email=email,
        department=department,
        is_staff=is_staff or Role.ADMINISTRATOR in roles,
        is_superuser=is_superuser,
    )
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            " ".join(exc.messages), code="weak_password", details={"password": exc.messages}
        ) from None
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
    return user


@transaction.atomic
def department_upsert(*, code: str, name_ar: str, name_en: str, actor: User | None = None) -> Department:
    department, _created = Department.objects.update_or_create(
        code=code, defaults={"name_ar": name_ar, "name_en": name_en}
    )
    return department


# ---- Two-factor sign-in (apps/accounts/two_factor.py says who needs it) -------------------

RECOVERY_CODE_COUNT = 10


@transaction.atomic
def two_factor_enrolment_start(*, user: User, actor: User):
    """A new, not yet confirmed authenticator for ``user`` (any earlier unconfirmed one is
    dropped), whose secret the enrolment page shows as a QR code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.accounts.two_factor import AUTHENTICATOR_DEVICE_NAME

    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_DEVICE_NAME, confirmed=False)


@transaction.atomic
def two_factor_enrolment_confirm(*, user: User, code: str, actor: User) -> list[str]:
    """Confirm the pending authenticator with a code it shows; return new recovery codes.

    1. The code must match the unconfirmed device (so the app really holds the secret).
    2. That device replaces any earlier authenticator.
    3. Ten new recovery codes replace any earlier ones; they are returned to be shown once.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.accounts.two_factor import normalise_code

    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        raise ValidationFailed(_("Start setting up two-factor sign-in again."), code="no_pending_enrolment")
    if not device.verify_token(normalise_code(code)):
        raise ValidationFailed(
            _("That code is not right. Check the time on your phone and try the newest code."),
            code="wrong_code",
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return two_factor_recovery_codes_renew(user=user, actor=actor)


@transaction.atomic
def two_factor_recovery_codes_renew(*, user: User, actor: User) -> list[str]:
    """Ten new single-use recovery codes for ``user``; the earlier ones stop working."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from apps.accounts.two_factor import RECOVERY_DEVICE_NAME

    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def two_factor_reset(*, user: User, actor: User) -> None:
    """Remove ``user``'s authenticator and recovery codes (a lost phone), and end their
    sessions. An administrator does this for anyone; a staff member for whom it is optional
    may turn their own off. If their role requires it, they set it up again at their next
    sign-in."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.accounts import two_factor

    is_self = actor is not None and actor.pk == user.pk
    if is_self and two_factor.is_required_for(user):
        raise PermissionDenied(
            _("Two-factor sign-in is required for your role; an administrator can reset it."),
            code="two_factor_required",
        )
    if not is_self and not (actor and (actor.is_superuser or actor.has_perm("accounts.administer"))):
        raise PermissionDenied()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    if not is_self:
        # Whoever holds a session of theirs (the finder of the phone, say) must sign in anew;
        # through the session store, so the Redis copy of a cached_db session goes too.
        store = import_module(settings.SESSION_ENGINE).SessionStore
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
            if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
                store(session_key=session.session_key).delete()
    logger.info("two-factor sign-in reset for user %s by user %s", user.pk, getattr(actor, "pk", None))
