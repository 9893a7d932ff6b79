"""Writes to the change history's own tables (the history itself is written by triggers)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from .models import Change, ChangeExport


@transaction.atomic
def history_forget(*, model, pks: Iterable) -> int:
    """Delete the history rows of these records of ``model``; returns how many went.

    The retention job calls it after anonymising records, so their old personal values do
    not survive in the history. ``model`` is a model class or its label ("citizens.citizen").
    A citizen's phones and housing files are filed under the citizen too, so forgetting a
    citizen also forgets every change filed under them.
    """
    label = model if isinstance(model, str) else model._meta.label_lower
    keys = [str(pk) for pk in pks]
    if not keys:
        return 0
    rows = Change.objects.filter(model=label.lower(), object_id__in=keys)
    if label.lower() == "citizens.citizen":
        rows = Change.objects.filter(citizen_id__in=[int(k) for k in keys]) | rows
    deleted, _by_model = rows.delete()
    return deleted


def change_export_record(*, actor, format: str, filters: dict, rows: int) -> ChangeExport:
    """Log one export of the change history: who, in which format, with which filter, how many rows."""
    return ChangeExport.objects.create(user=actor, format=format, filters=filters, rows=rows)
