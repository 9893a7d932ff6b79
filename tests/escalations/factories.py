"""Cases for the tests, made through the services like the product makes them."""

from __future__ import annotations

import re

from apps.escalations import services
from apps.notifications.backends.file import latest_sms
from tests.tickets.factories import CitizenFactory, TicketFactory


def staff_case(*, actor, ticket=None, reason="يحتاج الموضوع إلى قرار من الإدارة العليا", **kwargs):
    """A ticket escalated by a member of staff (agent or supervisor) with a reason."""
    ticket = ticket or TicketFactory(actor=actor)
    return services.escalation_create(ticket=ticket, reason=reason, actor=actor, **kwargs)


def deliver_outbox() -> None:
    """Send the outbox's queued rows in this process, as a worker would (file SMS backend)."""
    from apps.notifications import services as notification_services
    from apps.notifications.models import Notification

    for pk in Notification.objects.filter(state="queued").values_list("pk", flat=True):
        notification_services.notification_deliver(notification_id=pk)


def latest_sms_text(phone: str) -> str | None:
    deliver_outbox()
    sms = latest_sms(phone)
    return sms.text if sms else None


def code_sent_to(phone: str) -> str:
    """The one-time code in the newest SMS the file backend wrote to ``phone``."""
    text = latest_sms_text(phone)
    assert text, f"no SMS to {phone}"
    return re.search(r"(\d{6})", text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))).group(1)


def citizen_case(
    *,
    citizen=None,
    mobile: str | None = None,
    subject="أطلب مقابلة بخصوص طلبي الإسكاني",
    message="تقدمت بطلب منذ عام 2012 ولم أحصل على رد.",
    kind="complaint",
    ip="203.0.113.7",
    now=None,
):
    """A message through the citizen's form: code asked, read from the SMS file, submitted."""
    citizen = citizen or CitizenFactory()
    mobile = mobile or str(citizen.phones.first().number)
    services.uyc_code_request(cpr=citizen.cpr, mobile=mobile, ip=ip, now=now)
    code = code_sent_to(mobile)
    return services.uyc_submit(
        cpr=citizen.cpr, mobile=mobile, kind=kind, subject=subject, message=message, code=code, ip=ip, now=now
    )
