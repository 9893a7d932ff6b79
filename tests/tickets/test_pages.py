"""The staff pages: list, my work, create, detail and its actions, attachments."""

import re

import pytest

from apps.citizens.models import Citizen, CitizenAccess
from apps.tickets import services
from apps.tickets.models import Ticket, TicketAttachment

from .factories import EXE_BYTES, PDF_BYTES, upload

HX = {"HTTP_HX_REQUEST": "true"}


def _numbers(response) -> list[str]:
    return re.findall(r'data-review-number="([^"]+)"', response.content.decode())


def test_the_list_shows_tickets_newest_first(login, agent, make_ticket):
    older, newer = make_ticket(), make_ticket()
    response = login(agent).get("/tickets/")
    assert response.status_code == 200
    assert _numbers(response) == [newer.review_number, older.review_number]


def test_the_list_filters(login, agent, make_ticket):
    wanted = make_ticket(kind="maintenance")
    make_ticket(kind="inquiry")
    response = login(agent).get("/tickets/", {"kind": "maintenance", "status": "open"})
    assert _numbers(response) == [wanted.review_number]


def test_a_filter_change_returns_only_the_results(login, agent, make_ticket):
    make_ticket()
    response = login(agent).get("/tickets/", {"kind": "complaint"}, **HX)
    body = response.content.decode()
    assert 'data-testid="ticket-table"' in body and "<html" not in body


def test_show_more_returns_the_next_rows(login, agent, make_ticket):
    made = [make_ticket() for _ in range(7)]
    client = login(agent)
    first = client.get("/tickets/", {"page_size": 5})
    more = re.search(r'hx-get="([^"]+)"[^>]*data-testid="more"', first.content.decode()).group(1)
    second = client.get(more.replace("&amp;", "&"), **HX)
    assert len(_numbers(first)) == 5 and len(_numbers(second)) == 2
    assert set(_numbers(first) + _numbers(second)) == {t.review_number for t in made}


def test_bad_filters_are_explained(login, agent):
    response = login(agent).get("/tickets/", {"received_from": "2026-03-05", "received_to": "2026-03-01"})
    assert response.status_code == 200 and 'data-testid="filter-errors"' in response.content.decode()


def test_an_officer_lists_only_their_departments_tickets(
    login, officer, make_ticket, department, other_department
):
    mine, theirs = make_ticket(department=department), make_ticket(department=other_department)
    response = login(officer).get("/tickets/")
    assert _numbers(response) == [mine.review_number]
    assert theirs.review_number not in response.content.decode()


def test_someone_without_tickets_is_refused_the_list(login, secretary, ticket):
    response = login(secretary).get("/tickets/")
    assert response.status_code == 403
    assert ticket.review_number not in response.content.decode()


def test_my_work_lists_my_open_tickets(login, agent, supervisor, make_ticket):
    mine, _unassigned = make_ticket(), make_ticket()
    services.ticket_assign(ticket=mine, assignee=agent, actor=supervisor)
    assert _numbers(login(agent).get("/tickets/mine/")) == [mine.review_number]


def test_my_work_shows_an_officer_their_departments_queue(login, officer, make_ticket, department):
    waiting = make_ticket(department=department)
    response = login(officer).get("/tickets/mine/")
    assert 'data-testid="department-queue"' in response.content.decode()
    assert waiting.review_number in _numbers(response)


FORM = {"kind": "complaint", "channel": "phone", "subject": "تأخر الطلب", "description": "لم يصل الرد"}


def test_an_agent_creates_a_ticket_for_a_known_citizen(login, agent, citizen):
    response = login(agent).post("/tickets/new/", {**FORM, "citizen": citizen.pk}, follow=True)
    ticket = Ticket.objects.get()
    assert ticket.citizen == citizen and ticket.created_by == agent
    assert response.redirect_chain[-1][0] == f"/tickets/{ticket.pk}/"
    assert ticket.review_number in response.content.decode()


def test_an_agent_creates_a_ticket_and_the_citizen_inline(login, agent):
    payload = {**FORM, "new_cpr": "٩٩٠١٠١٢٣٤", "new_name_ar": "سارة محمد", "new_mobile": "3911 2233"}
    login(agent).post("/tickets/new/", payload)
    ticket = Ticket.objects.get()
    assert ticket.citizen.cpr == "990101234" and ticket.contact_phone == "+97339112233"
    assert ticket.citizen.phones.get().confirmed_by == agent


