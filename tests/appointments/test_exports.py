"""The appointment list as an export: the list's rows for the same filter, local times,
waiting minutes as numbers, personal columns only with the permission."""

from datetime import datetime

import pytest
from django.http import QueryDict

from apps.appointments import selectors
from apps.appointments.forms import appointment_list_arguments
from apps.appointments.models import Status
from apps.exports.models import ExportJob
from tests.appointments.conftest import at
from tests.appointments.test_figures import _row
from tests.exports.helpers import column, csv_rows, xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _exports_root(settings, tmp_path):
    settings.HOUSING_EXPORTS_ROOT = tmp_path / "exports"


@pytest.fixture
def rows(catalogue):
    return [
        _row(
            catalogue,
            branch="hq",
            service="mazaya",
            start=at(3, 9, 0, month=5),
            status=Status.SERVED,
            wait=12,
        ),
        _row(catalogue, branch="hq", service="mazaya", start=at(3, 10, 0, month=5), status=Status.NO_SHOW),
        _row(catalogue, branch="moayyed", service="mazaya", start=at(4, 9, 0, month=5), status=Status.BOOKED),
    ]


def _list_references(query: str) -> list[str]:
    return [a.reference for a in selectors.appointment_list(**appointment_list_arguments(QueryDict(query)))]


@pytest.mark.parametrize(
    "query", ["", "status=no_show", "from=2026-05-04&to=2026-05-04", "branch=__hq__&status=served"]
)
def test_the_export_holds_the_lists_rows_for_the_same_filter(client, supervisor, rows, catalogue, query):
    query = query.replace("__hq__", str(catalogue["hq"].pk))
    client.force_login(supervisor)
    supervisor.language = "en"
    supervisor.save(update_fields=["language"])
    exported = column(csv_rows(client.get(f"/exports/appointments/csv/?{query}")), "Reference")
    assert exported == _list_references(query)
    assert exported  # each filter finds something
    page = client.get(f"/appointments/?{query}").content.decode()
    assert all(reference in page for reference in exported)


def test_times_are_local_and_waits_are_numbers_in_xlsx(client, supervisor, rows):
    client.force_login(supervisor)
    sheet = xlsx_rows(client.get("/exports/appointments/xlsx/?status=served"))
    assert column(sheet, "التاريخ") == [datetime(2026, 5, 3, 9, 0)]
    assert column(sheet, "مدة الانتظار (بالدقائق)") == [12]


def test_a_branch_desk_member_without_the_permission_gets_no_personal_columns(client, rows, catalogue):
    from apps.accounts import services as account_services
    from apps.accounts.roles import Role

    desk = account_services.user_create(
        username="desk", password="correct-horse-battery-9", roles=[Role.BRANCH_STAFF], actor=None
    )
    client.force_login(desk)
    sheet = xlsx_rows(client.get("/exports/appointments/xlsx/"))
    cpr = rows[0].citizen.cpr
    assert len(sheet) == 4 and cpr not in str(sheet) and "الرقم الشخصي" not in sheet[0]


def test_a_date_that_does_not_exist_is_refused_on_the_page_and_the_export(client, supervisor, rows):
    client.force_login(supervisor)
    for url in ("/exports/appointments/csv/?from=2026-02-31", "/appointments/?from=2026-02-31"):
        response = client.get(url)
        assert response.status_code == 400
        assert "هذا التاريخ غير موجود" in response.content.decode()
    assert not ExportJob.objects.exists()
