from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SlaConfig(AppConfig):
    name = "apps.sla"
    label = "sla"
    verbose_name = _("Service levels and calendar")

    def ready(self):
        from apps.citizens import timeline
        from apps.core.navigation import NavEntry, register
        from apps.sla import clock_selectors, notify, signals
        from apps.tickets import selectors as ticket_selectors

        signals.connect()
        self._watch_policies()
        notify.register_events()
        # Extensions in the citizen's 360° timeline, and (new date and reason only) on the
        # tracking page; the staff timeline of the ticket reads them in tickets.selectors.
        timeline.register("sla_extension", clock_selectors.extensions_timeline())
        ticket_selectors.register_public_replies(
            "sla",
            ticket_selectors.PublicReplySource(
                rows=clock_selectors.public_extension_rows, render=clock_selectors.public_extension_reply
            ),
        )
        register(
            NavEntry(
                "sla:dashboard",
                pgettext_lazy("SLA", "Deadlines"),
                "sla:dashboard",
                "sla.view_sla_dashboard",
                order=40,
                group="management",
            )
        )

    @staticmethod
    def _watch_policies() -> None:
        """Every process keeps a copy of the policies (``selectors.policies_cache``); any
        write to them, by a service or the admin, makes every process reload it."""
        from apps.sla.models import Policy, PolicyVersion
        from apps.sla.selectors import policies_cache

        policies_cache.watch(Policy, PolicyVersion)
