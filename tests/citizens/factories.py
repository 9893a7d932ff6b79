"""Citizens for the citizens app's tests, made through the service as the app makes them."""

import factory

from apps.citizens import services
from apps.citizens.models import Citizen


class CitizenFactory(factory.Factory):
    class Meta:
        model = Citizen

    cpr = factory.Sequence(lambda n: f"{870000000 + n:09d}")
    name_ar = factory.Sequence(lambda n: f"مواطن {n}")
    name_en = ""
    latin_names = ""
    language = "ar"
    actor = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.citizen_create(**kwargs)
