"""The statement in its formats: JSON (the API), CSV, XLSX and PDF. Every format reads the
same ``Statement`` rows, so the figures are identical across them."""

from __future__ import annotations

from apps.reports import publishing
from apps.reports.statement import Statement


def as_json(statement: Statement, *, record=None) -> dict:
    revision = publishing.revision(statement, record)
    figures = {}
    for f in statement.figures:
        row = {
            "group": f.group,
            "label_ar": f.label_ar,
            "label_en": f.label_en,
            "definition_ar": f.definition_ar,
            "definition_en": f.definition_en,
            "unit": f.unit,
            "change_unit": f.change_unit,
            "value": f.value,
            "previous": f.previous,
            "change": f.change,
            "ytd": f.ytd,
            "confidential": f.confidential,
        }
        if revision.published:
            row["published"] = revision.published_values.get(f.code)
            row["revised"] = f.code in revision.revised_codes
        figures[f.code] = row
    publication = getattr(record, "publication", None) if record else None
    return {
        "month": statement.key,
        "previous_month": f"{statement.previous_month:%Y-%m}",
        "computed_at": statement.computed_at,
        "status": record.status if record else "none",
        "published_at": publication.published_at if publication else None,
        "checksum": publication.checksum if publication else None,
        "revised_codes": sorted(revision.revised_codes),
        "groups": [
            {"key": g.key, "label_ar": g.label_ar, "label_en": g.label_en, "codes": [f.code for f in rows]}
            for g, rows in statement.groups()
        ],
        "figures": figures,
    }
