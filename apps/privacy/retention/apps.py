from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "apps.privacy.retention"
    label = "privacy_retention"
    verbose_name = _("Retention")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core import checks

        from apps.privacy.retention import kinds, navigation

        navigation.register_entries()
        checks.register(kinds.check_minimums)
