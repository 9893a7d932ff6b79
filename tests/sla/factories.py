from datetime import date, time, timedelta

import factory

from apps.sla.models import Closure, Holiday, ShortenedHours


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holiday

    date = factory.Sequence(lambda n: date(2026, 10, 1) + timedelta(days=n))
    name_ar = "عطلة"
    name_en = "Holiday"
    source = Holiday.Source.MANUAL


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    start_date = date(2026, 11, 1)
    end_date = date(2026, 11, 2)
    name_ar = "إغلاق"
    name_en = "Closure"


class ShortenedHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShortenedHours

    start_date = date(2027, 2, 8)
    end_date = date(2027, 3, 8)
    opens_at = time(8, 0)
    closes_at = time(13, 0)
    name_ar = "رمضان"
    name_en = "Ramadan"
