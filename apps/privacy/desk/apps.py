from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "apps.privacy.desk"
    label = "privacy_desk"
    verbose_name = _("Data-protection desk")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apps.core.navigation import NavEntry, register
        from apps.privacy.desk import alerts

        alerts.register_events()
        for key, label, permission, order in (
            ("home", _("Data-protection desk"), "privacy_desk.view_privacy_desk", 10),
            ("reads", _("Read log"), "privacy_desk.view_read_log", 20),
            ("alerts", _("Unusual reading"), "privacy_desk.view_alerts", 30),
            ("subject_access", _("Subject access"), "privacy_desk.produce_subject_access_archive", 40),
        ):
            register(
                NavEntry(
                    f"privacy_desk:{key}",
                    label,
                    f"privacy_desk:{key}",
                    permission,
                    order=order,
                    group="privacy",
                )
            )
