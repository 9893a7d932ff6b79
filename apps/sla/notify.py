"""The staff messages the SLA engine registers itself (from ``SlaConfig.ready``): the second
escalation level and the morning digest. ``sla.at_risk``, ``sla.breached`` and the citizen's
``sla.extended`` are registered by the notifications app."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from apps.notifications.choices import Audience, Channel
from apps.notifications.events import SLA_BREACHED, DefaultTemplate, Event, Placeholder, register


def register_events() -> None:
    register(
        Event(
            key="sla.escalated",
            label=_("Deadline still missed: escalated to the head of department"),
            description=_(
                "Tells the head of the ticket's department that a request has stayed past its deadline "
                "for as long again as it was allowed."
            ),
            audience=Audience.STAFF,
            channels=(Channel.IN_APP, Channel.EMAIL),
            urgent=True,
            link_placeholder="ticket_url",
            # The first level's placeholders (review number, link, deadline), not copies of them.
            placeholders=SLA_BREACHED.placeholders,
            defaults={
                (Channel.IN_APP, "ar"): DefaultTemplate(
                    subject="تصعيد: الطلب {{ review_number }} ما زال متأخراً",
                    body="تجاوز الطلب موعده النهائي ({{ due_at }}) وما زال بلا رد. صُعّد إليك بصفتك رئيس الإدارة.",
                ),
                (Channel.IN_APP, "en"): DefaultTemplate(
                    subject="Escalation: request {{ review_number }} is still late",
                    body="The request passed its deadline ({{ due_at }}) and is still unanswered. "
                    "It is escalated to you as head of department.",
                ),
                (Channel.EMAIL, "ar"): DefaultTemplate(
                    subject="تصعيد: الطلب {{ review_number }} ما زال متأخراً",
                    body="تجاوز الطلب {{ review_number }} موعده النهائي ({{ due_at }}) وما زال بلا رد.\n"
                    "صُعّد إليك بصفتك رئيس الإدارة:\n{{ ticket_url }}",
                ),
                (Channel.EMAIL, "en"): DefaultTemplate(
                    subject="Escalation: request {{ review_number }} is still late",
                    body="Request {{ review_number }} passed its deadline ({{ due_at }}) and is still unanswered.\n"
                    "It is escalated to you as head of department:\n{{ ticket_url }}",
                ),
            },
        )
    )
    register(
        Event(
            key="sla.digest",
            label=_("Morning deadlines digest"),
            description=_("Each working morning: a department's open, at-risk and late requests."),
            audience=Audience.STAFF,
            channels=(Channel.IN_APP, Channel.EMAIL),
            link_placeholder="dashboard_url",
            placeholders=(
                Placeholder("department", _("Department"), "إدارة الخدمات الإسكانية"),
                Placeholder("date", _("Date"), date(2026, 12, 10)),
                Placeholder("open_count", _("Open requests"), 42),
                Placeholder("at_risk_count", _("Requests at risk"), 5),
                Placeholder("breached_count", _("Late requests"), 2),
                Placeholder(
                    "dashboard_url",
                    _("Link to the deadlines dashboard"),
                    "https://contact.housing.gov.bh/sla/",
                ),
            ),
            defaults={
                (Channel.IN_APP, "ar"): DefaultTemplate(
                    subject="مواعيد {{ department }} — {{ date }}",
                    body="مفتوحة: {{ open_count }} · معرّضة للتأخر: {{ at_risk_count }} · متأخرة: {{ breached_count }}",
                ),
                (Channel.IN_APP, "en"): DefaultTemplate(
                    subject="{{ department }} deadlines — {{ date }}",
                    body="Open: {{ open_count }} · at risk: {{ at_risk_count }} · late: {{ breached_count }}",
                ),
                (Channel.EMAIL, "ar"): DefaultTemplate(
                    subject="مواعيد {{ department }} — {{ date }}",
                    body="الطلبات المفتوحة: {{ open_count }}\nالمعرّضة للتأخر: {{ at_risk_count }}\n"
                    "المتأخرة: {{ breached_count }}\n\nلوحة المواعيد:\n{{ dashboard_url }}",
                ),
                (Channel.EMAIL, "en"): DefaultTemplate(
                    subject="{{ department }} deadlines — {{ date }}",
                    body="Open requests: {{ open_count }}\nAt risk: {{ at_risk_count }}\n"
                    "Late: {{ breached_count }}\n\nDeadlines dashboard:\n{{ dashboard_url }}",
                ),
            },
        )
    )