def test_a_refused_ticket_shows_the_errors_and_saves_nothing(login, agent):
    payload = {**FORM, "new_cpr": "990101234", "new_name_ar": "سارة", "new_mobile": "12"}
    response = login(agent).post("/tickets/new/", payload)
    assert response.status_code == 200
    assert (
        'data-error-for="new_mobile"' in response.content.decode()
        or "invalid-feedback" in response.content.decode()
    )
    assert not Ticket.objects.exists() and not Citizen.objects.filter(cpr="990101234").exists()


def test_a_ticket_without_a_citizen_asks_for_one(login, agent):
    response = login(agent).post("/tickets/new/", FORM)
    assert response.status_code == 200 and not Ticket.objects.exists()
    assert (
        'data-testid="form-error"' in response.content.decode()
        or "invalid-feedback" in response.content.decode()
    )


def test_a_ticket_is_created_with_an_attachment(login, agent, citizen):
    login(agent).post(
        "/tickets/new/", {**FORM, "citizen": citizen.pk, "attachments": [upload("a.pdf", PDF_BYTES)]}
    )
    assert TicketAttachment.objects.get().ticket == Ticket.objects.get()


def test_a_department_officer_cannot_open_the_create_page(login, officer):
    assert login(officer).get("/tickets/new/").status_code == 403


def test_the_lookup_fills_in_the_one_citizen_found(login, agent, citizen):
    from apps.citizens import services as citizen_services

    citizen_services.housing_file_upsert(
        citizen=citizen,
        application_number="HA-2014-0001",
        service="وحدة سكنية",
        application_date="2014-03-01",
        status="eligible",
    )
    response = login(agent).get("/citizens/lookup/", {"q": "3600 1234"}, **HX)
    body = response.content.decode()
    assert "data-chosen" in body and f'name="citizen" value="{citizen.pk}"' in body
    assert "HA-2014-0001" in body and citizen.name_ar in body
    assert CitizenAccess.objects.filter(citizen=citizen, user=agent).exists()


def test_the_lookup_offers_to_add_a_citizen_nobody_has(login, agent):
    body = login(agent).get("/citizens/lookup/", {"q": "990101234"}, **HX).content.decode()
    assert "data-not-found" in body and 'data-cpr="990101234"' in body


def test_the_lookup_is_refused_to_an_officer(login, officer, citizen):
    response = login(officer).get("/citizens/lookup/", {"q": citizen.cpr}, **HX)
    assert response.status_code == 403 and citizen.name_ar not in response.content.decode()


def test_the_detail_page_shows_the_timeline_with_internal_notes(login, agent, ticket):
    services.ticket_note(ticket=ticket, body="ملاحظة للموظفين", actor=agent)
    body = login(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "ملاحظة للموظفين" in body and 'data-kind="internal_note"' in body


def test_an_officer_cannot_open_another_departments_ticket(login, other_officer, ticket):
    response = login(other_officer).get(f"/tickets/{ticket.pk}/")
    assert response.status_code == 404 and ticket.subject not in response.content.decode()


def test_an_officer_sees_a_masked_cpr(login, officer, make_ticket, department, citizen):
    ticket = make_ticket(department=department, citizen=citizen)
    body = login(officer).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "*****2345" in body and "880412345" not in body


def test_a_reply_through_htmx_updates_the_workspace(login, agent, ticket):
    response = login(agent).post(f"/tickets/{ticket.pk}/reply/", {"reply-body": "نعمل على طلبك"}, **HX)
    body = response.content.decode()
    assert 'data-testid="done"' in body and "نعمل على طلبك" in body and "<html" not in body
    assert ticket.events.filter(kind="public_reply", body="نعمل على طلبك").exists()


def test_a_note_without_htmx_redirects_back(login, agent, ticket):
    response = login(agent).post(f"/tickets/{ticket.pk}/note/", {"note-body": "ملاحظة"})
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.pk}/"
    assert ticket.events.filter(kind="internal_note").exists()


