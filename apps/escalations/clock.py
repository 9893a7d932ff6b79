"""The case's clock: the decision must reach the citizen within 30 calendar days.

The window comes from the SLA engine: the policy for the ticket's kind on the "uyc" channel
(``apps.sla.selectors.policy_for``; the seeded one is 30 calendar days), its resolution
target, on the Bahrain calendar (``get_calendar``). The version in force when the case was
received is kept on the case, so a later policy change never moves an existing deadline.
When no "uyc" policy covers the case, ``HOUSING_UYC_DEFAULT_DAYS`` calendar days apply.
An extension adds time through ``clocks.extension_allowance``, which refuses one without a
reason or that does not move the deadline later.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from apps.sla import clocks
from apps.sla import selectors as sla_selectors
from apps.sla.business_calendar import Calendar
from apps.sla.clocks import Target, TargetSpec, Unit
from apps.sla.errors import PolicyNotFound
from apps.sla.models import PolicyVersion

UYC_CHANNEL = "uyc"


def _default_spec() -> TargetSpec:
    return TargetSpec(int(settings.HOUSING_UYC_DEFAULT_DAYS), Unit.CALENDAR_DAYS)


def policy_version_for(*, kind: str, priority: str, at: datetime) -> PolicyVersion | None:
    try:
        version = sla_selectors.policy_for(kind=kind, channel=UYC_CHANNEL, priority=priority, at=at)
    except PolicyNotFound:
        return None
    # A kind's own policy (an inquiry's 5 working days) is not a decision window.
    if version.policy.channel != UYC_CHANNEL or Target.RESOLUTION not in version.targets():
        return None
    return version


def spec_of(version: PolicyVersion | None) -> TargetSpec:
    if version is None:
        return _default_spec()
    return version.targets().get(Target.RESOLUTION) or _default_spec()


def due_at(
    *,
    version: PolicyVersion | None,
    received_at: datetime,
    extra_allowance: timedelta = timedelta(0),
    calendar: Calendar | None = None,
) -> datetime:
    return clocks.target_due(
        spec=spec_of(version),
        started_at=received_at,
        calendar=calendar or sla_selectors.get_calendar(),
        extra_allowance=extra_allowance,
    )


def extension(
    *, version: PolicyVersion | None, current_due: datetime, new_due: datetime, reason: str
) -> timedelta:
    """The time an extension adds; ``ExtensionRefused`` without a reason or a later date."""
    return clocks.extension_allowance(
        spec=spec_of(version),
        current_due=current_due,
        new_due=new_due,
        reason=reason,
        calendar=sla_selectors.get_calendar(),
    )
