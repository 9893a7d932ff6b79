"""The requests' settings, read at call time (never at import).

HOUSING_PRIVACY_REQUEST_WORKING_DAYS     legal deadline, in working days of the calendar (15)
HOUSING_PRIVACY_REQUEST_WARN_DAYS        working days before the deadline a request is "due soon" (3)
HOUSING_PRIVACY_PORTAL_SESSION_MINUTES   how long a one-time code signs the portal page in (15)
HOUSING_PORTAL_SUBMISSIONS_PER_HOUR      requests one address may file an hour (the portal's, 10)
"""

from __future__ import annotations

from django.conf import settings

_DEFAULTS = {
    "HOUSING_PRIVACY_REQUEST_WORKING_DAYS": 15,
    "HOUSING_PRIVACY_REQUEST_WARN_DAYS": 3,
    "HOUSING_PRIVACY_PORTAL_SESSION_MINUTES": 15,
    "HOUSING_PORTAL_SUBMISSIONS_PER_HOUR": 10,
}


def get(name: str) -> int:
    return int(getattr(settings, name, _DEFAULTS[name]))
