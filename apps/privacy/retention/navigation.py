"""The retention page in the staff navigation (the "Data protection" menu)."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import NavEntry, register

VIEW_PERMISSION = "privacy_retention.view_retentionpolicy"
RUN_PERMISSION = "privacy_retention.run_retention"
HOLD_PERMISSION = "privacy_retention.manage_legal_hold"


def register_entries() -> None:
    register(
        NavEntry(
            "privacy_retention:desk",
            _("Retention"),
            "privacy_retention:desk",
            VIEW_PERMISSION,
            order=50,
            group="privacy",
        )
    )
