"""The SLA engine's domain errors: each refusal has its own machine code and a bilingual message."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import Conflict, NotFound, ValidationFailed


class PolicyInvalid(ValidationFailed):
    code = "sla_policy_invalid"
    default_message = _("This SLA policy is not valid.")


class PolicyScopeTaken(Conflict):
    code = "sla_policy_scope_taken"
    default_message = _(
        "A policy for this kind, channel and priority already exists; add a new version to it."
    )


class PolicyNotFound(NotFound):
    code = "sla_policy_missing"
    default_message = _("No SLA policy applies to this kind, channel and priority.")


class CalendarInputInvalid(ValidationFailed):
    code = "sla_calendar_invalid"
    default_message = _("This calendar entry is not valid.")


class CalendarOverlap(Conflict):
    code = "sla_calendar_overlap"
    default_message = _("These dates overlap another entry.")


class CalendarChangeRefused(Conflict):
    code = "sla_calendar_change_moves_met_clocks"
    default_message = _(
        "This calendar change would move deadlines that have already been met or breached, so it is refused."
    )


class ExtensionRefused(ValidationFailed):
    code = "sla_extension_refused"
    default_message = _("This extension is not allowed.")
