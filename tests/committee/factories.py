"""Factories for committee tests. Rows are made through the services, so a factory-built
referral has a reference from the sequence and its first event, like a real one."""

import factory

from apps.citizens import services as citizen_services
from apps.citizens.models import Citizen
from apps.committee import services
from apps.committee.models import Referral, SourceKind


class CitizenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citizen

    cpr = factory.Sequence(lambda n: f"{870000000 + n:09d}")
    name_ar = factory.Sequence(lambda n: f"مواطن رقم {n}")
    name_en = factory.Sequence(lambda n: f"Citizen {n}")
    email = factory.Sequence(lambda n: f"citizen{n}@example.bh")
    language = "ar"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        phones = kwargs.pop("phones", ["3600 1234"])
        return citizen_services.citizen_create(actor=None, phones=phones, **kwargs)


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    citizen = factory.SubFactory(CitizenFactory)
    subject = factory.Sequence(lambda n: f"طلب استثناء من شروط الاستحقاق رقم {n}")
    summary = "المواطن يطلب النظر في حالته الخاصة."
    housing_application_number = factory.Sequence(lambda n: f"2019{n:05d}")
    source_kind = SourceKind.TICKET
    source_reference = factory.Sequence(lambda n: f"2026-{n:06d}-7")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.referral_create(actor=kwargs.pop("actor", None), **kwargs)
