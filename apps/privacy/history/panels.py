"""The "Change history" panel of the staff administration's detail page (apps.accounts.staff_panels):
the changes made to the member's account, roles and department, for those who may read the history."""

from django.template.loader import render_to_string

from . import selectors
from .views import change_row

PANEL_SIZE = 20


def staff_history_panel(request, member) -> str | None:
    if not selectors.can_view(request.user):
        return None
    changes = selectors.changes_for_object(request.user, member, limit=PANEL_SIZE)
    groups = selectors.role_names() if changes else {}
    rows = [change_row(change, request.user, groups) for change in changes]
    return render_to_string("privacy/history/_changes_table.html", {"rows": rows}, request=request)
