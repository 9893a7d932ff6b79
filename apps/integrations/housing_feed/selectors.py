"""Reads of the feed's history: the citizen's 360° timeline source."""

from __future__ import annotations

from django.utils.translation import gettext as _

from apps.citizens import timeline
from apps.citizens.models import HousingFile
from apps.citizens.selectors import can_see_identity
from apps.integrations.housing_feed.models import HousingFileChange


def _label(status: str) -> str:
    return HousingFile.Status(status).label if status in HousingFile.Status.values else status


def _rows(*, citizen, viewer):
    if not can_see_identity(viewer):
        return None
    return HousingFileChange.objects.filter(citizen_id=citizen.pk)


def _entry(change: HousingFileChange, viewer) -> timeline.TimelineEntry:
    number = change.housing_file.application_number
    if change.kind == HousingFileChange.Kind.STATUS:
        title = _("Housing application status changed: %(from)s → %(to)s") % {
            "from": _label(change.from_status),
            "to": _label(change.to_status),
        }
    elif change.kind == HousingFileChange.Kind.CREATED:
        title = _("Housing application received from the housing system: %(status)s") % {
            "status": _label(change.to_status)
        }
    else:
        title = _("Housing application details updated")
    details = [(_("Application number"), number)]
    if "queue_position" in change.changes:
        details.append((_("Queue position"), str(change.changes["queue_position"][1] or "—")))
    if "project" in change.changes:
        details.append((_("Housing project"), str(change.changes["project"][1] or "—")))
    return timeline.TimelineEntry(
        at=change.at,
        kind="housing_file",
        id=change.pk,
        kind_label=_("Housing application"),
        title=title,
        details=details,
    )


# Timeline source ``housing_file``: files received and their changes, dated by the housing
# system; read in the timeline's one query, for staff who may see the citizen's identity.
HOUSING_CHANGES_TIMELINE = timeline.QuerySource(
    kind="housing_file",
    rows=_rows,
    at_field="at",
    related=("housing_file",),
    entry=_entry,
)
