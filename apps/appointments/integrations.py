"""Where appointments plug into the other apps, connected from ``AppConfig.ready()``:
the notification events, the citizen's 360° timeline and the staff navigation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def connect() -> None:
    from apps.appointments import notify, selectors
    from apps.citizens import timeline
    from apps.core.navigation import NavEntry, register

    notify.register_events()
    timeline.register("appointment", selectors.APPOINTMENTS_TIMELINE)
    register(
        NavEntry(
            "appointments:desk",
            _("Front desk"),
            "appointments:desk",
            selectors.DESK_PERMISSION,
            40,
            group="desk",
        )
    )
    register(
        NavEntry(
            "appointments:figures",
            pgettext_lazy("branch visits", "Appointment figures"),
            "appointments:figures",
            selectors.FIGURES_PERMISSION,
            41,
            group="management",
        )
    )
