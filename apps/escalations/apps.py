from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationsConfig(AppConfig):
    name = "apps.escalations"
    label = "escalations"
    verbose_name = _("Under Your Command")

    def ready(self):
        from apps.escalations import dashboard

        dashboard.register_panels()
        from apps.core.navigation import NavEntry, register
        from apps.escalations import integrations, selectors
        from apps.escalations.models import Delegation

        selectors.delegations_cache.watch(Delegation)

        # Shown to senior management, administrators and a deputy while they hold a queue.
        register(
            NavEntry(
                "escalations:queue",
                _("Under Your Command"),
                "escalations:queue",
                selectors.can_use_queue,
                order=30,
                group="management",
            )
        )
        register(
            NavEntry(
                "escalations:info_requests",
                _("Questions from senior management"),
                "escalations:info_requests",
                "accounts.work_department_queue",
                order=31,
                group="desk",
            )
        )
        integrations.connect()
        selectors.register_confidentiality()
