"""The housing-file feed: the housing application system's files applied in bulk, once.

``housing_feed_apply`` takes up to ``MAX_ROWS`` rows (from the signed API or one chunk of a
CSV file), checks every row on its own, and applies the good ones in one transaction with a
fixed number of queries whatever the size (healthchecks' set-based sweeps): the citizens by
CPR, the existing files (locked), one insert of the new files, one update of the changed
ones, one insert of their changes. A refused row is reported with its number and reason and
changes nothing; a row that changes nothing is counted as unchanged, so sending the same
batch twice applies it once.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.citizens import services as citizen_services
from apps.citizens.models import Citizen, HousingFile
from apps.core.errors import ApplicationError
from apps.core.history import history_door
from apps.core.text import clean_line, latin_digits
from apps.integrations.housing_feed.models import FeedBatch, HousingFileChange
from apps.notifications.services import notification_queue

logger = logging.getLogger(__name__)

MAX_ROWS = 5000
FIELDS = (
    "file_number",
    "cpr",
    "service",
    "status",
    "application_date",
    "status_date",
    "project",
    "queue_position",
    "name",
)
REQUIRED = ("file_number", "cpr", "service", "status", "application_date")
STATUS_CHANGED_EVENT = "housing_file.status_changed"
_CPR = re.compile(r"^\d{9}$")


class TooManyFiles(ApplicationError):
    code = "too_many_files"
    status = 413
    default_message = gettext_lazy("Send at most 5,000 housing files in one request; split the batch.")


@dataclass
class Row:
    index: int
    file_number: str
    cpr: str
    service: str
    status: str
    application_date: date
    status_at: datetime | None
    project: str
    queue_position: int | None
    name: str


class RowRefused(Exception):
    def __init__(self, code: str, message: str, field: str = ""):
        self.code, self.message, self.field = code, message, field


def _text(value, field: str, *, limit: int, required: bool) -> str:
    text = clean_line(str(value if value is not None else ""))
    if required and not text:
        raise RowRefused("required", _("This field is required."), field)
    if len(text) > limit:
        raise RowRefused("too_long", _("At most %(limit)d characters.") % {"limit": limit}, field)
    return text


def _status_at(value) -> datetime | None:
    if value in (None, ""):
        return None
    text = latin_digits(str(value)).strip()
    try:
        moment = parse_datetime(text)
        if moment is None:
            moment = datetime.combine(date.fromisoformat(text), time(0, 0))
    except ValueError:
        moment = None
    if moment is None:
        raise RowRefused("invalid_date", _("Give a date as YYYY-MM-DD (or a date and time)."), "status_date")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def clean_row(index: int, raw) -> Row:
    """One row checked on its own; raises ``RowRefused`` naming the field."""
    if not isinstance(raw, dict):
        raise RowRefused("invalid_row", _("Each housing file must be an object of fields."))
    unknown = sorted(str(key) for key in raw if key not in FIELDS)
    if unknown:
        raise RowRefused(
            "unknown_field",
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)},
            unknown[0],
        )
    cpr = latin_digits(str(raw.get("cpr") or "")).strip()
    if not _CPR.match(cpr):
        raise RowRefused("invalid_cpr", _("A CPR number is exactly 9 digits."), "cpr")
    status = str(raw.get("status") or "").strip().lower()
    if status not in HousingFile.Status.values:
        raise RowRefused(
            "invalid_status",
            _("Unknown status; use one of: %(values)s.") % {"values": ", ".join(HousingFile.Status.values)},
            "status",
        )
    try:
        application_date = date.fromisoformat(latin_digits(str(raw.get("application_date") or "")).strip())
    except ValueError:
        raise RowRefused("invalid_date", _("Give a date as YYYY-MM-DD."), "application_date") from None
    position = raw.get("queue_position")
    if position in (None, ""):
        queue_position = None
    else:
        text = latin_digits(str(position)).strip()
        if not text.isascii() or not text.isdecimal() or len(text) > 9:
            raise RowRefused("invalid_number", _("Give a whole number of zero or more."), "queue_position")
        queue_position = int(text)
    return Row(
        index=index,
        file_number=_text(raw.get("file_number"), "file_number", limit=30, required=True),
        cpr=cpr,
        service=_text(raw.get("service"), "service", limit=150, required=True),
        status=status,
        application_date=application_date,
        status_at=_status_at(raw.get("status_date")),
        project=_text(raw.get("project"), "project", limit=150, required=False),
        queue_position=queue_position,
        name=_text(raw.get("name"), "name", limit=200, required=False),
    )


def _refusal(index: int, raw, code: str, message: str, field: str = "") -> dict:
    number = raw.get("file_number") if isinstance(raw, dict) else None
    return {
        "row": index,
        "file_number": str(number)[:30] if number is not None else "",
        "code": code,
        "message": str(message),
        "details": {field: [str(message)]} if field else {},
    }


def _iso(value) -> str | int | None:
    return value.isoformat() if isinstance(value, date | datetime) else value


@transaction.atomic
def _apply_rows(rows: list[Row], batch: FeedBatch, now: datetime) -> tuple[list[dict], list]:
    """Write the checked rows; returns the refusals found against the database and the status changes."""
    refusals: list[dict] = []
    citizens = dict(Citizen.objects.filter(cpr__in={r.cpr for r in rows}).values_list("cpr", "pk"))
    refused: set[int] = set()
    for row in rows:
        if row.cpr in citizens or not row.name:
            continue
        try:
            with transaction.atomic():
                citizen = citizen_services.citizen_create(cpr=row.cpr, name_ar=row.name, actor=None)
            citizens[row.cpr] = citizen.pk
        except ApplicationError as error:
            refusals.append(
                _refusal(row.index, {"file_number": row.file_number}, error.code, str(error.message))
            )
            refused.add(row.index)
    # Locked in a fixed order, so two feeds touching the same files wait instead of deadlocking.
    existing = {
        f.application_number: f
        for f in HousingFile.objects.select_for_update()
        .filter(application_number__in=[r.file_number for r in rows])
        .order_by("pk")
    }
    new_files, changed_files, changes, status_changes = [], [], [], []
    batch.created = batch.updated = batch.unchanged = 0
    for row in rows:
        if row.index in refused:
            continue
        citizen_id = citizens.get(row.cpr)
        if citizen_id is None:
            refusals.append(
                _refusal(
                    row.index,
                    {"file_number": row.file_number},
                    "citizen_unknown",
                    _("No citizen with this CPR number is on file; send their name to add them."),
                    "cpr",
                )
            )
            continue
        current = existing.get(row.file_number)
        wanted = {
            "service": row.service,
            "application_date": row.application_date,
            "status": row.status,
            "project": row.project,
            "queue_position": row.queue_position,
        }
        at = row.status_at or now
        if current is None:
            housing_file = HousingFile(
                citizen_id=citizen_id,
                application_number=row.file_number,
                status_changed_at=row.status_at,
                **wanted,
            )
            new_files.append(housing_file)
            changes.append(
                HousingFileChange(
                    housing_file=housing_file,
                    citizen_id=citizen_id,
                    batch=batch,
                    kind=HousingFileChange.Kind.CREATED,
                    at=at,
                    to_status=row.status,
                    changes={k: [None, _iso(v)] for k, v in wanted.items() if v not in ("", None)},
                )
            )
            batch.created += 1
            continue
        if current.citizen_id != citizen_id:
            refusals.append(
                _refusal(
                    row.index,
                    {"file_number": row.file_number},
                    "file_of_another_citizen",
                    _("This file number belongs to another citizen's file; it was not moved."),
                    "cpr",
                )
            )
            continue
        diff = {
            k: [_iso(getattr(current, k)), _iso(v)] for k, v in wanted.items() if getattr(current, k) != v
        }
        if not diff:
            batch.unchanged += 1
            continue
        from_status = current.status
        for key, value in wanted.items():
            setattr(current, key, value)
        current.updated_at = now
        status_changed = "status" in diff
        if status_changed:
            current.status_changed_at = at
            status_changes.append(current)
        changed_files.append(current)  # once: a file number appears once per batch
        changes.append(
            HousingFileChange(
                housing_file=current,
                citizen_id=citizen_id,
                batch=batch,
                kind=HousingFileChange.Kind.STATUS if status_changed else HousingFileChange.Kind.DETAILS,
                at=at,
                from_status=from_status if status_changed else "",
                to_status=current.status if status_changed else "",
                changes=diff,
            )
        )
        batch.updated += 1
    HousingFile.objects.bulk_create(new_files, batch_size=1000)
    _update_files(changed_files)
    for change in changes:
        change.housing_file_id = change.housing_file.pk
    HousingFileChange.objects.bulk_create(changes, batch_size=1000)
    if settings.HOUSING_FEED_NOTIFY_STATUS and status_changes:
        _notify(status_changes)
    return refusals, status_changes


_UPDATED = (
    "service",
    "application_date",
    "status",
    "project",
    "queue_position",
    "status_changed_at",
    "updated_at",
)
_SQL_TYPES = {
    "service": "text",
    "application_date": "date",
    "status": "text",
    "project": "text",
    "queue_position": "integer",
    "status_changed_at": "timestamptz",
    "updated_at": "timestamptz",
}


def _update_files(files: list[HousingFile]) -> None:
    """One ``UPDATE … FROM unnest(…)`` for the changed files: Django's ``bulk_update`` builds
    a CASE per column per row, which costs seconds per thousand rows to compile and run."""
    if not files:
        return
    meta = HousingFile._meta
    columns = [meta.get_field(name).column for name in _UPDATED]
    arrays = [[f.pk for f in files]] + [[getattr(f, name) for f in files] for name in _UPDATED]
    unnest = ", ".join(["%s::bigint[]"] + [f"%s::{_SQL_TYPES[name]}[]" for name in _UPDATED])
    assignments = ", ".join(f'"{column}" = v."{column}"' for column in columns)
    names = ", ".join(['"id"'] + [f'"{column}"' for column in columns])
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{meta.db_table}" AS f SET {assignments} '
            f"FROM unnest({unnest}) AS v({names}) WHERE f.id = v.id",
            arrays,
        )


def _notify(files: list[HousingFile]) -> None:
    """Tell each citizen their file's new status (template ``housing_file.status_changed``)."""
    citizens = {
        c.pk: c
        for c in Citizen.objects.filter(pk__in={f.citizen_id for f in files}).prefetch_related("phones")
    }
    for housing_file in files:
        citizen = citizens[housing_file.citizen_id]
        notification_queue(
            event=STATUS_CHANGED_EVENT,
            recipient_citizen=citizen,
            context={
                "application_number": housing_file.application_number,
                "status": HousingFile.Status(housing_file.status).label,
            },
        )


