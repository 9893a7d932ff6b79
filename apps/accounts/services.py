"""Writes to staff accounts and roles."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import Department, User
from apps.accounts.roles import ROLES_NEEDING_DEPARTMENT, Role
from apps.core.errors import ValidationFailed


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