def test_an_empty_reply_is_explained_and_saves_nothing(login, agent, ticket):
    body = login(agent).post(f"/tickets/{ticket.pk}/reply/", {"reply-body": " "}, **HX).content.decode()
    assert 'data-testid="action-error"' in body
    assert not ticket.events.filter(kind="public_reply").exists()


def test_a_status_change_from_the_page(login, agent, ticket):
    login(agent).post(f"/tickets/{ticket.pk}/transition/", {"to_status": "acknowledged"}, **HX)
    ticket.refresh_from_db()
    assert ticket.status == "acknowledged"


def test_a_move_the_page_does_not_offer_is_refused(login, agent, ticket):
    body = (
        login(agent).post(f"/tickets/{ticket.pk}/transition/", {"to_status": "closed"}, **HX).content.decode()
    )
    assert 'data-testid="action-error"' in body
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_assignment_from_the_page(login, supervisor, agent, ticket, department):
    login(supervisor).post(
        f"/tickets/{ticket.pk}/assign/",
        {"assignee": agent.pk, "department": department.pk, "reason": ""},
        **HX,
    )
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.department) == (agent, department)


def test_merge_from_the_page(login, agent, make_ticket):
    original, duplicate = make_ticket(), make_ticket()
    login(agent).post(
        f"/tickets/{duplicate.pk}/merge/", {"original": original.review_number.replace("-", " ")}, **HX
    )
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == original and duplicate.status == "merged"


def test_a_disguised_file_is_refused_from_the_page(login, agent, ticket):
    body = login(agent).post(f"/tickets/{ticket.pk}/attach/", {"file": upload("a.pdf", EXE_BYTES)}, **HX)
    assert 'data-testid="action-error"' in body.content.decode()
    assert not TicketAttachment.objects.exists()


def test_staff_who_see_the_ticket_download_its_file(login, agent, ticket):
    attachment = services.ticket_attach(ticket=ticket, upload=upload("رسالة.pdf", PDF_BYTES), actor=agent)
    response = login(agent).get(f"/tickets/attachments/{attachment.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert "attachment;" in response["Content-Disposition"] and "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("persona", ["other_officer", "secretary"])
def test_others_cannot_download_a_ticket_file(request, login, agent, ticket, persona):
    attachment = services.ticket_attach(ticket=ticket, upload=upload(), actor=agent)
    response = login(request.getfixturevalue(persona)).get(f"/tickets/attachments/{attachment.pk}/")
    assert response.status_code == 404
    assert PDF_BYTES not in response.content


def test_the_public_cannot_download_a_ticket_file(client, agent, ticket):
    attachment = services.ticket_attach(ticket=ticket, upload=upload(), actor=agent)
    response = client.get(f"/tickets/attachments/{attachment.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_navigation_offers_tickets_to_agents_only(login, agent, secretary):
    assert 'data-nav="tickets:list"' in login(agent).get("/").content.decode()
    assert 'data-nav="tickets:create"' in login(agent).get("/").content.decode()
    assert 'data-nav="tickets:list"' not in login(secretary).get("/").content.decode()


def test_the_filters_keep_the_chosen_values(login, agent, department):
    body = (
        login(agent).get("/tickets/", {"kind": "maintenance", "department": department.pk}).content.decode()
    )
    assert '<option value="maintenance" selected>' in body
    assert f'<option value="{department.pk}" selected>' in body


def test_the_citizen_page_lists_their_tickets(login, agent, make_ticket):
    from .factories import CitizenFactory

    someone = CitizenFactory()
    theirs = make_ticket(citizen=someone)
    other = make_ticket()
    body = login(agent).get(f"/tickets/citizen/{someone.pk}/", **HX).content.decode()
    assert theirs.review_number in body and other.review_number not in body


def test_an_officer_sees_only_their_departments_tickets_of_a_citizen(
    login, officer, make_ticket, department, citizen
):
    mine = make_ticket(citizen=citizen, department=department)
    hidden = make_ticket(citizen=citizen)
    body = login(officer).get(f"/tickets/citizen/{citizen.pk}/", **HX).content.decode()
    assert mine.review_number in body and hidden.review_number not in body