def housing_feed_apply(
    *, rows, source: str = FeedBatch.Source.API, name: str = "", now: datetime | None = None
) -> FeedBatch:
    """Apply up to ``MAX_ROWS`` housing files; returns the batch with its counts and refusals.

    1. Refuse more than ``MAX_ROWS`` at once (``TooManyFiles``, 413) before reading any.
    2. Check each row on its own (fields, CPR, status, dates); a file number twice in one
       batch keeps the first and refuses the second.
    3. Apply the good rows in one transaction (``_apply_rows``); a row refused against the
       database (unknown citizen, another citizen's file) changes nothing.
    4. Record the batch with every refusal, for the partner's answer and the admin.
    """
    now = now or timezone.now()
    if not isinstance(rows, list):
        raise ApplicationError(
            _('Send the housing files as a list under "files".'), code="invalid_body", status=400
        )
    if len(rows) > MAX_ROWS:
        raise TooManyFiles(details={"files": [str(TooManyFiles.default_message)], "received": len(rows)})
    batch = FeedBatch(source=source, name=name[:255], received_at=now, rows=len(rows))
    refusals, good, numbers = [], [], set()
    for index, raw in enumerate(rows, start=1):
        try:
            row = clean_row(index, raw)
        except RowRefused as refused:
            refusals.append(_refusal(index, raw, refused.code, refused.message, refused.field))
            continue
        if row.file_number in numbers:
            refusals.append(
                _refusal(
                    index,
                    raw,
                    "duplicate_in_batch",
                    _("This file number is already in this batch."),
                    "file_number",
                )
            )
            continue
        numbers.add(row.file_number)
        good.append(row)
    for attempt in range(2):
        try:
            # The housing application system's files are an import, whoever brought them.
            with history_door("import"), transaction.atomic():
                batch.save()
                more, _changed = _apply_rows(good, batch, now)
                batch.errors = sorted(refusals + more, key=lambda r: r["row"])
                batch.rejected = len(batch.errors)
                batch.save()
            break
        except IntegrityError:
            # A concurrent batch created one of these files first: read them again, once.
            batch.pk = None
            if attempt:
                raise
    return batch


