"""``HOUSING_APPOINTMENTS_*`` settings with their defaults, read at call time."""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    # Missed appointments within the window that make self-service booking (portal, API)
    # refuse and send the citizen to the contact centre; 0 turns the rule off.
    "HOUSING_APPOINTMENTS_NO_SHOW_LIMIT": 2,
    "HOUSING_APPOINTMENTS_NO_SHOW_DAYS": 90,
    # Minutes after a slot's start before a citizen not checked in becomes a no-show.
    "HOUSING_APPOINTMENTS_NO_SHOW_GRACE_MINUTES": 30,
    # How long a citizen stays signed in to the portal's booking pages after the code.
    "HOUSING_APPOINTMENTS_PORTAL_SESSION_MINUTES": 30,
    # Free slots offered when a booking is refused because its slot was just taken.
    "HOUSING_APPOINTMENTS_ALTERNATIVES": 5,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
