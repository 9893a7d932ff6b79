"""Open311 writes: a client's service request becomes a ticket (``open311_request_create``)."""

from __future__ import annotations

import hmac
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from apps.citizens import selectors as citizen_selectors
from apps.core.errors import PermissionDenied, ValidationFailed
from apps.core.text import clean_line, latin_digits
from apps.integrations.open311 import catalogue
from apps.integrations.open311.models import Open311Request
from apps.tickets import services as ticket_services
from apps.tickets.models import Category, Ticket


def check_api_key(key: str) -> str:
    """The key when it is one of ``HOUSING_OPEN311_API_KEYS`` (constant-time), else 403."""
    key = (key or "").strip()
    if key:
        for allowed in settings.HOUSING_OPEN311_API_KEYS:
            if allowed and hmac.compare_digest(allowed.encode(), key.encode()):
                return key
    raise PermissionDenied(
        _("A valid api_key is required to submit a service request."), code="api_key_invalid"
    )


def _coordinate(value: str, field: str, limit: int) -> Decimal | None:
    text = latin_digits(str(value or "")).strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) > limit:
        raise ValidationFailed(
            _("%(field)s must be a number between -%(limit)d and %(limit)d.")
            % {"field": field, "limit": limit},
            code="invalid_location",
            details={field: [_("Not a valid coordinate.")]},
        )
    return number.quantize(Decimal("0.000001"))


@transaction.atomic
def open311_request_create(*, api_key: str, params) -> Open311Request:
    """File a GeoReport v2 ``POST requests`` as a ticket (channel web, no staff actor).

    1. Check the API key, the service code and the location (lat/long within range;
       maintenance services need lat/long or an address).
    2. Find the citizen by the ``attribute[cpr]`` given, or add them with the name and
       phone given (as the portal does); a suggestion may come without one.
    3. Create the ticket through ``ticket_create`` (review number, clocks, acknowledgement),
       with the location on maintenance tickets, and a token for ``GET tokens``.
    """
    key = check_api_key(api_key)
    service = catalogue.get(str(params.get("service_code") or "").strip())
    if service is None:
        raise ValidationFailed(
            _("Unknown service_code; see the list of services."),
            code="service_code_unknown",
            details={"service_code": [_("Unknown service.")]},
        )
    latitude = _coordinate(params.get("lat"), "lat", 90)
    longitude = _coordinate(params.get("long"), "long", 180)
    if (latitude is None) != (longitude is None):
        raise ValidationFailed(
            _("Give both lat and long, or neither."), code="invalid_location", details={"lat": [], "long": []}
        )
    address = clean_line(str(params.get("address_string") or ""))[:250]
    if service.location_required and latitude is None and not address:
        raise ValidationFailed(
            _("This service needs a location: lat and long, or address_string."),
            code="location_required",
            details={"lat": [_("Required.")], "address_string": [_("Required.")]},
        )
    description = str(params.get("description") or "").strip()
    if len(description) > 4000:
        raise ValidationFailed(
            _("The description is limited to 4,000 characters."),
            code="description_too_long",
            details={"description": []},
        )
    cpr = latin_digits(str(params.get("attribute[cpr]") or "")).strip()
    name = clean_line(" ".join(str(params.get(f) or "").strip() for f in ("first_name", "last_name")))
    phone = str(params.get("phone") or "").strip()
    citizen, new_citizen, anonymous = None, None, False
    if cpr:
        citizen = citizen_selectors.citizen_by_cpr(cpr=cpr)
        if citizen is None:
            if not name:
                raise ValidationFailed(
                    _("Give first_name and last_name: this CPR number is not on file."),
                    code="name_required",
                    details={"first_name": [_("Required.")]},
                )
            new_citizen = {
                "cpr": cpr,
                "name_ar": name,
                "phones": [phone] if phone else [],
                "email": str(params.get("email") or "").strip()[:254],
            }
    elif service.anonymous_allowed:
        anonymous = True
    else:
        raise ValidationFailed(
            _("attribute[cpr] is required for this service."),
            code="cpr_required",
            details={"attribute[cpr]": [_("Required.")]},
        )
    category = (
        Category.objects.filter(code=service.category_code, is_active=True).first()
        if service.category_code
        else None
    )
    urgency = str(params.get("attribute[urgency]") or "").strip()
    maintenance = service.kind == Ticket.Kind.MAINTENANCE
    ticket = ticket_services.ticket_create(
        kind=service.kind,
        channel=Ticket.Channel.WEB,
        subject=str(service.name),
        description=description or str(service.name),
        actor=None,
        citizen=citizen,
        new_citizen=new_citizen,
        anonymous=anonymous,
        category=category,
        urgency=urgency if maintenance else "",
        contact_phone=phone,
        external_reference="open311",
        latitude=latitude if maintenance else None,
        longitude=longitude if maintenance else None,
        address=address if maintenance else "",
    )
    return Open311Request.objects.create(ticket=ticket, service_code=service.code, client_key_hint=key[-4:])
