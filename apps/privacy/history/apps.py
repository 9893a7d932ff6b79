from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    name = "apps.privacy.history"
    label = "privacy_history"
    verbose_name = _("Change history")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apps.accounts import staff_panels
        from apps.citizens import timeline
        from apps.core.navigation import NavEntry, register

        from . import selectors, triggers
        from .panels import staff_history_panel

        triggers.register_all()
        staff_panels.register(
            staff_panels.StaffPanel("history", _("Change history"), staff_history_panel, order=10)
        )
        timeline.register("file_change", selectors.file_changes_timeline())
        register(
            NavEntry(
                "privacy_history:search",
                _("Change history"),
                "privacy_history:search",
                selectors.SEARCH_PERMISSION,
                10,
                group="privacy",
            )
        )
