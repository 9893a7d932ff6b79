"""The plain string keys a policy is chosen by; the tickets app uses the same strings.

They are kept here as choices for the policy admin and the API; a policy field left empty
means "any".
"""

from django.utils.translation import gettext_lazy as _

KINDS = (
    ("complaint", _("Complaint")),
    ("inquiry", _("Inquiry")),
    ("suggestion", _("Suggestion")),
    ("maintenance", _("Maintenance request")),
)
CHANNELS = (
    ("phone", _("Phone")),
    ("chat", _("Live chat")),
    ("video", _("Video call")),
    ("walk_in", _("Walk-in")),
    ("email", _("E-mail")),
    ("web", _("Web portal")),
    ("tawasul", _("Tawasul")),
    ("uyc", _("Under Your Command")),
)
PRIORITIES = (
    ("low", _("Low")),
    ("normal", _("Normal")),
    ("high", _("High")),
    ("urgent", _("Urgent")),
)

# A maintenance request's urgency decides its priority, and so its policy.
MAINTENANCE_URGENCY_PRIORITY = {"emergency": "urgent", "urgent": "high", "routine": "normal"}


def priority_for_maintenance_urgency(urgency: str) -> str:
    return MAINTENANCE_URGENCY_PRIORITY[urgency]
