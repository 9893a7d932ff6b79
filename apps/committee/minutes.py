"""The minutes of a meeting as a PDF, in Arabic (right-to-left) or English.

Drawn on the product's one PDF set-up (``apps.core.pdf``: fpdf2 with HarfBuzz shaping and
Noto Sans Arabic). Left-to-right tokens inside Arabic sentences (references, review numbers,
meeting numbers) are wrapped in U+2066…U+2069.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from apps.committee import texts
from apps.committee.models import Meeting, MeetingStatus, MemberRole, Outcome
from apps.committee.selectors import Minutes, meeting_minutes
from apps.core.pdf import ArabicDocument
from apps.core.templatetags.dates import hijri_date
from apps.core.text import isolate_ltr


class MinutesDocument(ArabicDocument):
    """The minutes: a portrait page, the committee's name and the page number in the footer."""

    def __init__(self, *, language: str, footer_text: str):
        super().__init__(language=language, footer_text=footer_text)


def _name(user) -> str:
    if user is None:
        return "—"
    return user.display_name()


def _role_label(role: str) -> str:
    return str(MemberRole(role).label)


def minutes_pdf(*, meeting: Meeting, language: str = "ar", minutes: Minutes | None = None) -> bytes:
    """The minutes of ``meeting`` as PDF bytes in ``language`` ("ar" or "en")."""
    minutes = minutes or meeting_minutes(meeting=meeting)
    committee = meeting.committee
    with translation.override(language):
        title = _("Minutes of meeting %(meeting)s of the %(committee)s") % {
            "meeting": isolate_ltr(meeting.label),
            "committee": committee.name_in(language),
        }
        pdf = MinutesDocument(language=language, footer_text=committee.name_in(language))
        pdf.set_title(title)
        pdf.add_page()
        pdf.para(title, size=15, bold=True, after=2)
        when = formats.date_format(meeting.date, "DATE_FORMAT")
        pdf.para(
            _("Date: %(date)s (%(hijri)s)") % {"date": when, "hijri": hijri_date(meeting.date)},
            after=0.5,
        )
        if meeting.starts_at:
            pdf.para(
                _("Time: %(time)s") % {"time": isolate_ltr(meeting.starts_at.strftime("%H:%M"))}, after=0.5
            )
        pdf.para(_("Place: %(place)s") % {"place": meeting.place}, after=1)
        if meeting.status == MeetingStatus.SIGNED:
            status = _("Final: signed by the chair %(name)s on %(date)s.") % {
                "name": _name(meeting.signed_by),
                "date": formats.date_format(timezone.localtime(meeting.signed_at), "DATE_FORMAT"),
            }
        else:
            status = _("Draft: awaiting the chair's signature.")
        pdf.set_text_color(*((0, 100, 0) if meeting.status == MeetingStatus.SIGNED else (160, 80, 0)))
        pdf.para(status, bold=True, after=2)
        pdf.set_text_color(0, 0, 0)
        pdf.rule()

        pdf.para(_("Attendance"), size=12.5, bold=True)
        if minutes.attendance:
            for row in minutes.attendance:
                state = _("present") if row.present else _("absent")
                pdf.para(
                    _("%(name)s — %(role)s — %(state)s")
                    % {"name": _name(row.user), "role": _role_label(row.role), "state": state},
                    after=0.3,
                    indent=4,
                )
            present_voting = sum(
                1 for a in minutes.attendance if a.present and a.role != MemberRole.SECRETARY
            )
            voting = sum(1 for a in minutes.attendance if a.role != MemberRole.SECRETARY)
            if meeting.quorum_reached:
                quorum = _("The quorum was reached: %(present)s of %(total)s voting members present.")
            else:
                quorum = _("The quorum was not reached: %(present)s of %(total)s voting members present.")
            pdf.ln(1)
            pdf.para(
                quorum % {"present": isolate_ltr(str(present_voting)), "total": isolate_ltr(str(voting))},
                bold=True,
                after=2,
            )
        else:
            pdf.para(_("Attendance was not recorded."), after=2)
        pdf.rule()

        pdf.para(_("Decisions"), size=12.5, bold=True)
        if not minutes.decided:
            pdf.para(_("No decision was taken at this meeting."))
        for number, item in enumerate(minutes.decided, start=1):
            referral = item.referral
            pdf.para(
                _("%(number)s. Case %(reference)s: %(subject)s")
                % {
                    "number": isolate_ltr(str(number)),
                    "reference": isolate_ltr(referral.reference),
                    "subject": referral.subject,
                },
                bold=True,
                after=0.4,
            )
            details = [_("Citizen: %(name)s") % {"name": referral.citizen.display_name()}]
            if referral.housing_application_number:
                details.append(
                    _("Housing application: %(number)s")
                    % {"number": isolate_ltr(referral.housing_application_number)}
                )
            if referral.review_number:
                details.append(
                    _("Review number: %(number)s") % {"number": isolate_ltr(referral.review_number)}
                )
            if referral.appeal_of_id:
                details.append(
                    _("Appeal against %(reference)s")
                    % {"reference": isolate_ltr(referral.appeal_of.reference)}
                )
            pdf.para(" · ".join(details), size=9.5, after=0.4, indent=4)
            pdf.para(
                _("Decision: %(text)s") % {"text": texts.decision_text(item.decision, language)},
                after=0.6,
                indent=4,
            )
            for amendment in item.amendments:
                pdf.set_text_color(120, 0, 0)
                pdf.para(
                    _("Amended on %(date)s by %(name)s: %(text)s Reason: %(reason)s")
                    % {
                        "date": formats.date_format(timezone.localtime(amendment.recorded_at), "DATE_FORMAT"),
                        "name": _name(amendment.recorded_by),
                        "text": texts.decision_text(amendment, language),
                        "reason": amendment.amendment_reason,
                    },
                    size=9.5,
                    after=0.6,
                    indent=4,
                )
                pdf.set_text_color(0, 0, 0)
            pdf.ln(1.2)
        if minutes.not_reached:
            pdf.rule()
            pdf.para(_("Cases not reached (returned to the pending list)"), size=12.5, bold=True)
            for item in minutes.not_reached:
                pdf.para(
                    _("Case %(reference)s: %(subject)s")
                    % {"reference": isolate_ltr(item.referral.reference), "subject": item.referral.subject},
                    after=0.3,
                    indent=4,
                )
            pdf.ln(1)
        pdf.rule()
        pdf.para(
            _("In total: %(approved)s approved, %(rejected)s rejected, %(deferred)s deferred for more study.")
            % {
                "approved": isolate_ltr(str(minutes.count(Outcome.APPROVED))),
                "rejected": isolate_ltr(str(minutes.count(Outcome.REJECTED))),
                "deferred": isolate_ltr(str(minutes.count(Outcome.DEFERRED))),
            },
            bold=True,
            after=5,
        )
        pdf.para(_("Secretary of the committee: %(name)s") % {"name": _name(minutes.secretary)}, after=1)
        pdf.para(_("Chair of the committee: %(name)s") % {"name": _name(minutes.chair)}, after=1)
        return bytes(pdf.output())


def minutes_store(*, meeting: Meeting) -> None:
    """Generate the Arabic minutes and keep them with the meeting (the signed copy's hash too).

    Called inside the closing or signing transaction: if the PDF cannot be made, the
    meeting does not change state.
    """
    content = minutes_pdf(meeting=meeting, language="ar")
    old = meeting.minutes_file.name if meeting.minutes_file else ""
    meeting.minutes_file.save(f"{meeting.number}.pdf", ContentFile(content), save=False)
    meeting.minutes_sha256 = (
        hashlib.sha256(content).hexdigest() if meeting.status == MeetingStatus.SIGNED else ""
    )
    meeting.save(update_fields=["minutes_file", "minutes_sha256", "updated_at"])
    if old and old != meeting.minutes_file.name:
        storage = meeting.minutes_file.storage
        transaction.on_commit(lambda: storage.delete(old))  # the older copy is superseded