# --- CSV files dropped in a folder ------------------------------------------------------


def _drop_dir() -> Path | None:
    folder = settings.HOUSING_FEED_DROP_DIR
    return Path(folder) if folder else None


def _refused_file(path: Path, now: datetime, code: str, message: str) -> FeedBatch:
    """The batch that records a whole CSV file refused before any row was read."""
    error = {"row": 0, "file_number": "", "code": code, "message": message, "details": {}}
    return FeedBatch.objects.create(
        source=FeedBatch.Source.CSV, name=path.name, received_at=now, errors=[error]
    )


def housing_feed_import_csv(*, path: Path, now: datetime | None = None) -> list[FeedBatch]:
    """Import one CSV file (UTF-8, header row with the API's field names), chunk by chunk."""
    now = now or timezone.now()
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return [_refused_file(path, now, "invalid_encoding", _("The file is not UTF-8 text."))]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [f for f in REQUIRED if f not in header]
    if missing:
        message = _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}
        return [_refused_file(path, now, "missing_columns", message)]
    batches, chunk, first = [], [], 1
    for row in reader:
        # Empty cells are absent fields; extra cells past the header are an unknown field.
        cleaned = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
        if None in row:
            cleaned["_extra_cells"] = row[None]
        chunk.append(cleaned)
        if len(chunk) == MAX_ROWS:
            batches.append(_csv_chunk(chunk, path, first, now))
            first += len(chunk)
            chunk = []
    if chunk or not batches:
        batches.append(_csv_chunk(chunk, path, first, now))
    return batches


