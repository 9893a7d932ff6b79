"""The services offered to Open311 clients, and the ticket kind and category each one files.

A category code that is not (or no longer) on file is simply left out: the ticket is filed
without a category and staff classify it. ``cpr`` is an attribute of every service that
files a ticket for a citizen: Open311 has no field for a national identity number.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Service:
    code: str
    name: object
    description: object
    group: object
    kind: str
    category_code: str = ""
    location_required: bool = False
    keywords: str = ""

    @property
    def anonymous_allowed(self) -> bool:
        return self.kind == "suggestion"


SERVICES: tuple[Service, ...] = (
    Service(
        "maintenance-plumbing",
        _("Plumbing or water leak in a housing unit"),
        _("Leaks, blocked drains, water heaters and pipes in a ministry housing unit or flat."),
        _("Maintenance"),
        "maintenance",
        category_code="maintenance",
        location_required=True,
        keywords="water,leak,plumbing",
    ),
    Service(
        "maintenance-electrical",
        _("Electrical fault in a housing unit"),
        _("Power cuts, sockets, wiring and lighting in a ministry housing unit or flat."),
        _("Maintenance"),
        "maintenance",
        category_code="maintenance",
        location_required=True,
        keywords="electricity,power",
    ),
    Service(
        "maintenance-general",
        _("Other maintenance of a housing unit"),
        _("Doors, windows, walls, air conditioning and other repairs in a ministry housing unit or flat."),
        _("Maintenance"),
        "maintenance",
        category_code="maintenance",
        location_required=True,
        keywords="repair,maintenance",
    ),
    Service(
        "complaint",
        pgettext_lazy("open311 service", "Complaint"),
        _("A complaint about a housing service of the ministry."),
        _("Citizen requests"),
        "complaint",
    ),
    Service(
        "inquiry",
        pgettext_lazy("open311 service", "Inquiry"),
        _("A question about a housing application or a housing service."),
        _("Citizen requests"),
        "inquiry",
    ),
    Service(
        "suggestion",
        pgettext_lazy("open311 service", "Suggestion"),
        _("A suggestion to improve the ministry's services (may be anonymous)."),
        _("Citizen requests"),
        "suggestion",
    ),
)

_BY_CODE = {service.code: service for service in SERVICES}
_BY_KIND_CATEGORY = {(s.kind, s.category_code): s for s in reversed(SERVICES)}


def get(code: str) -> Service | None:
    return _BY_CODE.get(code)


def for_ticket(kind: str) -> Service | None:
    return next((s for s in SERVICES if s.kind == kind), None)


def attributes(service: Service) -> list[dict]:
    """The service definition's attributes (GeoReport v2 ``attributes``)."""
    items = [
        {
            "variable": True,
            "code": "cpr",
            "datatype": "string",
            "required": not service.anonymous_allowed,
            "datatype_description": str(_("The citizen's 9-digit CPR number")),
            "order": 1,
            "description": str(_("CPR number")),
            "values": [],
        },
    ]
    if service.kind == "maintenance":
        items.append(
            {
                "variable": True,
                "code": "urgency",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "",
                "order": 2,
                "description": str(_("How urgent is it?")),
                "values": [
                    {"key": "emergency", "name": str(_("Emergency (danger, no water or power)"))},
                    {"key": "urgent", "name": str(_("Urgent"))},
                    {"key": "routine", "name": str(_("Routine"))},
                ],
            }
        )
    return items
