"""Writes to citizens: creation, phones (with who confirmed them and when), housing files."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.citizens.models import Citizen, CitizenAccess, CitizenPhone, CitizenPhoneEvent, HousingFile
from apps.citizens.validation import normalize_cpr, normalize_phone
from apps.core.errors import Conflict, ValidationFailed
from apps.core.history import history_door
from apps.core.text import clean_line


def _actor_recorded(service):
    """The change history files the service's writes under its ``actor``, whatever door
    (page, API, task) it was called through."""

    @functools.wraps(service)
    def recorded(*args, actor=None, **kwargs):
        with history_door(None, actor=actor):
            return service(*args, actor=actor, **kwargs)

    return recorded


@_actor_recorded
@transaction.atomic
def citizen_create(
    *,
    cpr: str,
    name_ar: str,
    actor,
    name_en: str = "",
    latin_names: str = "",
    phones: Iterable[str] = (),
    email: str = "",
    language: str = "ar",
    address: dict | None = None,
    confirmed: bool = False,
    now: datetime | None = None,
) -> Citizen:
    """Create a citizen with their phones; the first phone is the primary one.

    ``confirmed`` records that the citizen confirmed the phones to ``actor`` just now.
    """
    cpr = normalize_cpr(cpr)
    # Whatever door the name came through (form, API, import), it is stored clean.
    name_ar = clean_line(name_ar or "")
    if not name_ar:
        raise ValidationFailed(
            _("The citizen's name in Arabic is required."),
            code="name_required",
            details={"name_ar": [_("Required.")]},
        )
    if language not in Citizen.Language.values:
        raise ValidationFailed(_("Unknown language."), code="unknown_language")
    numbers = list(dict.fromkeys(normalize_phone(p, field="phones") for p in phones if str(p).strip()))
    if Citizen.objects.filter(cpr=cpr).exists():
        raise Conflict(
            _("A citizen with this CPR number already exists."),
            code="cpr_exists",
            details={"cpr": [cpr[-4:]]},
        )
    citizen = Citizen(
        cpr=cpr,
        name_ar=name_ar,
        name_en=clean_line(name_en or ""),
        latin_names=clean_line(latin_names or ""),
        email=(email or "").strip(),
        language=language,
        created_by=actor if getattr(actor, "pk", None) else None,
        **{k: str(v).strip() for k, v in (address or {}).items() if k in _ADDRESS_FIELDS},
    )
    citizen.full_clean()
    try:
        with transaction.atomic():
            citizen.save()
    except IntegrityError:  # a concurrent creation won the race for this CPR
        raise Conflict(_("A citizen with this CPR number already exists."), code="cpr_exists") from None
    when = now or timezone.now()
    for index, number in enumerate(numbers):
        CitizenPhone.objects.create(
            citizen=citizen,
            number=number,
            is_primary=index == 0,
            confirmed_at=when if confirmed else None,
            confirmed_by=actor if confirmed and getattr(actor, "pk", None) else None,
        )
        _phone_event(citizen_id=citizen.pk, number=number, action="added", actor=actor, at=when)
        if confirmed:
            _phone_event(citizen_id=citizen.pk, number=number, action="confirmed", actor=actor, at=when)
    return citizen


def _phone_event(*, citizen_id: int, number, action: str, actor, at: datetime) -> None:
    CitizenPhoneEvent.objects.create(
        citizen_id=citizen_id,
        number=str(number),
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        at=at,
    )


_ADDRESS_FIELDS = ("block", "road", "building", "flat", "area")


CHANGEABLE_FIELDS = ("name_ar", "name_en", "latin_names", "email", "language", *_ADDRESS_FIELDS)


@transaction.atomic
def citizen_update(*, citizen: Citizen, actor, reason: str, **fields) -> Citizen:
    """Change a citizen's details; the change history keeps who, the old and new values and why.

    1. Refuse a blank reason and fields that cannot be changed here.
    2. Lock the row and keep only the values that differ from those on file; refuse when
       none does (a correction with no change would leave a history row saying nothing).
    3. Validate, and save inside the change history's door with the actor and reason, so
       the database trigger files them with the old and new values.
    """
    reason = clean_line(reason or "")
    if not reason:
        raise ValidationFailed(
            _("Give the reason for this change."),
            code="reason_required",
            details={"reason": [_("Required.")]},
        )
    unknown = set(fields) - set(CHANGEABLE_FIELDS)
    if unknown:
        raise ValidationFailed(_("These fields cannot be changed here."), details={f: [] for f in unknown})
    citizen = Citizen.objects.select_for_update().get(pk=citizen.pk)
    changed = {}
    for name, value in fields.items():
        value = clean_line(value) if isinstance(value, str) else value
        if name == "email" and isinstance(value, str):
            value = value.strip()
        if value != getattr(citizen, name):
            changed[name] = value
            setattr(citizen, name, value)
    if not changed:
        raise ValidationFailed(
            _("Nothing to change: the new values are the ones on file."), code="nothing_to_change"
        )
    if "name_ar" in changed and not changed["name_ar"]:
        raise ValidationFailed(
            _("The citizen's name in Arabic is required."),
            code="name_required",
            details={"name_ar": [_("Required.")]},
        )
    try:
        citizen.full_clean()
    except DjangoValidationError as exc:
        raise ValidationFailed(details=exc.message_dict) from None
    with history_door(None, actor=actor, reason=reason):
        citizen.save(update_fields=[*changed, "updated_at"])
    return citizen


@_actor_recorded
@transaction.atomic
def citizen_phone_add(
    *, citizen: Citizen, number: str, actor, make_primary: bool = False, confirmed: bool = True, now=None
) -> CitizenPhone:
    """Add a phone (or re-confirm it if the citizen already has it)."""
    e164 = normalize_phone(number)
    when = now or timezone.now()
    Citizen.objects.select_for_update().filter(pk=citizen.pk).first()  # serialise phone changes per citizen
    phone = CitizenPhone.objects.filter(citizen=citizen, number=e164).first()
    if phone is None:
        has_primary = CitizenPhone.objects.filter(citizen=citizen, is_primary=True).exists()
        phone = CitizenPhone.objects.create(citizen=citizen, number=e164, is_primary=not has_primary)
        _phone_event(citizen_id=citizen.pk, number=e164, action="added", actor=actor, at=when)
    if confirmed:
        phone.confirmed_at, phone.confirmed_by = when, actor
        phone.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
        _phone_event(citizen_id=citizen.pk, number=e164, action="confirmed", actor=actor, at=when)
    if make_primary and not phone.is_primary:
        citizen_phone_set_primary(phone=phone, actor=actor, now=when)
        phone.refresh_from_db()
    return phone


@_actor_recorded
@transaction.atomic
def citizen_phone_confirm(*, phone: CitizenPhone, actor, now: datetime | None = None) -> CitizenPhone:
    """Record that the citizen confirmed this number to ``actor`` (the data-update campaign)."""
    phone.confirmed_at = now or timezone.now()
    phone.confirmed_by = actor
    phone.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
    _phone_event(
        citizen_id=phone.citizen_id,
        number=phone.number,
        action="confirmed",
        actor=actor,
        at=phone.confirmed_at,
    )
    return phone


@_actor_recorded
@transaction.atomic
def citizen_phone_set_primary(*, phone: CitizenPhone, actor, now: datetime | None = None) -> CitizenPhone:
    CitizenPhone.objects.filter(citizen_id=phone.citizen_id, is_primary=True).exclude(pk=phone.pk).update(
        is_primary=False
    )
    CitizenPhone.objects.filter(pk=phone.pk).update(is_primary=True)
    phone.is_primary = True
    _phone_event(
        citizen_id=phone.citizen_id,
        number=phone.number,
        action="made_primary",
        actor=actor,
        at=now or timezone.now(),
    )
    return phone


@_actor_recorded
@transaction.atomic
def citizen_phone_remove(*, phone: CitizenPhone, actor) -> None:
    if phone.is_primary and phone.citizen.phones.count() > 1:
        raise ValidationFailed(
            _("Choose another primary number before removing this one."), code="primary_phone_required"
        )
    _phone_event(
        citizen_id=phone.citizen_id, number=phone.number, action="removed", actor=actor, at=timezone.now()
    )
    phone.delete()


@_actor_recorded
@transaction.atomic
def housing_file_upsert(
    *, citizen: Citizen, application_number: str, service: str, application_date, status: str, actor=None
) -> HousingFile:
    if status not in HousingFile.Status.values:
        raise ValidationFailed(_("Unknown housing file status."), code="invalid_status")
    housing_file, _created = HousingFile.objects.update_or_create(
        application_number=application_number.strip(),
        defaults={
            "citizen": citizen,
            "service": service,
            "application_date": application_date,
            "status": status,
        },
    )
    return housing_file


def citizen_access_record(*, citizen: Citizen, actor, purpose: str = "") -> None:
    """Write who read this citizen's file and when (called by the selectors that show it)."""
    CitizenAccess.objects.create(citizen=citizen, user=actor, purpose=purpose[:100])
