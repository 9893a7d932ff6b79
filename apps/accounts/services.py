"""Writes to staff accounts and roles."""

from __future__ import annotations

import logging

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import Department, User
from apps.accounts.roles import ROLES_NEEDING_DEPARTMENT, Role
from apps.core.errors import Conflict, PermissionDenied, ValidationFailed

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
        # Whoever holds a session of theirs (the finder of the phone, say) must sign in anew.
        staff_sessions_end(user=user)
    logger.info("two-factor sign-in reset for user %s by user %s", user.pk, getattr(actor, "pk", None))


# ---- Staff administration (the pages at /accounts/staff/, apps/accounts/staff_views.py) ----
#
# Accounts are never deleted (their rows carry the history of what they did): they are
# disabled. Every service here takes the acting administrator and checks
# ``accounts.manage_staff`` itself, so a page, an API or a command reach the same rules.

MANAGE_STAFF = "accounts.manage_staff"
# The one lock every change that could leave no active administrator takes first, so two
# such changes (two administrators disabling each other at the same moment) run one after
# the other and the second sees the first's result: a transaction-scoped advisory lock.
_ADMINISTRATORS_LOCK = 190_006


def _require_manager(actor) -> None:
    if actor is None or not actor.is_active or not actor.has_perm(MANAGE_STAFF):
        raise PermissionDenied()


def _lock_administrators() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADMINISTRATORS_LOCK])


def active_administrators():
    """Active accounts that can administer: the administrator role, or a superuser."""
    from django.db.models import Q

    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name=Role.ADMINISTRATOR.value) | Q(is_superuser=True))
        .distinct()
    )


def _refuse_losing_last_administrator(user: User) -> None:
    """Called under ``_lock_administrators`` when ``user`` is about to stop administering."""
    if not active_administrators().exclude(pk=user.pk).exists():
        raise Conflict(
            _(
                "This is the last active administrator: give another active staff member the"
                " administrator role first, then try again."
            ),
            code="last_administrator",
        )


def _check_deputy(user: User | None, deputy: User | None) -> None:
    if deputy is None:
        return
    if user is not None and deputy.pk == user.pk:
        raise ValidationFailed(
            _("A staff member cannot be their own deputy."),
            code="deputy_self",
            details={"deputy": [_("A staff member cannot be their own deputy.")]},
        )
    if not User.objects.filter(pk=deputy.pk, is_active=True).exists():
        message = _("%(name)s is disabled and cannot be a deputy.") % {"name": deputy.display_name()}
        raise ValidationFailed(message, code="deputy_disabled", details={"deputy": [message]})


def _check_department(roles, department) -> None:
    if department is not None and not department.is_active:
        message = _("That department is closed; choose an active one.")
        raise ValidationFailed(message, code="department_inactive", details={"department": [message]})
    if any(role in ROLES_NEEDING_DEPARTMENT for role in roles) and department is None:
        message = _("A department officer must belong to a department.")
        raise ValidationFailed(message, code="department_required", details={"department": [message]})


