from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "apps.privacy.retention"
    label = "privacy_retention"
    verbose_name = _("Retention")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core import checks
        from django.db.models.signals import post_migrate

        from apps.privacy.retention import kinds, navigation

        navigation.register_entries()
        checks.register(kinds.check_minimums)
        # Every kind has its policy (inactive until switched on) after a migrate, and also after
        # a flush, which empties the table the seeding migration filled.
        post_migrate.connect(_ensure_policies, sender=self)


def _ensure_policies(*, using="default", **kwargs) -> None:
    from apps.privacy.retention.kinds import ALLOWED_ACTIONS, DEFAULT_PERIODS
    from apps.privacy.retention.models import RetentionPolicy

    for kind, months in DEFAULT_PERIODS.items():
        RetentionPolicy.objects.using(using).get_or_create(
            kind=kind, defaults={"months": months, "action": ALLOWED_ACTIONS[kind][0], "is_active": False}
        )
