"""Reads of citizens, already filtered to what the viewer may see."""

from __future__ import annotations

from datetime import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Prefetch, QuerySet
from django.db.models.functions import JSONObject

from apps.citizens.models import Citizen, CitizenAccess, CitizenPhone
from apps.citizens.name_search import citizen_name_search, looks_like_name
from apps.citizens.services import citizen_access_record
from apps.citizens.validation import looks_like_cpr, normalize_cpr, normalize_phone
from apps.core.errors import NotFound, PermissionDenied, ValidationFailed
from apps.core.prepared import PreparedQuery

IDENTITY_PERMISSION = "accounts.view_citizen_identity"


def can_see_identity(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(IDENTITY_PERMISSION))


def mask_cpr(cpr: str) -> str:
    return "*****" + cpr[-4:] if cpr else ""


def citizens_with_phones() -> QuerySet[Citizen]:
    return Citizen.objects.prefetch_related(
        Prefetch("phones", queryset=CitizenPhone.objects.select_related("confirmed_by")), "housing_files"
    )


_PHONE_FIELDS = (
    "id",
    "number",
    "kind",
    "is_primary",
    "confirmed_at",
    "confirmed_by_id",
    "created_at",
    "updated_at",
)


def _citizen_with_phones_query(pk: int) -> QuerySet[Citizen]:
    rows = CitizenPhone.objects.filter(citizen_id=OuterRef("pk")).order_by("-is_primary", "id")
    return Citizen.objects.filter(pk=pk).annotate(
        phone_rows=ArraySubquery(rows.values(json=JSONObject(**{f: f for f in _PHONE_FIELDS})))
    )[:1]


# Compiled once per thread: every ticket created through the API reads its citizen here, and
# building this query cost more than running it (bench/PROFILE-issue20.md).
_citizen_with_phones = PreparedQuery("citizens.with_phones", _citizen_with_phones_query, pk=int)
_BIGINT = range(-(2**63), 2**63)


def citizen_with_phones(pk: int) -> Citizen | None:
    """The citizen and their phones in one query (a ticket's creation reads the phones for
    the contact mobile and the acknowledgement): the phones come as a JSON array beside the
    row and are set as the prefetched ``citizen.phones``. None when there is no such citizen."""
    if pk not in _BIGINT:  # as the ORM does: no row can have it
        return None
    found = _citizen_with_phones.run(pk=pk)
    citizen = found[0] if found else None
    if citizen is None:
        return None
    phones = []
    for row in citizen.phone_rows:
        for stamp in ("confirmed_at", "created_at", "updated_at"):
            row[stamp] = datetime.fromisoformat(row[stamp]) if row[stamp] else None
        phone = CitizenPhone(citizen_id=citizen.pk, **row)
        phone._state.adding, phone._state.db = False, citizen._state.db
        phone._state.fields_cache["citizen"] = citizen
        phones.append(phone)
    prefetched = CitizenPhone.objects.filter(citizen_id=citizen.pk)
    prefetched._result_cache, prefetched._prefetch_done = phones, True
    citizen._prefetched_objects_cache = {"phones": prefetched}
    del citizen.phone_rows
    return citizen


def can_search_names(user) -> bool:
    """Who may look citizens up by name: those who see identities, and those who may view
    citizens without their identity (they get the CPR masked)."""
    return can_see_identity(user) or bool(
        user and user.is_authenticated and user.has_perm("citizens.view_citizen")
    )


def citizen_search(*, query: str, viewer, names: bool = False) -> list:
    """Find citizens by CPR (exact) or phone number (any of theirs, exact E.164); with
    ``names``, a query with letters in it finds them by name instead: a ranked pick-list of
    ``name_search.NameMatch`` (CPR masked unless the viewer may see identities), in one
    statement. A pick-list is not a read of anyone's file: opening one is, and is logged."""
    query = (query or "").strip()
    if names and looks_like_name(query):
        if not can_search_names(viewer):
            raise PermissionDenied()
        return citizen_name_search(query=query, show_identity=can_see_identity(viewer))
    if not can_see_identity(viewer):
        raise PermissionDenied()
    if not query:
        return []
    if looks_like_cpr(query):
        return list(citizens_with_phones().filter(cpr=normalize_cpr(query)))
    try:
        e164 = normalize_phone(query)
    except ValidationFailed:
        return []
    return list(citizens_with_phones().filter(phones__number=e164).distinct())


def citizen_by_phone(*, phone: str) -> Citizen | None:
    """The citizen a number belongs to (the primary holder first) — for screen-pops."""
    e164 = normalize_phone(phone)
    match = (
        CitizenPhone.objects.filter(number=e164)
        .select_related("citizen")
        .order_by("-is_primary", "id")
        .first()
    )
    return match.citizen if match else None


