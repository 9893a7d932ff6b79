"""Saved views on the department follow-up queue: the supervisor's choice of department and
status kept under a name, counted in the menu."""

from apps.core import saved_views
from apps.core.models import SavedView

from .test_follow_ups import maintenance, referral  # noqa: F401 (fixtures)


def test_a_supervisor_saves_a_follow_up_view_and_opens_it(login, supervisor, department, maintenance):  # noqa: F811
    mine = referral(department, notes="for housing services")
    theirs = referral(maintenance, notes="for maintenance only")
    client = login(supervisor)
    response = client.post(
        "/views/save/",
        {
            "list_key": "follow_ups",
            "name": "Maintenance",
            "query": f"department={maintenance.pk}&status=open",
        },
    )
    view = SavedView.objects.get()
    assert response.status_code == 302 and view.params == {
        "department": [str(maintenance.pk)],
        "status": ["open"],
    }
    html = client.get(f"/follow-ups/?view={view.pk}").content.decode()
    assert f'data-follow-up="{theirs.pk}"' in html and f'data-follow-up="{mine.pk}"' not in html
    assert saved_views.nav_items(supervisor)[0]["count"] == "1"


def test_an_agent_has_no_follow_up_views(agent):
    import pytest

    from apps.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        saved_views.saved_view_save(actor=agent, list_key="follow_ups", name="Mine", params={})
    assert not SavedView.objects.exists()
