"""A chat's transcript as a PDF, attached to the ticket opened from the chat.

It is drawn on the product's one PDF set-up (``apps.core.pdf``: fpdf2 with HarfBuzz shaping,
Noto Sans Arabic, right-to-left in Arabic, page numbers, the document's language and title set),
in the chat's language. Review numbers, phone numbers and times are isolated so they keep
their order inside Arabic lines.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from apps.chat.models import Chat, ChatMessage
from apps.core.pdf import ArabicDocument
from apps.core.text import isolate_ltr


def _who(chat: Chat, message: ChatMessage) -> str:
    if message.sender == ChatMessage.Sender.CITIZEN:
        return chat.name
    if message.sender == ChatMessage.Sender.AGENT:
        return message.author.display_name() if message.author_id else _("Agent")
    return _("System")


def transcript_pdf(chat: Chat) -> bytes:
    """The whole conversation, oldest message first, in the chat's language."""
    language = chat.language if chat.language in ("ar", "en") else "ar"
    with translation.override(language):
        title = _("Transcript of live chat %(number)s") % {"number": isolate_ltr(str(chat.pk))}
        pdf = ArabicDocument(language=language, footer_text=_("Housing Contact · live chat"))
        pdf.set_title(title)
        pdf.add_page()
        pdf.para(title, size=15, bold=True, after=2)
        started = formats.date_format(timezone.localtime(chat.requested_at), "DATETIME_FORMAT")
        pdf.para(_("Citizen: %(name)s") % {"name": chat.name}, after=0.5)
        pdf.para(_("Mobile: %(mobile)s") % {"mobile": isolate_ltr(chat.mobile)}, after=0.5)
        pdf.para(_("Requested: %(when)s") % {"when": started}, after=0.5)
        if chat.purpose_id:
            pdf.para(_("Topic: %(topic)s") % {"topic": str(chat.purpose)}, after=2)
        pdf.rule()
        messages = chat.messages.select_related("author").order_by("id")
        for message in messages:
            stamp = isolate_ltr(timezone.localtime(message.created_at).strftime("%H:%M"))
            pdf.para(f"{_who(chat, message)} · {stamp}", size=9, bold=True, after=0.2)
            body = message.body
            if message.attachment_name:
                body = f"{body}\n{_('Attachment: %(name)s') % {'name': message.attachment_name}}".strip()
            pdf.para(body or "—", after=1.5, indent=3)
        if not messages:
            pdf.para(_("No message was written in this chat."))
        return bytes(pdf.output())


def transcript_upload(chat: Chat) -> ContentFile:
    """The transcript as an upload the ticket's attachment rules accept (a real PDF)."""
    return ContentFile(transcript_pdf(chat), name=f"chat-{chat.pk}-transcript.pdf")
