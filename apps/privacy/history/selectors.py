"""Reads of the change history, already narrowed to what the viewer may see.

Who may see what:
- ``privacy_history.view_change_history`` (supervisors, administrators, the data-protection
  officer): the changes of a record, on the citizen's timeline and on the staff pages;
- ``privacy_history.search_change_history`` (administrators, the officer): the search page
  and its exports;
- the old and new values of a citizen's personal data only to those who may see it
  (``accounts.view_citizen_identity``); the fields that changed are shown to every viewer;
- the changes of an "Under Your Command" ticket through ``apps.core.confidentiality``
  (``redacting``): a viewer who may not read such text sees that its classification
  changed, never the values or the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import confidentiality, cursors
from apps.core.errors import PermissionDenied, ValidationFailed

from .models import Change
from .triggers import TRACKED, spec_for

VIEW_PERMISSION = "privacy_history.view_change_history"
SEARCH_PERMISSION = "privacy_history.search_change_history"
VALUES_PERMISSION = "accounts.view_citizen_identity"
PAGE_SIZE = 50
EXPORT_LIMIT = 50_000
CITIZEN_FILE_MODELS = ("citizens.citizen", "citizens.citizenphone", "citizens.housingfile")


def _hide_change(change: Change) -> None:
    change.diff = {column: [None, None] for column in change.diff}
    change.reason = ""


confidentiality.register(
    Change, is_confidential=lambda c: c.confidential, hide=_hide_change, rows=lambda: Q(confidential=True)
)


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_view(user) -> bool:
    return _active(user) and user.has_perm(VIEW_PERMISSION)


def can_search(user) -> bool:
    return _active(user) and user.has_perm(SEARCH_PERMISSION)


def can_see_values(user) -> bool:
    return _active(user) and user.has_perm(VALUES_PERMISSION)


def _visible(viewer) -> QuerySet[Change]:
    """Every change, its confidential ones redacted for ``viewer`` however they are read."""
    return confidentiality.redacting(viewer, Change.objects.select_related("actor"))


# --- how one change reads ---------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str
    shown: bool  # False: the values are withheld from this viewer (or never recorded)


def model_label(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def model_choices() -> list[tuple[str, str]]:
    labels = dict.fromkeys((spec.label or spec.model.lower()) for spec in TRACKED)
    return sorted(((label, model_label(label)) for label in labels), key=lambda pair: pair[1])


def _column_labels(label: str) -> dict[str, str]:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return {}
    names = {f.column: str(f.verbose_name) for f in model._meta.concrete_fields}
    if label == "accounts.user":
        names["group_id"] = _("role")
    return names


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value)


def field_changes(change: Change, *, viewer, groups: dict[int, str] | None = None) -> list[FieldChange]:
    """The fields of one change as ``viewer`` may read them (labels always, values if allowed)."""
    labels = _column_labels(change.model)
    spec = spec_for(change.model)
    secret = set(spec.secret) if spec else set()
    values_allowed = not change.model.startswith("citizens.") or can_see_values(viewer)
    withheld = confidentiality.is_redacted(change) or not values_allowed
    rows = []
    for column, pair in sorted(change.diff.items()):
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, None)
        if column == "group_id" and groups is not None:
            old, new = groups.get(old, old), groups.get(new, new)
        shown = not withheld and column not in secret
        rows.append(
            FieldChange(
                label=labels.get(column, column),
                old=_text(old) if shown else "",
                new=_text(new) if shown else "",
                shown=shown,
            )
        )
    return rows


def role_names() -> dict[int, str]:
    """Role (group) ids to their names, for the membership changes of staff members (one query)."""
    from django.contrib.auth.models import Group

    from apps.accounts.roles import Role

    labels = {role.value: str(role.label) for role in Role}
    return {pk: labels.get(name, name) for pk, name in Group.objects.values_list("pk", "name")}


# --- for other apps ----------------------------------------------------------------------


def changes_for_object(viewer, obj, *, limit: int = PAGE_SIZE) -> list[Change]:
    """The newest changes of one record (a citizen, a user, a template …), newest first."""
    if not can_view(viewer):
        raise PermissionDenied()
    label = obj._meta.label_lower
    rows = _visible(viewer).filter(model=label, object_id=str(obj.pk))
    return list(rows.order_by("-at", "-id")[: max(1, min(limit, 500))])


def changes_by_actor(viewer, user, *, limit: int = PAGE_SIZE) -> list[Change]:
    """The newest changes made by one member of staff (the staff page's history panel)."""
    if not can_view(viewer):
        raise PermissionDenied()
    rows = _visible(viewer).filter(actor_id=user.pk)
    return list(rows.order_by("-at", "-id")[: max(1, min(limit, 500))])


# --- the officer's search ---------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    citizen_id: int | None = None
    actor_id: int | None = None
    since: date | None = None
    until: date | None = None
    model: str = ""
    door: str = ""

    def as_dict(self) -> dict:
        return {
            key: (value.isoformat() if isinstance(value, date) else value)
            for key, value in self.__dict__.items()
            if value not in (None, "")
        }


def parse_filters(
    *, citizen: str = "", staff: str = "", since=None, until=None, model: str = "", door: str = ""
) -> Filters:
    """The search's filters from what the officer typed; unknown ones refused bilingually."""
    from apps.citizens import selectors as citizen_selectors
    from apps.citizens.validation import looks_like_cpr
    from apps.core.parsing import to_id

    errors: dict[str, list[str]] = {}
    citizen_id = None
    citizen = (citizen or "").strip()
    if citizen:
        found = None
        if looks_like_cpr(citizen):
            try:
                found = citizen_selectors.citizen_by_cpr(cpr=citizen)
            except ValidationFailed:
                found = None
            citizen_id = found.pk if found else None
        else:
            citizen_id = to_id(citizen)
        if citizen_id is None:
            errors["citizen"] = [_("No citizen has this CPR number or file number.")]
    actor_id = None
    staff = (staff or "").strip()
    if staff:
        actor_id = (
            get_user_model().objects.filter(username__iexact=staff).values_list("pk", flat=True).first()
        )
        if actor_id is None:
            errors["staff"] = [_("No member of staff has this user name.")]
    if model and model not in dict(model_choices()):
        errors["model"] = [_("Choose a record type from the list.")]
    if since and until and since > until:
        errors["until"] = [_("The end date is before the start date.")]
    if errors:
        raise ValidationFailed(_("Check the search fields."), code="invalid_filter", details=errors)
    return Filters(
        citizen_id=citizen_id, actor_id=actor_id, since=since, until=until, model=model, door=door or ""
    )


def _filtered(viewer, filters: Filters) -> QuerySet[Change]:
    if not can_search(viewer):
        raise PermissionDenied()
    rows = _visible(viewer)
    if filters.citizen_id is not None:
        rows = rows.filter(citizen_id=filters.citizen_id)
    if filters.actor_id is not None:
        rows = rows.filter(actor_id=filters.actor_id)
    tz = timezone.get_current_timezone()
    if filters.since:
        rows = rows.filter(at__gte=datetime.combine(filters.since, time.min, tzinfo=tz))
    if filters.until:
        rows = rows.filter(at__lt=datetime.combine(filters.until + timedelta(days=1), time.min, tzinfo=tz))
    if filters.model:
        rows = rows.filter(model=filters.model)
    if filters.door:
        rows = rows.filter(door=filters.door)
    return rows.order_by("-at", "-id")


def change_search(
    viewer, filters: Filters, *, after: str | None = None, limit: int = PAGE_SIZE
) -> tuple[list[Change], str | None]:
    """One page of the search, newest first, and the link token of the next page (keyset)."""
    rows = _filtered(viewer, filters)
    if after:
        at, pk = cursors.decode(after)
        rows = rows.filter(Q(at__lt=at) | Q(at=at, id__lt=pk))
    page = list(rows[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return page, (cursors.encode(page[-1].at, page[-1].pk) if more and page else None)


def change_export_rows(viewer, filters: Filters) -> list[Change]:
    """Every matching change (at most ``EXPORT_LIMIT``), for the CSV and XLSX exports."""
    return list(_filtered(viewer, filters)[:EXPORT_LIMIT])


def timeline_rows(*, citizen, viewer):
    """The citizen's file changes for the 360° timeline (None: not for this viewer)."""
    if not can_view(viewer):
        return None
    return Change.objects.filter(citizen_id=citizen.pk, model__in=CITIZEN_FILE_MODELS)


def _timeline_entry(change: Change, viewer=None):
    from apps.citizens import timeline

    titles = {
        "citizens.citizen": _("Citizen's details changed"),
        "citizens.citizenphone": _("Phone record changed"),
        "citizens.housingfile": _("Housing file changed"),
    }
    details = []
    for field in field_changes(change, viewer=viewer):
        value = f"{field.old} → {field.new}" if field.shown else _("changed")
        details.append((field.label, value))
    if change.reason:
        details.append((_("Reason"), change.reason))
    return timeline.TimelineEntry(
        at=change.at,
        kind="file_change",
        id=change.pk,
        kind_label=_("File changed"),
        title=titles.get(change.model, _("File changed")),
        details=details,
        actor=change.actor.display_name() if change.actor else "",
    )


def file_changes_timeline():
    """Timeline source: changes to the citizen's file, phones and housing files, with who,
    which fields and why (read in the timeline's one query)."""
    from apps.citizens import timeline

    return timeline.QuerySource(
        kind="file_change", rows=timeline_rows, at_field="at", related=("actor",), entry=_timeline_entry
    )
