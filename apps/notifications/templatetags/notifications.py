from django import template

from apps.notifications import selectors

register = template.Library()

BELL_CAP = 100  # the badge reads "99+" from here on


@register.inclusion_tag("notifications/_bell_menu.html", takes_context=True)
def notification_bell(context, latest: int = 5):
    """The navbar bell: unread count and the newest notifications (one small indexed query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    unread, rows = selectors.bell(user=user, latest=latest, cap=BELL_CAP)
    return {
        "show": True,
        "unread": unread,
        "cap": BELL_CAP,
        "latest": rows,
        "csrf_token": context.get("csrf_token"),
    }
