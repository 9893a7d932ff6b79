from django.utils import timezone

from apps.core import navigation
from apps.core.templatetags.dates import hijri_date


def shell(request):
    """What the base template needs on every page: navigation and today's dual date."""
    today = timezone.localdate()
    entries = navigation.entries_for(getattr(request, "user", None) or _Anonymous)
    for item in entries:
        # The entry of the current page, and of the pages below it ("/" only for itself).
        item["active"] = (
            request.path == item["url"]
            or request.get_full_path() == item["url"]
            or (item["url"] != "/" and request.path.startswith(item["url"]))
        )
    return {
        "nav_entries": entries,
        "nav_groups": navigation.groups_for(entries),
        "today": today,
        "today_hijri": hijri_date(today),
    }


class _Anonymous:
    is_authenticated = False
