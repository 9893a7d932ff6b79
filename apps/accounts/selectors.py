"""Reads of staff accounts for the staff administration pages."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.models import Department, StaffSession, User


def _count(queryset) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.values("user").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
        ),
        Value(0),
    )


def staff_with_facts(*, now: datetime | None = None) -> QuerySet[User]:
    """Staff with what the pages show about each, in a fixed number of queries: department,
    deputy, roles (one prefetch), whether two-factor sign-in is set up, and how many live
    sessions and API tokens they hold."""
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from rest_framework.authtoken.models import Token

    now = now or timezone.now()
    live = Session.objects.filter(expire_date__gt=now).values("session_key")
    return (
        User.objects.select_related("department", "deputy")
        .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name")))
        .annotate(
            has_two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            sessions_count=_count(StaffSession.objects.filter(user=OuterRef("pk"), session_key__in=live)),
            tokens_count=_count(Token.objects.filter(user=OuterRef("pk"))),
        )
    )


def staff_list(
    *, query: str = "", role: str = "", department: Department | None = None, active: bool | None = None
) -> QuerySet[User]:
    rows = staff_with_facts()
    query = (query or "").strip()
    if query:
        rows = rows.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(full_name_ar__icontains=query)
            | Q(email__icontains=query)
        )
    if role:
        rows = rows.filter(groups__name=role)
    if department is not None:
        rows = rows.filter(department=department)
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows.order_by("username")


def staff_get(*, pk: int) -> User | None:
    return staff_with_facts().filter(pk=pk).first()


def deputy_candidates(*, user: User | None = None) -> QuerySet[User]:
    rows = User.objects.filter(is_active=True).order_by("username")
    return rows.exclude(pk=user.pk) if user is not None and user.pk else rows


def active_departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).order_by("code")