def citizen_file(*, citizen_id: int, viewer, purpose: str = "view") -> Citizen:
    """The whole citizen file for a viewer allowed to see it; the read is logged."""
    if not can_see_identity(viewer):
        raise PermissionDenied()
    citizen = citizens_with_phones().filter(pk=citizen_id).first()
    if citizen is None:
        raise NotFound()
    citizen_access_record(citizen=citizen, actor=viewer, purpose=purpose)
    return citizen


def primary_phone(citizen: Citizen) -> str | None:
    phones = list(citizen.phones.all())
    for phone in phones:
        if phone.is_primary:
            return str(phone.number)
    return str(phones[0].number) if phones else None


def citizen_phone(*, citizen: Citizen, phone_id: int) -> CitizenPhone:
    phone = citizen.phones.filter(pk=phone_id).first()
    if phone is None:
        raise NotFound()
    return phone


def can_change(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("citizens.change_citizen"))


def can_add(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("citizens.add_citizen"))


def citizen_by_email(*, email: str) -> Citizen | None:
    """The one citizen whose e-mail on file is ``email`` (any case); None when none or several."""
    email = (email or "").strip()
    if not email:
        return None
    found = list(Citizen.objects.filter(email__iexact=email).order_by("pk")[:2])
    return found[0] if len(found) == 1 else None


def citizen_by_cpr(*, cpr: str) -> Citizen | None:
    """The citizen with this CPR, for intake services only (a portal submission is linked to
    the citizen it names). Never show what it returns to the person who typed the CPR."""
    return Citizen.objects.filter(cpr=normalize_cpr(cpr)).first()


def _phone_event_rows(*, citizen, viewer):
    from apps.citizens.models import CitizenPhoneEvent

    if not can_see_identity(viewer):
        return None
    return CitizenPhoneEvent.objects.filter(citizen_id=citizen.pk)


def _phone_event_entry(event, viewer=None):
    from django.utils.translation import gettext as _

    from apps.citizens import timeline
    from apps.citizens.models import CitizenPhoneEvent

    titles = {
        CitizenPhoneEvent.Action.ADDED: _("Phone number added"),
        CitizenPhoneEvent.Action.CONFIRMED: _("Phone number confirmed"),
        CitizenPhoneEvent.Action.MADE_PRIMARY: _("Phone number made primary"),
        CitizenPhoneEvent.Action.REMOVED: _("Phone number removed"),
    }
    return timeline.TimelineEntry(
        at=event.at,
        kind="phone",
        id=event.pk,
        kind_label=_("Phone"),
        title=titles.get(event.action, event.get_action_display()),
        details=[(_("Number"), event.number)],
        actor=event.actor.display_name() if event.actor else "",
    )


def phone_events_timeline():
    """Timeline source: phone numbers added, confirmed, made primary or removed, and by whom
    (read in the timeline's one query)."""
    from apps.citizens import timeline

    return timeline.QuerySource(
        kind="phone", rows=_phone_event_rows, at_field="at", related=("actor",), entry=_phone_event_entry
    )


def citizen_phone_for_viewer(*, phone_id: int, viewer) -> CitizenPhone:
    """One phone number, for a viewer allowed to see citizens' contact details."""
    if not can_see_identity(viewer):
        raise PermissionDenied()
    phone = CitizenPhone.objects.select_related("citizen").filter(pk=phone_id).first()
    if phone is None:
        raise NotFound()
    return phone


# --- subject access (apps.privacy.desk) ----------------------------------------------


def citizen_for_subject_access(*, citizen_id: int) -> Citizen | None:
    """The citizen's whole file (identity, address, phones, housing files) in three queries,
    for the subject-access archive only: its caller checks the officer's permission and logs
    the production, so this read is not logged as a file read."""
    return citizens_with_phones().filter(pk=citizen_id).first()


def file_reads(
    *,
    citizen_id: int | None = None,
    user_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[CitizenAccess]:
    """Reads of citizens' files (``CitizenAccess``), filtered, for the data-protection
    officer's read log and the unusual-reading sweep; the caller checks its permission."""
    rows = CitizenAccess.objects.all()
    if citizen_id:
        rows = rows.filter(citizen_id=citizen_id)
    if user_id:
        rows = rows.filter(user_id=user_id)
    if since:
        rows = rows.filter(at__gte=since)
    if until:
        rows = rows.filter(at__lt=until)
    return rows


def primary_phones(citizen_ids) -> dict[int, str]:
    """Each citizen's primary phone number (E.164), in one query (exports fetch a batch at a time)."""
    ids = {pk for pk in citizen_ids if pk}
    if not ids:
        return {}
    rows = (
        CitizenPhone.objects.filter(citizen_id__in=ids)
        .order_by("citizen_id", "-is_primary", "id")
        .distinct("citizen_id")
        .values_list("citizen_id", "number")
    )
    return {citizen_id: str(number) for citizen_id, number in rows}
