"""Writes of the data-protection officer's desk: exports of the read log (each logged),
acknowledging an alert, and (in ``archive``) the subject-access archive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.errors import Conflict, ValidationFailed
from apps.core.text import clean_text
from apps.privacy.desk import exports, selectors
from apps.privacy.desk.archive import SubjectAccessArchive, subject_access_archive_build  # noqa: F401
from apps.privacy.desk.models import ReadLogExport, UnusualReadingAlert

CONTENT_TYPES = {
    ReadLogExport.Format.CSV: "text/csv; charset=utf-8",
    ReadLogExport.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes
    row_count: int


def read_log_export(
    *, actor, filters: selectors.ReadFilters, format: str, now: datetime | None = None
) -> ExportFile:
    """The filtered read log as a file, and a row saying who exported what.

    1. Refuse without ``privacy_desk.export_read_log``, or an unknown format.
    2. Write the rows the exporter may see (case reads only for those who may read cases:
       the same selector as the page), in batches.
    3. Log the export (who, when, the filter, the format, the number of rows).
    """
    selectors.require(actor, selectors.EXPORT_READ_LOG)
    if format not in ReadLogExport.Format.values:
        raise ValidationFailed(
            _("Choose CSV or XLSX."), code="invalid_format", details={"format": [_("CSV or XLSX.")]}
        )
    now = now or timezone.now()
    rows = selectors.read_log_rows(viewer=actor, filters=filters)
    if format == ReadLogExport.Format.CSV:
        content, count = exports.as_csv(rows)
    else:
        content, count = exports.as_xlsx(rows, language=translation.get_language() or "ar")
    ReadLogExport.objects.create(
        actor=actor,
        at=now,
        format=format,
        filters=filters.as_dict(),
        row_count=count,
        included_confidential=selectors.sees_case_reads(actor),
    )
    return ExportFile(
        filename=f"read-log-{timezone.localtime(now):%Y%m%d-%H%M}.{format}",
        content_type=CONTENT_TYPES[format],
        content=content,
        row_count=count,
    )


@transaction.atomic
def alert_acknowledge(
    *, alert: UnusualReadingAlert, actor, note: str, now: datetime | None = None
) -> UnusualReadingAlert:
    """The officer looked into the alert and says what they found (a note is required)."""
    selectors.require(actor, selectors.ACKNOWLEDGE_ALERT)
    note = clean_text(note or "").strip()
    if not note:
        raise ValidationFailed(
            _("Write what you found before acknowledging the alert."),
            code="note_required",
            details={"note": [_("This field is required.")]},
        )
    locked = UnusualReadingAlert.objects.select_for_update().get(pk=alert.pk)
    if locked.acknowledged_at is not None:
        raise Conflict(_("This alert was already acknowledged."), code="alert_acknowledged")
    locked.acknowledged_at = now or timezone.now()
    locked.acknowledged_by = actor
    locked.note = note
    locked.save(update_fields=["acknowledged_at", "acknowledged_by", "note"])
    return locked
