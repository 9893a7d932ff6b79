"""The committee's entries in the staff navigation."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import NavEntry, register

register(
    NavEntry(
        "committee:pool",
        _("Committee referrals"),
        "committee:pool",
        "accounts.view_committee",
        order=60,
        group="committee",
    )
)
register(
    NavEntry(
        "committee:meetings",
        _("Committee meetings"),
        "committee:meetings",
        "accounts.view_committee",
        order=61,
        group="committee",
    )
)
