"""Saved views on the appointment list: its filters kept under a name and checked again when
the view opens (a branch since closed is dropped and said)."""

from apps.appointments.models import Branch
from apps.core import saved_views
from apps.core.models import SavedView


def test_a_view_of_the_appointment_list_keeps_its_filters_and_drops_a_closed_branch(
    login, admin_user, catalogue
):
    hq = catalogue["hq"]
    client = login(admin_user)
    response = client.post(
        "/views/save/",
        {
            "list_key": "appointments",
            "name": "HQ booked",
            "query": f"branch={hq.pk}&status=booked&from=2026-06-01",
        },
    )
    view = SavedView.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/appointments/?view={view.pk}"
    assert view.params == {"branch": [str(hq.pk)], "status": ["booked"], "from": ["2026-06-01"]}
    page = client.get(response["Location"])
    assert page.status_code == 200 and 'data-testid="appointment-filters"' in page.content.decode()
    assert saved_views.nav_items(admin_user)[0]["count"] == "0"
    Branch.objects.filter(pk=hq.pk).update(is_active=False)
    page = client.get(response["Location"])
    assert page.status_code == 200 and 'data-testid="dropped-filters"' in page.content.decode()
