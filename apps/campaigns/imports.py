"""Adding targets to a campaign: from a CSV or XLSX file, a JSON batch (the API) or the
citizens and housing files matching filters — one pipeline for all of them.

Problems with a file as a whole (unreadable, wrong encoding, wrong columns, too many rows)
refuse the whole file; problems in a row reject that row, listed by line and reason; the
valid rows are added together in one transaction, so a file is never half added. Within
one batch a CPR given twice is merged into its first row (numbers and fields joined); a CPR
already on the campaign gets the new numbers added. Citizens who asked not to be called
for this kind of campaign, and rows whose every number is known to be wrong, are added as
excluded with the reason, so the supervisor sees them; wrong numbers are dropped.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.campaigns.models import Campaign, OptOut, Target, WrongNumber
from apps.citizens.validation import normalize_cpr, normalize_phone
from apps.core import textfiles
from apps.core.errors import Conflict, ValidationFailed
from apps.core.text import latin_digits

MAX_ROWS = 200_000
# A batch this large refreshes the targets table's planner statistics (see _add_clean).
ANALYZE_AFTER_ROWS = 5_000
REQUIRED_COLUMNS = ("cpr", "name", "phone")
PHONE_COLUMNS = ("phone", "phone2", "phone3")
FIELD_COLUMNS = ("project", "draw_date", "draw_time", "place", "branch", "document", "notes")
COLUMNS = ("cpr", "name", *PHONE_COLUMNS, *FIELD_COLUMNS)
# Arabic headers, as a ministry spreadsheet usually has them.
ALIASES = {
    "الرقم الشخصي": "cpr",
    "رقم الهوية": "cpr",
    "الاسم": "name",
    "الهاتف": "phone",
    "رقم الهاتف": "phone",
    "الهاتف 2": "phone2",
    "الهاتف 3": "phone3",
    "المشروع": "project",
    "تاريخ السحب": "draw_date",
    "وقت السحب": "draw_time",
    "المكان": "place",
    "الفرع": "branch",
    "المستند": "document",
    "ملاحظات": "notes",
}
_REQUIRED = gettext_lazy("Required.")


@dataclass
class CleanRow:
    line: int
    cpr: str
    name: str
    phones: list[str]
    fields: dict
    citizen_id: int | None = None


@dataclass
class ImportReport:
    received: int = 0
    added: int = 0
    merged: list[dict] = field(default_factory=list)
    excluded: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "summary": {
                "received": self.received,
                "added": self.added,
                "merged": len(self.merged),
                "excluded": len(self.excluded),
                "rejected": len(self.rejected),
            },
            "merged": self.merged,
            "excluded": self.excluded,
            "rejected": self.rejected,
        }


# ---------------------------------------------------------------- reading files


def read_file(data: bytes, *, filename: str = "", encoding: str | None = None) -> list[tuple[int, dict]]:
    """``[(line, record)]`` from a CSV or XLSX file (told apart by content, not by name)."""
    if not data:
        raise ValidationFailed(
            _("The file is empty."), code="file_empty", details={"file": [_("The file is empty.")]}
        )
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise ValidationFailed(
            _("This spreadsheet cannot be read: save it as XLSX or CSV."),
            code="xlsx_unreadable",
            details={"file": [_("Save it as XLSX or CSV.")]},
        )
    return _read_csv(decode(data, encoding))


def decode(data: bytes, encoding: str | None = None) -> str:
    """The file's text (``apps.core.textfiles.decode_text``), or this app's bilingual error."""
    try:
        return textfiles.decode_text(data, encoding)
    except textfiles.UnknownEncoding:
        raise ValidationFailed(
            _("Only UTF-8 and Windows-1256 files are accepted."),
            code="file_encoding",
            details={"encoding": [_("Use utf-8 or windows-1256.")]},
        ) from None
    except textfiles.NotText:
        raise _encoding_error() from None


def _encoding_error() -> ValidationFailed:
    return ValidationFailed(
        _("The file is not UTF-8 or Windows-1256 text."),
        code="file_encoding",
        details={"file": [_("Save the list as CSV in UTF-8 or Windows-1256, or as XLSX.")]},
    )


def _header(names: list) -> list[str]:
    cleaned = []
    for raw in names:
        name = re.sub(r"\s+", " ", str(raw or "")).strip().lower().replace("\ufeff", "")
        cleaned.append(ALIASES.get(name, name))
    missing = [c for c in REQUIRED_COLUMNS if c not in cleaned]
    unknown = [n for n in cleaned if n not in COLUMNS]
    twice = sorted({n for n in cleaned if cleaned.count(n) > 1})
    if missing or unknown or twice:
        details: dict = {"expected": list(COLUMNS), "required": list(REQUIRED_COLUMNS)}
        if missing:
            details["missing"] = missing
        if unknown:
            details["unknown"] = unknown
        if twice:
            details["repeated"] = twice
        raise ValidationFailed(
            _("The file's columns are not the campaign's columns: %(columns)s.")
            % {"columns": ", ".join(COLUMNS)},
            code="file_columns",
            details=details,
        )
    return cleaned


def _too_many() -> ValidationFailed:
    return ValidationFailed(
        _("A file may hold at most %(limit)s rows; split the list.") % {"limit": f"{MAX_ROWS:,}"},
        code="file_too_many_rows",
        details={"file": [str(MAX_ROWS)]},
    )


def _read_csv(text: str) -> list[tuple[int, dict]]:
    sample = text[:4096]
    delimiter = ";" if sample.split("\n", 1)[0].count(";") > sample.split("\n", 1)[0].count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        names = _header(next(reader))
    except StopIteration:
        raise ValidationFailed(_("The file is empty."), code="file_empty") from None
    except csv.Error as exc:
        raise ValidationFailed(str(exc), code="file_unreadable") from None
    rows: list[tuple[int, dict]] = []
    line = reader.line_num
    width = len(names)
    while True:
        start = line + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error:
            rows.append((start, {"__error__": "unreadable"}))
            line = reader.line_num
            continue
        line = reader.line_num
        if not values or not any(v.strip() for v in values):
            continue
        if len(values) != width:
            rows.append((start, {"__error__": "field_count", "__found__": len(values), "__width__": width}))
        else:
            rows.append((start, dict(zip(names, values, strict=True))))
        if len(rows) > MAX_ROWS:
            raise _too_many()
    return rows


def _read_xlsx(data: bytes) -> list[tuple[int, dict]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ValidationFailed(
            _("This spreadsheet cannot be read: save it as XLSX or CSV."),
            code="xlsx_unreadable",
            details={"file": [_("Save it as XLSX or CSV.")]},
        ) from None
    try:
        sheet = book.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        try:
            header = next(iterator)
        except StopIteration:
            raise ValidationFailed(_("The file is empty."), code="file_empty") from None
        while header is not None and not any(v not in (None, "") for v in header):
            header = next(iterator, None)
        if header is None:
            raise ValidationFailed(_("The file is empty."), code="file_empty")
        # Trailing empty header cells are formatting, not columns.
        header = list(header)
        while header and header[-1] in (None, ""):
            header.pop()
        names = _header(header)
        rows: list[tuple[int, dict]] = []
        for line, values in enumerate(iterator, start=2):
            values = list(values[: len(names)]) + [None] * (len(names) - len(values))
            if not any(v not in (None, "") for v in values):
                continue
            rows.append((line, {n: _cell(v) for n, v in zip(names, values, strict=True)}))
            if len(rows) > MAX_ROWS:
                raise _too_many()
        return rows
    finally:
        book.close()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------- checking rows


_BAHRAINI = re.compile(r"(?:\+973|00973)?([0-9]{8})")
_SPACING = re.compile(r"[\s\-.()\u200e\u200f\u2066-\u2069]")
_NAME_SPACES = re.compile(r"\s+")
_PHONE_SPLIT = re.compile(r"[;,،/]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIGITS9 = re.compile(r"[0-9]{9}")


@lru_cache(maxsize=16_384)
def _bahraini_prefix_valid(prefix: str) -> bool:
    """Whether Bahraini numbers starting with these 4 digits exist: every pattern of the
    BH metadata is a prefix of at most 4 digits followed by free digits (8 in all), so
    the first 4 decide (``test_the_fast_phone_check_agrees_with_phonenumbers`` keeps it
    honest)."""
    try:
        normalize_phone(prefix + "0000")
    except ValidationFailed:
        return False
    return True


def _phone(value: str) -> str:
    """E.164 of a number in a row: Bahraini 8-digit numbers (with or without +973 / 00973)
    by the prefix table above — a 100,000-row list would otherwise spend most of its time
    in phonenumbers — and anything else through ``normalize_phone``."""
    compact = _SPACING.sub("", value if value.isascii() else latin_digits(value))
    match = _BAHRAINI.fullmatch(compact)
    if match is not None:
        national = match.group(1)
        if _bahraini_prefix_valid(national[:4]):
            return "+973" + national
        raise ValidationFailed(code="invalid_phone")
    return normalize_phone(value)


@lru_cache(maxsize=4_096)
def _draw_date(value: str) -> str:
    text = latin_digits(value).strip()
    if _ISO_DATE.fullmatch(text):
        return date.fromisoformat(text).isoformat()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(text)


def _cpr(value: str) -> str:
    if len(value) == 9 and value.isascii() and _DIGITS9.fullmatch(value):
        return value
    return normalize_cpr(value)


def clean_row(line: int, record: dict) -> tuple[CleanRow | None, list[dict]]:
    """One record into a clean row, or every error found in it (field, code, reason)."""
    errors: list[dict] = []

    def reject(name: str, code: str, reason) -> None:
        errors.append({"line": line, "field": name, "code": code, "reason": str(reason)})

    if "__error__" in record:
        if record["__error__"] == "field_count":
            reject(
                "",
                "field_count",
                _("This row has %(found)s fields; the header has %(expected)s.")
                % {"found": record["__found__"], "expected": record["__width__"]},
            )
        else:
            reject("", "unreadable_row", _("This row cannot be read."))
        return None, errors
    cpr = name = ""
    try:
        cpr = _cpr(record.get("cpr") or "")
    except ValidationFailed:
        reject("cpr", "invalid_cpr", _("A CPR number is exactly 9 digits."))
    name = record.get("name") or ""
    name = (
        _NAME_SPACES.sub(" ", name).strip() if "  " in name or "\t" in name or "\n" in name else name.strip()
    )
    if not name:
        reject("name", "name_required", _("The name is required."))
    elif len(name) > 200:
        reject("name", "name_too_long", _("The name is limited to 200 characters."))
    phones: list[str] = []
    for column in PHONE_COLUMNS:
        raw = (record.get(column) or "").strip()
        if not raw:
            continue
        for part in (
            _PHONE_SPLIT.split(raw) if ("," in raw or ";" in raw or "/" in raw or "،" in raw) else (raw,)
        ):
            if not part.strip():
                continue
            try:
                number = _phone(part.strip())
            except ValidationFailed:
                reject(
                    column,
                    "invalid_phone",
                    _("“%(value)s” is not a valid phone number.") % {"value": part.strip()[:30]},
                )
                continue
            if number not in phones:
                phones.append(number)
    if not phones and not any(e["field"] in PHONE_COLUMNS for e in errors):
        reject("phone", "phone_required", _("At least one phone number is required."))
    fields = {}
    for column in FIELD_COLUMNS:
        value = record.get(column)
        if not value:
            continue
        value = value.strip()
        if not value:
            continue
        if len(value) > 300:
            reject(column, "too_long", _("At most 300 characters."))
            continue
        if column == "draw_date":
            try:
                value = _draw_date(value)
            except ValueError:
                reject(column, "invalid_date", _("Write the date as YYYY-MM-DD or DD/MM/YYYY."))
                continue
        fields[column] = value
    if errors:
        return None, errors
    return CleanRow(line=line, cpr=cpr, name=name, phones=phones, fields=fields), []


# ---------------------------------------------------------------- adding


def targets_import_file(
    *, campaign: Campaign, data: bytes, actor, filename: str = "", encoding: str | None = None, now=None
) -> ImportReport:
    """Add the targets of a CSV or XLSX file (see the module docstring)."""
    rows = read_file(data, filename=filename, encoding=encoding)
    return targets_add(campaign=campaign, records=rows, actor=actor, now=now)


def targets_add(*, campaign: Campaign, records: list[tuple[int, dict]], actor, now=None) -> ImportReport:
    """Check every record, then add the valid ones in one transaction."""
    _check_open(campaign)
    report = ImportReport(received=len(records))
    clean: list[CleanRow] = []
    for line, record in records:
        row, errors = clean_row(line, record)
        if row is None:
            report.rejected.extend(errors)
        else:
            clean.append(row)
    _add_clean(campaign=campaign, rows=clean, report=report, now=now)
    return report


def _check_open(campaign: Campaign) -> None:
    if campaign.status == Campaign.Status.FINISHED:
        raise Conflict(_("A finished campaign takes no more targets."), code="campaign_finished")


@transaction.atomic
def _add_clean(*, campaign: Campaign, rows: list[CleanRow], report: ImportReport, now=None) -> None:
    """1. merge repeats within the batch; 2. add new numbers to targets already on the
    campaign; 3. mark the excluded; 4. write the new targets with one COPY."""
    now = now or timezone.now()
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # one import at a time per campaign
    first: dict[str, CleanRow] = {}
    for row in rows:
        kept = first.get(row.cpr)
        if kept is None:
            first[row.cpr] = row
            continue
        kept.phones.extend(p for p in row.phones if p not in kept.phones)
        for key, value in row.fields.items():
            kept.fields.setdefault(key, value)
        kept.citizen_id = kept.citizen_id or row.citizen_id
        report.merged.append({"line": row.line, "into_line": kept.line, "cpr": "*****" + row.cpr[-4:]})

    existing = {}
    cprs = list(first)
    # A first import into an empty campaign (the usual case) has nothing to merge with.
    if cprs and Target.objects.filter(campaign=campaign).exists():
        # One array parameter, not one placeholder per CPR: fast for a hundred thousand.
        for target in Target.objects.raw(
            "SELECT id, cpr, phones FROM campaigns_target WHERE campaign_id = %s AND cpr = ANY(%s)",
            [campaign.pk, cprs],
        ):
            existing[target.cpr] = target
    changed = []
    for cpr, target in existing.items():
        row = first.pop(cpr)
        extra = [p for p in row.phones if p not in target.phones]
        if extra:
            target.phones = [*target.phones, *extra]
            changed.append(target)
        report.merged.append({"line": row.line, "into_target": target.pk, "cpr": "*****" + cpr[-4:]})
    if changed:
        Target.objects.bulk_update(changed, ["phones"], batch_size=2_000)

    opted_out = _opted_out(campaign, list(first))
    wrong = _wrong_numbers({p for row in first.values() for p in row.phones})
    out = []
    for row in first.values():
        status, exclusion, detail = Target.Status.PENDING, "", ""
        dropped = [p for p in row.phones if p in wrong]
        phones = [p for p in row.phones if p not in wrong]
        if row.cpr in opted_out:
            status, exclusion = Target.Status.EXCLUDED, Target.Exclusion.OPTED_OUT
            detail = opted_out[row.cpr]
        elif not phones:
            status, exclusion = Target.Status.EXCLUDED, Target.Exclusion.WRONG_NUMBERS
            detail = ", ".join(dropped)
        if status == Target.Status.EXCLUDED:
            report.excluded.append(
                {
                    "line": row.line,
                    "cpr": "*****" + row.cpr[-4:],
                    "reason": exclusion,
                    "message": str(Target.Exclusion(exclusion).label),
                }
            )
        out.append(
            (
                campaign.pk,
                row.citizen_id,
                row.cpr,
                row.name,
                phones,
                _json(row.fields),
                status,
                exclusion,
                detail[:200],
                0,
                now if status == Target.Status.PENDING else None,
                row.line if row.line > 0 else None,
                now,
                "",
                "",
            )
        )
    _copy_targets(out)
    if len(out) >= ANALYZE_AFTER_ROWS:
        # Fresh statistics at once: until autovacuum gets to the table, the planner may
        # still believe the campaign is small and answer "next call" with a sort of the
        # whole list (tens of milliseconds a claim) instead of one probe of the due index.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Target._meta.db_table}")
    report.added = len(out) - len(report.excluded)


def _json(fields: dict) -> str:
    return json.dumps(fields, ensure_ascii=False) if fields else "{}"


def _opted_out(campaign: Campaign, cprs: list[str]) -> dict[str, str]:
    if not cprs or not OptOut.objects.exists():
        return {}
    with connection.cursor() as cursor:
        # One array parameter, not one placeholder per CPR: fast for a hundred thousand.
        cursor.execute(
            f"SELECT cpr, reason FROM {OptOut._meta.db_table} WHERE kind IN (%s, '') AND cpr = ANY(%s)",
            [campaign.kind, cprs],
        )
        return {cpr: reason or "" for cpr, reason in cursor.fetchall()}


def _wrong_numbers(numbers: set[str]) -> set[str]:
    if not numbers or not WrongNumber.objects.exists():
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT number FROM {WrongNumber._meta.db_table} WHERE number = ANY(%s)", [list(numbers)]
        )
        return {row[0] for row in cursor.fetchall()}


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """One value in COPY's text format (NULL is ``\\N``)."""
    if value is None:
        return "\\N"
    if isinstance(value, list):  # the phones: E.164 strings need no quoting inside {…}
        return "{" + ",".join(value) + "}"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


