"""The subject-access archive's PDF: the Arabic part (right to left) and then the English
part, in one file, drawn on the product's one PDF set-up (``apps.core.pdf``).

Only what ``archive.gather`` collected is drawn, field by field (a whitelist); references,
numbers and e-mail addresses are isolated so they keep their order inside Arabic lines.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from apps.core.pdf import ArabicDocument
from apps.core.templatetags.dates import format_day, format_moment
from apps.core.text import isolate_ltr
from apps.privacy.desk.archive import CATEGORIES, WITHHELD, Held


class BilingualDocument(ArabicDocument):
    """An ``ArabicDocument`` that can change language (direction and shaping) between pages."""

    def switch(self, language: str) -> None:
        self.language = language
        self.rtl = language == "ar"
        self.set_text_shaping(
            use_shaping_engine=True,
            direction="rtl" if self.rtl else "ltr",
            script="arab" if self.rtl else None,
            language="ara" if self.rtl else None,
        )


def _in(language: str, ar: str, en: str) -> str:
    return (ar if language == "ar" else en) or ar or en


def _ltr(value) -> str:
    return isolate_ltr(str(value)) if value not in (None, "") else "—"


def _when(value) -> str:
    return format_moment(value) if value else "—"


def _entry(pdf: BilingualDocument, title: str, rows: list[tuple[str, str]]) -> None:
    pdf.para(title, size=10.5, bold=True, after=0.3)
    for label, value in rows:
        pdf.para(f"{label}: {value if value not in (None, '') else '—'}", size=9.5, after=0.2, indent=3)
    pdf.ln(1.5)


def _heading(pdf: BilingualDocument, key: str, count: int) -> None:
    pdf.ln(1)
    pdf.para(f"{CATEGORIES[key]} ({_ltr(count)})", size=12.5, bold=True, after=1)
    pdf.rule()
    if not count:
        pdf.para(_("Nothing is held in this category."), size=9.5, after=1.5)


def _part(pdf: BilingualDocument, held: Held, language: str) -> None:
    c = held.citizen
    hidden = held.hidden_tickets
    counts = held.counts()
    pdf.para(_("What the Ministry of Housing holds about you"), size=16, bold=True, after=1)
    pdf.para(
        _("Produced on %(when)s under the Personal Data Protection Law (Law No. 30 of 2018).")
        % {"when": _when(held.generated_at)},
        size=9.5,
        after=0.5,
    )
    if held.request_id:
        pdf.para(_("In answer to request %(number)s.") % {"number": _ltr(held.request_id)}, size=9.5)

    _heading(pdf, "file", 1)
    address = ("، " if language == "ar" else ", ").join(
        part
        for part in (
            c.flat and _("Flat %(value)s") % {"value": _ltr(c.flat)},
            c.building and _("Building %(value)s") % {"value": _ltr(c.building)},
            c.road and _("Road %(value)s") % {"value": _ltr(c.road)},
            c.block and _("Block %(value)s") % {"value": _ltr(c.block)},
            c.area,
        )
        if part
    )
    _entry(
        pdf,
        _in(language, c.name_ar, c.name_en),
        [
            (_("CPR number"), _ltr(c.cpr)),
            (_("Name in Arabic"), c.name_ar),
            (_("Name in English"), c.name_en),
            (_("E-mail"), _ltr(c.email) if c.email else ""),
            (_("Preferred language"), c.get_language_display()),
            (_("Address"), address),
            (_("File opened"), _when(c.created_at)),
        ],
    )

    phones = list(c.phones.all())
    _heading(pdf, "phones", len(phones))
    for phone in phones:
        _entry(
            pdf,
            _ltr(phone.number),
            [
                (_("Kind"), phone.get_kind_display()),
                (_("Primary"), _("Yes") if phone.is_primary else _("No")),
                (_("Confirmed"), _when(phone.confirmed_at)),
            ],
        )

    files = list(c.housing_files.all())
    _heading(pdf, "housing_files", len(files))
    for housing in files:
        _entry(
            pdf,
            _("Application %(number)s") % {"number": _ltr(housing.application_number)},
            [
                (_("Housing service"), housing.service),
                (_("Application date"), format_day(housing.application_date)),
                (_("Status"), housing.get_status_display()),
                (_("Housing project"), housing.project),
                (_("Queue position"), _ltr(housing.queue_position) if housing.queue_position else ""),
            ],
        )

    _heading(pdf, "contacts", counts["contacts"])
    for contact in held.contacts:
        _entry(
            pdf,
            f"{contact.get_channel_display()} · {_when(contact.offered_at)}",
            [
                (
                    _("Topic"),
                    _in(language, contact.purpose.name_ar, contact.purpose.name_en)
                    if contact.purpose_id
                    else "",
                ),
                (_("Outcome"), contact.get_outcome_display() if contact.outcome else ""),
                (_("From number"), _ltr(contact.caller_number) if contact.caller_number else ""),
                (_("Ticket"), _ltr(contact.ticket_review_number) if contact.ticket_review_number else ""),
            ],
        )

    _heading(pdf, "tickets", counts["tickets"])
    for ticket in held.tickets:
        rows = [
            (_("Kind"), ticket.get_kind_display()),
            (_("Received"), _when(ticket.received_at)),
            (_("Status"), ticket.get_status_display()),
            (
                _("Category"),
                _in(language, ticket.category.name_ar, ticket.category.name_en) if ticket.category_id else "",
            ),
        ]
        if ticket.pk in hidden:
            rows.append((_("Text"), _("Withheld (confidential)")))
        else:
            rows += [(_("Subject"), ticket.subject), (_("What you wrote"), ticket.description)]
            rows += [
                (_("Reply of %(when)s") % {"when": _when(reply.at)}, reply.body)
                for reply in held.replies.get(ticket.pk, ())
            ]
        _entry(pdf, _("Ticket %(number)s") % {"number": _ltr(ticket.review_number)}, rows)

    _heading(pdf, "appointments", counts["appointments"])
    for appointment in held.appointments:
        _entry(
            pdf,
            _("Appointment %(number)s") % {"number": _ltr(appointment.reference)},
            [
                (_("Service"), _in(language, appointment.service.name_ar, appointment.service.name_en)),
                (_("Branch"), _in(language, appointment.branch.name_ar, appointment.branch.name_en)),
                (_("Time"), _when(appointment.slot_start)),
                (_("Status"), appointment.get_status_display()),
                (_("Reason for cancelling"), appointment.cancel_reason),
            ],
        )

    _heading(pdf, "messages", counts["messages"])
    for message in held.messages:
        _entry(
            pdf,
            f"{message.get_channel_display()} · {_when(message.created_at)}",
            [
                (_("To"), _ltr(message.to_phone or message.to_email)),
                (_("Subject"), message.subject),
                (_("Text"), message.body),
            ],
        )

    _heading(pdf, "ratings", counts["ratings"])
    for ticket in held.ratings:
        _entry(
            pdf,
            _("Ticket %(number)s") % {"number": _ltr(ticket.review_number)},
            [
                (_("Rating"), _("%(rating)s out of 5") % {"rating": _ltr(ticket.rating)}),
                (_("Comment"), "" if ticket.pk in hidden else ticket.rating_comment),
                (_("Rated"), _when(ticket.rated_at)),
            ],
        )

    _heading(pdf, "committee_decisions", counts["committee_decisions"])
    for decision in held.decisions:
        committee = decision.meeting.committee
        reason = decision.rejection_reason
        _entry(
            pdf,
            _("Case %(number)s") % {"number": _ltr(decision.referral.reference)},
            [
                (_("Committee"), committee.name_in(language)),
                (_("Meeting"), f"{_ltr(decision.meeting.label)} · {format_day(decision.meeting.date)}"),
                (_("Decision"), decision.get_outcome_display()),
                (_("Conditions"), decision.conditions),
                (_("Reason"), reason.text_in(language) if reason else ""),
                (_("Explanation"), decision.reason_note),
                (_("What is needed"), decision.needs),
            ],
        )

    pdf.ln(1)
    pdf.para(_("Withheld categories"), size=12.5, bold=True, after=1)
    pdf.rule()
    withheld = [(key, count) for key, count in held.withheld.items() if count]
    if not withheld:
        pdf.para(_("Nothing was withheld."), size=9.5)
    for key, count in withheld:
        label, reason = WITHHELD[key]
        pdf.para(f"{label} ({_ltr(count)})", size=10, bold=True, after=0.2)
        pdf.para(str(reason), size=9.5, after=1.2, indent=3)


def archive_pdf(held: Held) -> bytes:
    """The archive's PDF: the Arabic part, then the English part."""
    with translation.override("ar"):
        pdf = BilingualDocument(language="ar", footer_text=_("Housing Contact · subject access"))
        pdf.set_title(_("What the Ministry of Housing holds about you"))
        pdf.add_page()
        _part(pdf, held, "ar")
        # The new page first: adding it draws the Arabic page's footer, in Arabic.
        pdf.add_page()
    with translation.override("en"):
        pdf.switch("en")
        pdf.footer_text = _("Housing Contact · subject access")
        _part(pdf, held, "en")
    return bytes(pdf.output())
