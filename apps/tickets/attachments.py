"""Attachment rules: how big, how many, which types (judged by content, never by the
name), and where they are kept (outside the web root, under random names)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.core.errors import ValidationFailed

# Types a citizen or an officer may attach, by what the first bytes say they are.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int
    original_name: str


def max_bytes() -> int:
    return settings.HOUSING_TICKET_ATTACHMENT_MAX_BYTES


def max_per_ticket() -> int:
    return settings.HOUSING_TICKET_ATTACHMENTS_PER_TICKET


class AttachmentStorage(FileSystemStorage):
    """Files under ``HOUSING_ATTACHMENTS_ROOT`` (read at each use, not at import), with no
    URL at all: ``url()`` refuses, so no template can link to one by mistake."""

    @property
    def base_location(self):
        return str(settings.HOUSING_ATTACHMENTS_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


_STORAGE = AttachmentStorage()


def storage() -> AttachmentStorage:
    return _STORAGE


def random_name(extension: str, *, now=None) -> str:
    when = now or timezone.now()
    return f"{when:%Y/%m}/{secrets.token_hex(16)}.{extension}"


def check_upload(upload, *, existing: int = 0) -> CheckedFile:
    """Refuse a file that is too big, one too many, or not what its content says it is."""
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    if existing >= max_per_ticket():
        raise ValidationFailed(
            ngettext(
                "A ticket can have at most %(count)d attachment.",
                "A ticket can have at most %(count)d attachments.",
                max_per_ticket(),
            )
            % {"count": max_per_ticket()},
            code="too_many_attachments",
            details={"attachment": [_("No more files can be added to this ticket.")]},
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationFailed(
            _("The file is empty."), code="empty_attachment", details={"attachment": [_("Choose a file.")]}
        )
    if size > max_bytes():
        raise ValidationFailed(
            _("The file is too large: the limit is %(limit)s.") % {"limit": filesizeformat(max_bytes())},
            code="attachment_too_large",
            details={"attachment": [_("Choose a smaller file.")]},
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationFailed(
            _(
                "This type of file is not accepted. Send a PDF, a photo (JPEG, PNG, WebP, HEIC) or a Word document."
            ),
            code="attachment_type_refused",
            details={"attachment": [_("The file's content is not an accepted type.")]},
        )
    return CheckedFile(kind.mime, ALLOWED_TYPES[kind.mime], size, name)