def _copy_targets(rows: list[tuple]) -> None:
    """Write the rows with PostgreSQL's COPY, as text built here and sent in large chunks:
    a hundred thousand targets in a few seconds (psycopg's per-row adaptation of lists and
    JSON would take most of the import)."""
    if not rows:
        return
    columns = (
        "campaign_id, citizen_id, cpr, name, phones, fields, status, exclusion, exclusion_detail, "
        "attempts, next_due_at, source_line, created_at, last_disposition, answer"
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY campaigns_target ({columns}) FROM STDIN") as copy:
            for start in range(0, len(rows), 5_000):
                chunk = rows[start : start + 5_000]
                copy.write("".join("\t".join(map(_copy_text, row)) + "\n" for row in chunk))


# ---------------------------------------------------------------- from filters


def targets_add_from_filters(*, campaign: Campaign, filters: dict, actor, now=None) -> ImportReport:
    """Add the citizens whose housing files match ``filters`` (see
    ``selectors.citizens_matching``); the same exclusions and merging as a file."""
    from apps.campaigns.selectors import citizens_matching

    _check_open(campaign)
    rows = []
    criteria = {k: v for k, v in filters.items() if v not in (None, "")}
    for citizen in citizens_matching(**criteria):
        phones = [str(p.number) for p in citizen.phones.all()]
        if not phones:
            continue
        rows.append(
            CleanRow(
                line=0, cpr=citizen.cpr, name=citizen.name_ar, phones=phones, fields={}, citizen_id=citizen.pk
            )
        )
    report = ImportReport(received=len(rows))
    _add_clean(campaign=campaign, rows=rows, report=report, now=now)
    return report
