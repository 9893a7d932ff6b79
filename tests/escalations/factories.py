"""Cases for the tests, made through the services like the product makes them."""

from __future__ import annotations

import re

from django.test import TestCase

from apps.escalations import letters, services
from tests.tickets.factories import CitizenFactory, TicketFactory


def staff_case(*, actor, ticket=None, reason="يحتاج الموضوع إلى قرار من الإدارة العليا", **kwargs):
    """A ticket escalated by a member of staff (agent or supervisor) with a reason."""
    ticket = ticket or TicketFactory(actor=actor)
    return services.escalation_create(ticket=ticket, reason=reason, actor=actor, **kwargs)


def code_sent_to(phone: str) -> str:
    """The one-time code in the newest SMS written to ``phone``."""
    text = letters.latest_sms_text(phone)
    assert text, f"no SMS to {phone}"
    return re.search(r"\b(\d{6})\b", text).group(1)


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
    # The code is written after commit, as it is sent; a test runs inside one transaction.
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.uyc_code_request(cpr=citizen.cpr, mobile=mobile, ip=ip, now=now)
    code = code_sent_to(mobile)
    return services.uyc_submit(
        cpr=citizen.cpr, mobile=mobile, kind=kind, subject=subject, message=message, code=code, ip=ip, now=now
    )
