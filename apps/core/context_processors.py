from django.utils import timezone

from apps.core import navigation
from apps.core.templatetags.dates import hijri_date


def shell(request):
    """What the base template needs on every page: navigation and today's dual date."""
    today = timezone.localdate()
    return {
        "nav_entries": navigation.entries_for(getattr(request, "user", None) or _Anonymous),
        "today": today,
        "today_hijri": hijri_date(today),
    }


class _Anonymous:
    is_authenticated = False
