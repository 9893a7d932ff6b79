"""Failed sign-ins: a lock per username and address, and a slower back-off per username.

django-axes counts failures per (username, client address), the address read through
``HOUSING_TRUSTED_PROXIES`` (``AXES_CLIENT_IP_CALLABLE`` is ``client_address`` below, on ``apps.core.clients.client_ip``).
At the ``AXES_FAILURE_LIMIT``-th failure that pair is locked for ``AXES_COOLOFF_TIME``; the
same username from any other address is untouched, so a stranger who knows a username
cannot lock its owner out from everywhere.

What a per-address lock alone does not stop is guessing from many addresses. So the failures
of one username from *all* addresses are added up too; past
``HOUSING_LOGIN_ACCOUNT_FAILURES`` within the cool-off window the username accepts one
attempt per ``HOUSING_LOGIN_ACCOUNT_BACKOFF_SECONDS`` and answers the others as locked
(``request.hc_login_backoff`` lets the page say "wait a minute", not "15 minutes"). The
owner is slowed by at most that interval, never locked; a guesser spread over a thousand
addresses gets one guess a minute. Refused attempts are not counted
(``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False``), so hammering a lock does not
prolong it.
"""

from __future__ import annotations

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from apps.core.clients import client_ip


def client_address(request) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE``: the client's address through the trusted proxies, or None
    when the request has none (a test client's ``force_login``): axes stores it in an
    address column."""
    address = client_ip(request)
    return None if address == "unknown" else address


def account_backoff_active(username: str | None, *, now=None) -> bool:
    """Whether ``username`` has failed often enough, from all addresses together, that the
    next attempt must wait for the back-off interval since the last failure."""
    if not username:
        return False
    now = now or timezone.now()
    window_start = now - timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=window_start).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    if (recent["failures"] or 0) < settings.HOUSING_LOGIN_ACCOUNT_FAILURES:
        return False
    return now - recent["last"] < timedelta(seconds=settings.HOUSING_LOGIN_ACCOUNT_BACKOFF_SECONDS)


class LoginLockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler plus the per-username back-off."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        now = getattr(request, "axes_attempt_time", None) or timezone.now()
        if account_backoff_active(get_client_username(request, credentials), now=now):
            request.hc_login_backoff = True
            return True
        return False