def _csv_chunk(chunk: list[dict], path: Path, first: int, now: datetime) -> FeedBatch:
    batch = housing_feed_apply(rows=chunk, source=FeedBatch.Source.CSV, name=path.name, now=now)
    if first != 1:  # row numbers are the file's data lines (1 = the line after the header)
        for error in batch.errors:
            error["row"] += first - 1
        FeedBatch.objects.filter(pk=batch.pk).update(errors=batch.errors)
    return batch


def housing_feed_import_drops(*, now: datetime | None = None) -> dict:
    """Import every ``*.csv`` in ``HOUSING_FEED_DROP_DIR``, oldest name first.

    Each file is claimed by renaming it into ``processing/`` (atomic: two workers never take
    the same file), then moved to ``processed/`` — or ``failed/`` when it could not be read —
    with the time prefixed. The housing system writes ``name.csv.part`` and renames it when
    complete, so a half-written file is never read.
    """
    folder = _drop_dir()
    counts = {"files": 0, "created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    if folder is None or not folder.is_dir():
        return counts
    for sub in ("processing", "processed", "failed"):
        (folder / sub).mkdir(exist_ok=True)
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    for path in sorted(folder.glob("*.csv")):
        claimed = folder / "processing" / path.name
        try:
            os.rename(path, claimed)
        except FileNotFoundError:
            continue  # another worker took it
        try:
            batches = housing_feed_import_csv(path=claimed, now=now)
        except Exception:
            logger.exception("housing feed: %s could not be imported", path.name)
            os.rename(claimed, folder / "failed" / f"{stamp}-{path.name}")
            continue
        unreadable = any(e.get("row") == 0 for b in batches for e in b.errors)
        os.rename(claimed, folder / ("failed" if unreadable else "processed") / f"{stamp}-{path.name}")
        counts["files"] += 1
        for batch in batches:
            for key in ("created", "updated", "unchanged", "rejected"):
                counts[key] += getattr(batch, key)
    return counts
