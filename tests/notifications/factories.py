import factory
from django.utils import timezone

from apps.notifications.choices import Audience, Channel, State
from apps.notifications.models import MessageTemplate, Notification, NotificationPreference


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    event = "ticket.received"
    channel = Channel.SMS
    state = State.QUEUED
    audience = Audience.CITIZEN
    essential = True
    language = "ar"
    to_phone = factory.Sequence(lambda n: f"+9733600{n % 10000:04d}")
    body = "وزارة الإسكان: رسالة تجريبية"
    send_after = factory.LazyFunction(timezone.now)
    enqueued_at = factory.LazyFunction(timezone.now)


class MessageTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageTemplate

    event = "ticket.received"
    channel = Channel.SMS
    language = "ar"
    subject = ""
    body = "رقم المراجعة {{ review_number }}"


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    key = factory.Sequence(lambda n: f"phone:+9733900{n:04d}")
    opted_out = True
