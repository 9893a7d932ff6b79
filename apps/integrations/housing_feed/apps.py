from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingFeedConfig(AppConfig):
    name = "apps.integrations.housing_feed"
    label = "integrations_housing_feed"
    verbose_name = _("Housing-file feed")

    def ready(self):
        from apps.citizens import timeline
        from apps.integrations.housing_feed import notify, selectors

        timeline.register("housing_file", selectors.HOUSING_CHANGES_TIMELINE)
        notify.register_events()
