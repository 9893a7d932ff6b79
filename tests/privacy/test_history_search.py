"""The officer's search of the change history: filters, keyset pages, exports (logged),
permissions, the "Under Your Command" rule, and the selectors other parts call."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from apps.accounts import services as account_services
from apps.accounts.roles import Role
from apps.citizens import services as citizen_services
from apps.citizens import timeline
from apps.citizens.models import Citizen
from apps.core.errors import PermissionDenied
from apps.privacy.history import selectors
from apps.privacy.history.models import Change, ChangeExport
from apps.privacy.history.services import history_forget
from apps.tickets import services as ticket_services
from apps.tickets.models import Ticket
from tests.query_budget import exactly

pytestmark = pytest.mark.django_db
URL = "/privacy/history/"


@pytest.fixture
def edited(agent, citizen):
    citizen_services.citizen_update(
        citizen=citizen, actor=agent, reason="سبب التصحيح", name_ar="أحمد علي حسن"
    )
    return citizen


def test_the_officer_finds_a_change_by_cpr_with_who_what_and_why(client, dpo, edited, agent):
    client.force_login(dpo)
    response = client.get(URL, {"citizen": edited.cpr})
    html = response.content.decode()
    assert response.status_code == 200
    assert "أحمد علي حسن" in html and "سبب التصحيح" in html and agent.get_username() in html


def test_the_search_filters_by_staff_member_model_and_dates(dpo, edited, agent, supervisor):
    other = citizen_services.citizen_create(cpr="770101234", name_ar="منى", actor=supervisor)
    citizen_services.citizen_update(citizen=other, actor=supervisor, reason="r", name_en="Mona")
    by_agent, _next = selectors.change_search(dpo, selectors.parse_filters(staff="AGENT"))
    assert {c.actor_id for c in by_agent} == {agent.pk}
    phones, _next = selectors.change_search(dpo, selectors.parse_filters(model="citizens.citizenphone"))
    assert phones and {c.model for c in phones} == {"citizens.citizenphone"}
    today = timezone.localdate()
    found, _next = selectors.change_search(dpo, selectors.parse_filters(since=today, until=today))
    assert len(found) == Change.objects.count()
    none, _next = selectors.change_search(dpo, selectors.parse_filters(until=today - dt.timedelta(days=1)))
    assert none == []


def test_the_pages_follow_each_other_without_gaps_or_repeats(dpo, citizen, agent):
    for i in range(7):
        citizen_services.citizen_update(citizen=citizen, actor=agent, reason=f"r{i}", area=f"area {i}")
    filters = selectors.parse_filters(citizen=str(citizen.pk))
    seen, after = [], None
    while True:
        page, after = selectors.change_search(dpo, filters, after=after, limit=3)
        seen += [c.pk for c in page]
        if after is None:
            break
    assert seen == list(
        Change.objects.filter(citizen_id=citizen.pk).order_by("-at", "-id").values_list("pk", flat=True)
    )


def test_unknown_filters_are_refused_with_a_clear_message(client, dpo):
    client.force_login(dpo)
    response = client.get(URL, {"citizen": "999999999", "staff": "nobody"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "لا يوجد مواطن بهذا الرقم الشخصي أو رقم الملف." in html
    assert "لا يوجد موظف باسم المستخدم هذا." in html
    assert client.get(URL, {"model": "auth.permission"}).status_code == 400
    assert client.get(URL, {"after": "not-a-cursor", "citizen": ""}).status_code == 400


def test_staff_without_the_search_permission_are_refused_and_see_nothing(client, agent, supervisor, edited):
    for user in (agent, supervisor):
        client.force_login(user)
        response = client.get(URL, {"citizen": edited.cpr})
        assert response.status_code == 403 and "سبب التصحيح" not in response.content.decode()
        response = client.get(URL, {"citizen": edited.cpr, "export": "csv"})
        assert response.status_code == 403
    assert not ChangeExport.objects.exists()


def test_the_csv_export_has_every_row_and_is_logged(client, dpo, edited):
    client.force_login(dpo)
    response = client.get(URL, {"citizen": edited.cpr, "export": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert any("أحمد علي حسن" in row and "سبب التصحيح" in row for row in rows[1:])
    log = ChangeExport.objects.get()
    assert (log.user, log.format, log.rows) == (dpo, "csv", len(rows) - 1)
    assert log.filters == {"citizen_id": edited.pk}


def test_the_xlsx_export_is_a_workbook_and_is_logged(client, dpo, edited):
    client.force_login(dpo)
    response = client.get(URL, {"citizen": edited.cpr, "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "أحمد علي حسن" in values
    assert ChangeExport.objects.get().format == "xlsx"


def test_a_formula_in_a_value_stays_text_in_the_export(client, dpo, agent, citizen):
    citizen_services.citizen_update(citizen=citizen, actor=agent, reason="=HYPERLINK(1)", area="=1+1")
    client.force_login(dpo)
    text = client.get(URL, {"citizen": citizen.cpr, "export": "csv"}).content.decode("utf-8-sig")
    assert "'=1+1" in text and "'=HYPERLINK(1)" in text


@pytest.mark.parametrize("rows", [3, 30])
def test_the_search_page_takes_a_fixed_number_of_statements(client, dpo, citizen, agent, rows):
    for i in range(rows):
        citizen_services.citizen_update(citizen=citizen, actor=agent, reason=f"r{i}", area=f"a{i}")
    client.force_login(dpo)
    # user, citizen by CPR, the page of changes, the shell's unread notices (its delegations
    # from the process's copy of the open ones)
    exactly(4, lambda: client.get(URL, {"citizen": citizen.cpr}))


# --- "Under Your Command" and values ----------------------------------------------------


@pytest.fixture
def uyc_ticket(agent, citizen):
    ticket = ticket_services.ticket_create(
        kind="complaint", channel="phone", subject="s", description="d", actor=agent, citizen=citizen
    )
    Ticket.objects.filter(pk=ticket.pk).update(confidential=True, channel="uyc", priority="high")
    return ticket


def test_a_confidential_tickets_classification_change_is_withheld_from_those_not_allowed(
    uyc_ticket, supervisor, admin_user
):
    (seen_by_supervisor,) = selectors.changes_for_object(supervisor, uyc_ticket)
    with translation.override("en"):
        fields = selectors.field_changes(seen_by_supervisor, viewer=supervisor)
    assert {f.label for f in fields} >= {"confidential", "channel", "priority"}
    assert all(not f.shown and f.old == f.new == "" for f in fields)
    (seen_by_admin,) = selectors.changes_for_object(admin_user, uyc_ticket)
    with translation.override("en"):
        shown = {f.label: f.new for f in selectors.field_changes(seen_by_admin, viewer=admin_user)}
    assert (shown["priority"], shown["channel"], shown["confidential"]) == ("high", "uyc", "yes")
    assert seen_by_admin.confidential


def test_the_officer_without_the_uyc_permission_sees_no_uyc_values_on_the_page(client, dpo, uyc_ticket):
    client.force_login(dpo)
    html = client.get(URL, {"model": "tickets.ticket"}).content.decode()
    assert f"#{uyc_ticket.pk}" in html and "القيم محجوبة" in html
    assert "uyc" not in html and "high" not in html


def test_a_password_change_is_recorded_without_its_value(admin_user, agent):
    agent.set_password("another-horse-battery-7")
    agent.save()
    change = [c for c in selectors.changes_for_object(admin_user, agent) if "password" in c.diff][0]
    assert change.action == "update"
    assert change.diff["password"] == [None, None]
    assert not selectors.field_changes(change, viewer=admin_user)[0].shown


def test_role_memberships_are_filed_under_the_user(admin_user):
    user = account_services.user_create(
        username="newbie", password="correct-horse-battery-9", roles=[Role.AGENT], actor=admin_user
    )
    changes = selectors.changes_for_object(admin_user, user)
    memberships = [c for c in changes if "group_id" in c.diff]
    assert memberships and memberships[0].action == "insert"
    roles = selectors.role_names()
    fields = selectors.field_changes(memberships[0], viewer=admin_user, groups=roles)
    assert fields[0].new == str(Role.AGENT.label)


def test_the_selectors_refuse_staff_without_the_view_permission(agent, edited):
    with pytest.raises(PermissionDenied):
        selectors.changes_for_object(agent, edited)
    with pytest.raises(PermissionDenied):
        selectors.changes_by_actor(agent, agent)


def test_changes_by_actor_lists_what_a_member_of_staff_changed(supervisor, agent, edited):
    changes = selectors.changes_by_actor(supervisor, agent)
    assert changes and {c.actor_id for c in changes} == {agent.pk}


def test_history_forget_deletes_every_row_of_the_citizen(edited, agent):
    other = citizen_services.citizen_create(cpr="770101234", name_ar="منى", actor=agent)
    kept = Change.objects.filter(citizen_id=other.pk).count()
    assert history_forget(model=Citizen, pks=[edited.pk]) >= 3
    assert not Change.objects.filter(citizen_id=edited.pk).exists()
    assert Change.objects.filter(citizen_id=other.pk).count() == kept
    assert history_forget(model="citizens.citizen", pks=[]) == 0


# --- the citizen's timeline ----------------------------------------------------------------


def test_a_supervisor_sees_the_file_change_on_the_timeline(supervisor, edited, agent):
    entries = [
        e
        for e in timeline.citizen_timeline(citizen=edited, viewer=supervisor).entries
        if e.kind == "file_change"
    ]
    renamed = [
        e
        for e in entries
        if e.actor == agent.display_name()
        and ("سبب التصحيح" in dict(e.details).values() or any("سبب التصحيح" == v for _l, v in e.details))
    ]
    assert renamed
    assert any("أحمد علي → أحمد علي حسن" == value for _label, value in renamed[0].details)


def test_an_agent_does_not_see_file_changes_on_the_timeline(agent, edited):
    kinds = {e.kind for e in timeline.citizen_timeline(citizen=edited, viewer=agent).entries}
    assert "file_change" not in kinds
