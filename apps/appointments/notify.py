"""What the appointments app tells a citizen, through the notifications outbox, inside the
transaction of the change (nothing is sent if it rolls back).

Events (registered from ``AppConfig.ready()``):

- ``appointment.one_time_code``: the portal's code (SMS, essential, urgent, secret);
- ``appointment.booked``: the confirmation — reference, place (address and map link), date
  in Gregorian and Hijri, time, what to bring, and the link to cancel or reschedule;
- ``appointment.reminder``: the same, the working day before (quiet hours respected);
- ``appointment.rescheduled``: the new time (also when a branch closure moved it);
- ``appointment.cancelled``: with the reason, and where to book again.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from apps.core.templatetags.dates import hijri_date
from apps.notifications.choices import Audience, Channel
from apps.notifications.events import DefaultTemplate, Event, Placeholder, register
from apps.notifications.services import notification_queue

CODE_EVENT = "appointment.one_time_code"
BOOKED_EVENT = "appointment.booked"
REMINDER_EVENT = "appointment.reminder"
RESCHEDULED_EVENT = "appointment.rescheduled"
CANCELLED_EVENT = "appointment.cancelled"

_MANAGE_SALT = "appointments.manage"

_PLACE = (
    Placeholder("reference", _("Appointment reference"), "A-004817-3", ltr=True),
    Placeholder("service", _("Service"), "برنامج مزايا"),
    Placeholder("branch", _("Branch"), "بنك الإسكان — برج المؤيد"),
    Placeholder("address", _("Address"), "برج المؤيد، المنامة", optional=True),
    Placeholder("map_url", _("Map link"), "https://maps.example/b1", optional=True),
    Placeholder("date", _("Date (Gregorian)"), "الأحد 14 يونيو 2026"),
    Placeholder("hijri", _("Date (Hijri)"), "28 ذو الحجة 1447"),
    Placeholder("time", _("Time"), "09:30", ltr=True),
)
_DOCUMENTS = Placeholder("documents", _("What to bring"), "البطاقة الذكية، شهادة الراتب", optional=True)
_MANAGE = Placeholder("manage_url", _("Link to cancel or reschedule"), "https://…/portal/appointments/m/…/")


def register_events() -> None:
    register(
        Event(
            key=CODE_EVENT,
            label=_("Appointments: one-time code"),
            description=_("The code a citizen types on the portal to book or manage appointments."),
            audience=Audience.CITIZEN,
            channels=(Channel.SMS,),
            essential=True,
            urgent=True,
            secret=True,
            placeholders=(
                Placeholder("code", _("One-time code"), "482913", ltr=True),
                Placeholder("minutes", _("Minutes the code is valid"), 5),
            ),
            defaults={
                (Channel.SMS, "ar"): DefaultTemplate(
                    "وزارة الإسكان: رمز التحقق لحجز المواعيد هو {{ code }}، صالح لمدة {{ minutes }} دقائق."
                    " لا تشاركه مع أحد."
                ),
                (Channel.SMS, "en"): DefaultTemplate(
                    "Ministry of Housing: your appointments code is {{ code }}. It is valid for"
                    " {{ minutes }} minutes. Do not share it with anyone."
                ),
            },
        )
    )
    register(
        Event(
            key=BOOKED_EVENT,
            label=_("Appointment confirmed"),
            audience=Audience.CITIZEN,
            channels=(Channel.SMS,),
            essential=True,
            placeholders=(*_PLACE, _DOCUMENTS, _MANAGE),
            defaults={
                (Channel.SMS, "ar"): DefaultTemplate(
                    "وزارة الإسكان: تم حجز موعدك رقم {{ reference }} لخدمة {{ service }} في {{ branch }}"
                    " ({{ address }} {{ map_url }}) يوم {{ date }} الموافق {{ hijri }} الساعة {{ time }}."
                    " أحضر معك: {{ documents }}. للإلغاء أو التغيير: {{ manage_url }}"
                ),
                (Channel.SMS, "en"): DefaultTemplate(
                    "Ministry of Housing: appointment {{ reference }} for {{ service }} at {{ branch }}"
                    " ({{ address }} {{ map_url }}) on {{ date }} ({{ hijri }}) at {{ time }}."
                    " Please bring: {{ documents }}. To cancel or change: {{ manage_url }}"
                ),
            },
        )
    )
    register(
        Event(
            key=REMINDER_EVENT,
            label=_("Appointment reminder"),
            audience=Audience.CITIZEN,
            channels=(Channel.SMS,),
            essential=True,
            placeholders=(*_PLACE, _DOCUMENTS, _MANAGE),
            defaults={
                (Channel.SMS, "ar"): DefaultTemplate(
                    "وزارة الإسكان: تذكير بموعدك رقم {{ reference }} لخدمة {{ service }} في {{ branch }}"
                    " ({{ map_url }}) يوم {{ date }} الموافق {{ hijri }} الساعة {{ time }}."
                    " أحضر معك: {{ documents }}. إن لم تستطع الحضور: {{ manage_url }}"
                ),
                (Channel.SMS, "en"): DefaultTemplate(
                    "Ministry of Housing: reminder of appointment {{ reference }} for {{ service }} at"
                    " {{ branch }} ({{ map_url }}) on {{ date }} ({{ hijri }}) at {{ time }}."
                    " Please bring: {{ documents }}. If you cannot come: {{ manage_url }}"
                ),
            },
        )
    )
    register(
        Event(
            key=RESCHEDULED_EVENT,
            label=_("Appointment moved"),
            audience=Audience.CITIZEN,
            channels=(Channel.SMS,),
            essential=True,
            placeholders=(
                *_PLACE,
                Placeholder("reason", _("Why it moved"), "إغلاق الفرع للصيانة", optional=True),
                _MANAGE,
            ),
            defaults={
                (Channel.SMS, "ar"): DefaultTemplate(
                    "وزارة الإسكان: تم تغيير موعدك رقم {{ reference }} لخدمة {{ service }} إلى {{ branch }}"
                    " يوم {{ date }} الموافق {{ hijri }} الساعة {{ time }}. {{ reason }}"
                    " للإلغاء أو التغيير: {{ manage_url }}"
                ),
                (Channel.SMS, "en"): DefaultTemplate(
                    "Ministry of Housing: appointment {{ reference }} for {{ service }} is now at {{ branch }}"
                    " on {{ date }} ({{ hijri }}) at {{ time }}. {{ reason }} To cancel or change: {{ manage_url }}"
                ),
            },
        )
    )
    register(
        Event(
            key=CANCELLED_EVENT,
            label=_("Appointment cancelled"),
            audience=Audience.CITIZEN,
            channels=(Channel.SMS,),
            essential=True,
            placeholders=(
                *_PLACE,
                Placeholder("reason", _("Why it was cancelled"), "بطلب منك", optional=True),
                Placeholder("book_url", _("Link to book again"), "https://…/portal/appointments/"),
            ),
            defaults={
                (Channel.SMS, "ar"): DefaultTemplate(
                    "وزارة الإسكان: أُلغي موعدك رقم {{ reference }} لخدمة {{ service }} في {{ branch }}"
                    " يوم {{ date }} الساعة {{ time }}. {{ reason }} للحجز من جديد: {{ book_url }}"
                ),
                (Channel.SMS, "en"): DefaultTemplate(
                    "Ministry of Housing: appointment {{ reference }} for {{ service }} at {{ branch }}"
                    " on {{ date }} at {{ time }} is cancelled. {{ reason }} To book again: {{ book_url }}"
                ),
            },
        )
    )


def _base_url() -> str:
    return settings.HOUSING_PUBLIC_BASE_URL.rstrip("/")


def manage_token(appointment) -> str:
    return signing.dumps({"a": appointment.pk, "r": appointment.reference}, salt=_MANAGE_SALT, compress=True)


def appointment_id_from_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=_MANAGE_SALT)
        return int(data["a"]), str(data["r"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def manage_url(appointment) -> str:
    return f"{_base_url()}/portal/appointments/m/{manage_token(appointment)}/"


def book_url() -> str:
    return f"{_base_url()}/portal/appointments/"


def place_context(appointment, language: str) -> dict:
    """Reference, service, branch, address, map link, both dates and the time, in ``language``."""
    with translation.override(language):
        local = timezone.localtime(appointment.slot_start)
        return {
            "reference": appointment.reference,
            "service": appointment.service.display_name(),
            "branch": appointment.branch.display_name(),
            "address": appointment.branch.address(),
            "map_url": appointment.branch.map_url,
            "date": formats.date_format(local, "l j F Y"),
            "hijri": hijri_date(local),
            "time": local.strftime("%H:%M"),
        }


def documents_text(service, language: str) -> str:
    with translation.override(language):
        return "، ".join(service.documents()) if language == "ar" else ", ".join(service.documents())


def _queue(event: str, appointment, context: dict, actor) -> None:
    # The mobile the booking was made with (the portal's verified one) wins over the file's.
    notification_queue(
        event=event,
        recipient_citizen=appointment.citizen,
        to_phone=appointment.mobile or None,
        context=context,
        actor=actor,
    )


def queue_booked(appointment, *, actor=None) -> None:
    language = appointment.citizen.language
    context = {
        **place_context(appointment, language),
        "documents": documents_text(appointment.service, language),
        "manage_url": manage_url(appointment),
    }
    _queue(BOOKED_EVENT, appointment, context, actor)


def queue_reminder(appointment) -> None:
    language = appointment.citizen.language
    context = {
        **place_context(appointment, language),
        "documents": documents_text(appointment.service, language),
        "manage_url": manage_url(appointment),
    }
    _queue(REMINDER_EVENT, appointment, context, None)


def queue_rescheduled(appointment, *, actor=None, reason: str = "") -> None:
    context = {
        **place_context(appointment, appointment.citizen.language),
        "reason": reason,
        "manage_url": manage_url(appointment),
    }
    _queue(RESCHEDULED_EVENT, appointment, context, actor)


def queue_cancelled(appointment, *, actor=None, reason: str = "") -> None:
    context = {
        **place_context(appointment, appointment.citizen.language),
        "reason": reason,
        "book_url": book_url(),
    }
    _queue(CANCELLED_EVENT, appointment, context, actor)


def queue_code(*, phone: str, code: str, minutes: int, language: str) -> None:
    notification_queue(
        event=CODE_EVENT, to_phone=phone, language=language, context={"code": code, "minutes": minutes}
    )
