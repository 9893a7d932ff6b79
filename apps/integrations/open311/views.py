"""Open311 GeoReport v2 endpoints, in JSON and XML (the format is the URL's extension).

Errors use the spec's format, in the same format as the request:
``[{"code": 404, "description": "…"}]`` or
``<errors><error><code>404</code><description>…</description></error></errors>``.
"""

from __future__ import annotations

import json
from datetime import datetime
from xml.etree import ElementTree

from django.http import HttpResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.errors import ApplicationError, NotFound, ValidationFailed
from apps.integrations.open311 import catalogue, selectors, services

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# The XML element of each list item, by the list's root element (as the spec's examples).
_ITEM = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def _xml_fill(parent: ElementTree.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _xml_fill(ElementTree.SubElement(parent, key), item)
    elif isinstance(value, list):
        for item in value:
            _xml_fill(ElementTree.SubElement(parent, _ITEM.get(parent.tag, "item")), item)
    elif isinstance(value, bool):
        parent.text = "true" if value else "false"
    elif value is not None:
        parent.text = str(value)


def render(data, fmt: str, *, root: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        element = ElementTree.Element(root)
        _xml_fill(element, data)
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(element, encoding="utf-8")
    else:
        body = json.dumps(data, ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    response["Cache-Control"] = "no-store"
    return response


def error(fmt: str, status: int, description) -> HttpResponse:
    return render([{"code": status, "description": str(description)}], fmt, root="errors", status=status)


def open311(view):
    """Turn every domain error into the spec's error format (never a 500 for bad input)."""

    def wrapped(request, *args, fmt: str, **kwargs):
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except ApplicationError as failure:
            description = str(failure.message)
            if failure.details:
                fields = ", ".join(str(k) for k in failure.details)
                description = f"{description} ({fields})"
            return error(fmt, failure.status, description)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _service_row(service: catalogue.Service) -> dict:
    return {
        "service_code": service.code,
        "service_name": str(service.name),
        "description": str(service.description),
        "metadata": True,
        "type": "realtime",
        "keywords": service.keywords,
        "group": str(service.group),
    }


@require_GET
@open311
def discovery(request, *, fmt: str):
    """The service discovery document: where the endpoint is and what it speaks."""
    base = request.build_absolute_uri(reverse("api:open311:services", kwargs={"fmt": "json"}))
    return render(
        {
            "changeset": "2026-12-03T00:00:00Z",
            "contact": str(_("Ministry of Housing, National Contact Centre, 80008001")),
            "key_service": str(_("Ask the ministry for an API key to submit requests.")),
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base.rsplit("/services.json", 1)[0],
                    "changeset": "2026-12-03T00:00:00Z",
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
        fmt,
        root="discovery",
    )


@require_GET
@open311
def service_list(request, *, fmt: str):
    return render([_service_row(s) for s in catalogue.SERVICES], fmt, root="services")


@require_GET
@open311
def service_definition(request, code: str, *, fmt: str):
    service = catalogue.get(code)
    if service is None:
        raise NotFound(_("Unknown service_code; see the list of services."))
    return render(
        {"service_code": service.code, "attributes": catalogue.attributes(service)},
        fmt,
        root="service_definition",
    )


def _moment(value: str, field: str) -> datetime | None:
    if not value:
        return None
    moment = parse_datetime(value.strip().replace(" ", "+"))
    if moment is None or moment.tzinfo is None:
        raise ValidationFailed(
            _("%(field)s must be a date and time with its offset, e.g. 2026-12-01T00:00:00Z.")
            % {"field": field},
            code="invalid_date",
            details={field: []},
        )
    return moment


@csrf_exempt
@require_http_methods(["GET", "POST"])
@open311
def requests(request, *, fmt: str):
    if request.method == "POST":
        created = services.open311_request_create(
            api_key=request.POST.get("api_key", ""), params=request.POST
        )
        return render(
            [
                {
                    "service_request_id": created.ticket.review_number,
                    "token": str(created.token),
                    "service_notice": str(
                        _("Keep this review number to follow your request: %(number)s")
                        % {"number": created.ticket.review_number}
                    ),
                    "account_id": "",
                }
            ],
            fmt,
            root="service_requests",
            status=201,
        )
    status = request.GET.get("status", "").strip()
    if status and status not in ("open", "closed"):
        raise ValidationFailed(
            _("status must be open or closed."), code="invalid_status", details={"status": []}
        )
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    codes = [c.strip() for c in request.GET.get("service_code", "").split(",") if c.strip()]
    start = _moment(request.GET.get("start_date", ""), "start_date")
    end = _moment(request.GET.get("end_date", ""), "end_date")
    if start and end and start > end:
        raise ValidationFailed(_("start_date must come before end_date."), code="invalid_date", details={})
    rows = selectors.request_list(ids=ids, service_codes=codes, start=start, end=end, status=status or None)
    return render(rows, fmt, root="service_requests")


@require_GET
@open311
def request_detail(request, service_request_id: str, *, fmt: str):
    return render(
        [selectors.request_get(service_request_id=service_request_id)], fmt, root="service_requests"
    )


@require_GET
@open311
def token_detail(request, token: str, *, fmt: str):
    return render([selectors.request_by_token(token=token)], fmt, root="service_requests")
