"""What a published statement froze, and how the records have moved since."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field


def figure_values(statement) -> dict:
    """``{code: {"value", "previous", "change", "ytd"}}``: what publishing freezes."""
    return {
        f.code: {"value": f.value, "previous": f.previous, "change": f.change, "ytd": f.ytd}
        for f in statement.figures
    }


def checksum(*, figures: dict, text_ar: str, text_en: str) -> str:
    canonical = json.dumps(
        {"figures": figures, "text_ar": text_ar, "text_en": text_en},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class Revision:
    published: bool = False
    published_values: dict = field(default_factory=dict)
    revised_codes: set = field(default_factory=set)


def revision(statement, record) -> Revision:
    """The published value of each figure and the codes whose current value differs."""
    publication = getattr(record, "publication", None) if record is not None else None
    if publication is None:
        return Revision()
    published = {code: row["value"] for code, row in publication.figures.items()}
    current = {f.code: f.value for f in statement.figures}
    revised = {code for code in set(published) | set(current) if published.get(code) != current.get(code)}
    return Revision(published=True, published_values=published, revised_codes=revised)