def _set_password_link(user: User) -> str:
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    path = reverse(
        "accounts:password_set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.HOUSING_PUBLIC_BASE_URL.rstrip("/") + path


def _send_set_password_link(user: User, actor: User) -> None:
    """Queue the one-time link in the outbox (sent after commit; its text is secret).

    The token is Django's password-reset token: it is bound to the password hash and the
    last sign-in, so it stops working once used, and after ``PASSWORD_RESET_TIMEOUT``."""
    from django.conf import settings

    from apps.accounts.notify import SET_PASSWORD
    from apps.notifications.services import notification_queue

    notification_queue(
        event=SET_PASSWORD,
        context={
            "username": user.username,
            "link": _set_password_link(user),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
        recipient_user=user,
        actor=actor,
    )


def _normalise_roles(roles) -> list[Role]:
    try:
        return list(dict.fromkeys(Role(role) for role in roles))
    except ValueError:
        raise ValidationFailed(
            _("Unknown role."), code="unknown_role", details={"roles": [_("Unknown role.")]}
        ) from None


@transaction.atomic
def staff_create(
    *,
    actor: User,
    username: str,
    email: str,
    roles: list[Role],
    first_name: str = "",
    last_name: str = "",
    full_name_ar: str = "",
    department: Department | None = None,
    deputy: User | None = None,
    language: str = User.Language.ARABIC,
) -> User:
    """A new staff member, who chooses their own password.

    1. Only a staff manager; roles known; a department officer needs an (active) department;
       the deputy is another active member.
    2. The account has no usable password: nobody but its owner ever knows it. An e-mail
       address is required, since the one-time link to choose the password goes there
       (through the outbox, after commit).
    3. Roles are set in the same transaction: a refused account leaves nothing behind.
    """
    _require_manager(actor)
    roles = _normalise_roles(roles)
    username = (username or "").strip()
    email = (email or "").strip()
    if not email:
        message = _("An e-mail address is needed: the link to choose a password is sent there.")
        raise ValidationFailed(message, code="email_required", details={"email": [message]})
    if User.objects.filter(username__iexact=username).exists():
        message = _("That username is already taken.")
        raise ValidationFailed(message, code="username_taken", details={"username": [message]})
    _check_department(roles, department)
    _check_deputy(None, deputy)
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        full_name_ar=full_name_ar,
        department=department,
        deputy=deputy,
        language=language,
        is_staff=Role.ADMINISTRATOR in roles,
    )
    user.set_unusable_password()
    _full_clean(user)
    user.save()
    user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
    _send_set_password_link(user, actor)
    logger.info("staff member %s created by user %s", user.pk, actor.pk)
    return user


def _full_clean(user: User) -> None:
    try:
        user.full_clean(exclude=["password"])
    except DjangoValidationError as exc:
        details = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        first = next(iter(details.values()))[0]
        raise ValidationFailed(first, code="invalid", details=details) from None


_UNCHANGED = object()


@transaction.atomic
def staff_update(
    *,
    actor: User,
    user: User,
    roles: list[Role] | None = None,
    department: Department | None | object = _UNCHANGED,
    deputy: User | None | object = _UNCHANGED,
    first_name: str | None = None,
    last_name: str | None = None,
    full_name_ar: str | None = None,
    email: str | None = None,
    language: str | None = None,
) -> User:
    """Change a member's roles, department, deputy or names; what is not given stays.

    Taking the administrator role from the last active administrator is refused (under the
    administrators' lock, so two such changes at once cannot both pass)."""
    _require_manager(actor)
    _lock_administrators()
    user = User.objects.select_for_update().get(pk=user.pk)
    current = set(user.groups.values_list("name", flat=True))
    new_roles = _normalise_roles(roles) if roles is not None else [r for r in Role if r.value in current]
    new_department = user.department if department is _UNCHANGED else department
    # Staying in a department that has since closed is allowed; moving into one is not.
    moving = department is not _UNCHANGED and new_department != user.department
    if moving or new_department is None:
        _check_department(new_roles, new_department)
    if deputy is not _UNCHANGED:
        _check_deputy(user, deputy)
        user.deputy = deputy
    if (
        roles is not None
        and Role.ADMINISTRATOR.value in current
        and Role.ADMINISTRATOR not in new_roles
        and user.is_active
        and not user.is_superuser
    ):
        _refuse_losing_last_administrator(user)
    user.department = new_department
    for field, value in (
        ("first_name", first_name),
        ("last_name", last_name),
        ("full_name_ar", full_name_ar),
        ("email", email),
        ("language", language),
    ):
        if value is not None:
            setattr(user, field, value.strip() if isinstance(value, str) else value)
    if roles is not None:
        user.is_staff = Role.ADMINISTRATOR in new_roles or user.is_superuser
    _full_clean(user)
    user.save()
    if roles is not None and set(r.value for r in new_roles) != current:
        user.groups.set(Group.objects.filter(name__in=[role.value for role in new_roles]))
    logger.info("staff member %s updated by user %s", user.pk, actor.pk)
    return user


def staff_sessions_end(*, user: User) -> int:
    """End every session of ``user`` now (each through the session store, so the Redis copy
    of a cached_db session goes with its row); return how many there were.

    The copies are deleted again after commit: a request that read a row before this
    transaction committed cannot leave a copy behind that outlives it."""
    from importlib import import_module

    from django.conf import settings

    from apps.accounts.models import StaffSession

    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(StaffSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    StaffSession.objects.filter(user=user).delete()

    def forget_copies():
        for key in keys:
            store(session_key=key).delete()

    transaction.on_commit(forget_copies)
    return len(keys)


def staff_tokens_revoke(*, user: User) -> int:
    """Delete ``user``'s API tokens (REST framework's, one per account): refused at once."""
    from rest_framework.authtoken.models import Token

    deleted, _by_model = Token.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def staff_disable(*, actor: User, user: User, reason: str = "") -> User:
    """Disable a staff account (never delete it): it can no longer sign in, and everything
    it holds open is cut now.

    1. Only a staff manager, never oneself; already disabled: nothing to do.
    2. Under the administrators' lock: the last active administrator is not disabled.
    3. ``is_active`` off; every session ended and every API token deleted in the same
       transaction (and an open session is refused even before that: the authentication
       backend reads ``is_active`` on every request).
    4. Whoever had them as deputy has no deputy any more (a disabled account cannot stand in).
    """
    _require_manager(actor)
    if actor.pk == user.pk:
        raise PermissionDenied(
            _("You cannot disable your own account; ask another administrator."), code="disable_self"
        )
    _lock_administrators()
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return user
    if active_administrators().filter(pk=user.pk).exists():
        _refuse_losing_last_administrator(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    sessions = staff_sessions_end(user=user)
    tokens = staff_tokens_revoke(user=user)
    User.objects.filter(deputy=user).update(deputy=None)
    logger.info(
        "staff member %s disabled by user %s (%s sessions, %s tokens ended)%s",
        user.pk,
        actor.pk,
        sessions,
        tokens,
        f": {reason}" if reason else "",
    )
    return user


@transaction.atomic
def staff_enable(*, actor: User, user: User) -> User:
    """Let a disabled member sign in again (with their password; their old sessions and
    tokens stay ended)."""
    _require_manager(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        logger.info("staff member %s enabled by user %s", user.pk, actor.pk)
    return user


@transaction.atomic
def staff_reset_password(*, actor: User, user: User) -> User:
    """The member's password stops working, their sessions end, and a one-time link to choose
    a new one goes to their e-mail address (nobody else ever sees it)."""
    _require_manager(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise Conflict(_("This account is disabled: enable it first."), code="user_disabled")
    if not user.email:
        message = _("This staff member has no e-mail address to send the link to; add one first.")
        raise ValidationFailed(message, code="email_required", details={"email": [message]})
    user.set_unusable_password()
    user.save(update_fields=["password"])
    if user.pk != actor.pk:
        staff_sessions_end(user=user)
    _send_set_password_link(user, actor)
    logger.info("password of staff member %s reset by user %s", user.pk, actor.pk)
    return user


def staff_reset_two_factor(*, actor: User, user: User) -> None:
    """Remove the member's authenticator and recovery codes (a lost phone) and end their
    sessions; they set a new one up at their next sign-in if their role requires it."""
    _require_manager(actor)
    two_factor_reset(user=user, actor=actor)
