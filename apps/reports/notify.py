"""The statement's message to managers: the month's draft is ready (bell and e-mail)."""

from django.utils.translation import gettext_lazy as _

from apps.notifications.choices import Audience, Channel
from apps.notifications.events import DefaultTemplate, Event, Placeholder, register

DRAFT_READY = "reports.draft_ready"


def register_events() -> None:
    register(
        Event(
            key=DRAFT_READY,
            label=_("Monthly statement draft ready"),
            description=_(
                "Tells the managers that last month's statement and its draft press text are ready."
            ),
            audience=Audience.STAFF,
            channels=(Channel.IN_APP, Channel.EMAIL),
            link_placeholder="statement_url",
            placeholders=(
                Placeholder("month", _("Month"), "2026-07", ltr=True),
                Placeholder(
                    "statement_url", _("Link to the statement"), "https://…/reports/monthly/?month=2026-07"
                ),
            ),
            defaults={
                (Channel.IN_APP, "ar"): DefaultTemplate(
                    subject="البيان الشهري {{ month }} جاهز للمراجعة",
                    body="أُعدّت أرقام شهر {{ month }} ومسودة البيان الصحفي؛ راجعها واعتمدها قبل النشر.",
                ),
                (Channel.IN_APP, "en"): DefaultTemplate(
                    subject="The {{ month }} statement is ready for review",
                    body="The figures of {{ month }} and the draft press statement are ready; review and approve them before publishing.",
                ),
                (Channel.EMAIL, "ar"): DefaultTemplate(
                    subject="البيان الشهري {{ month }} جاهز للمراجعة",
                    body="أُعدّت أرقام شهر {{ month }} ومسودة البيان الصحفي.\n\nافتح البيان:\n{{ statement_url }}",
                ),
                (Channel.EMAIL, "en"): DefaultTemplate(
                    subject="The {{ month }} statement is ready for review",
                    body="The figures of {{ month }} and the draft press statement are ready.\n\nOpen the statement:\n{{ statement_url }}",
                ),
            },
        )
    )
