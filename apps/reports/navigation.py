"""The statement's entry in the staff navigation (the management menu)."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import NavEntry, register

VIEW_PERMISSION = "reports.view_statement"
APPROVE_PERMISSION = "reports.approve_statement"


def register_entries() -> None:
    register(
        NavEntry(
            "reports:statement",
            _("Monthly statement"),
            "reports:statement",
            VIEW_PERMISSION,
            order=80,
            group="management",
        )
    )
    register(
        NavEntry(
            "reports:satisfaction",
            _("Citizen satisfaction"),
            "reports:satisfaction",
            VIEW_PERMISSION,
            order=81,
            group="management",
        )
    )
