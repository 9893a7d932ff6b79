import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.citizens.models import Citizen
from apps.tickets.models import Ticket, TicketAttachment, TicketEvent

from .factories import EXE_BYTES, PDF_BYTES, upload

NEW = {"kind": "complaint", "channel": "phone", "subject": "تأخر", "description": "لم يصل الرد"}


def test_an_agent_creates_a_ticket_for_an_existing_citizen(api, agent, citizen):
    response = api(agent).post("/api/v1/tickets/", {**NEW, "citizen": citizen.pk}, format="json")
    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get()
    body = response.json()
    assert body["review_number"] == ticket.review_number and ticket.citizen == citizen
    assert response["Location"] == f"/api/v1/tickets/{ticket.pk}/"
    assert body["timeline"][0]["kind"] == "created"


def test_a_ticket_and_a_new_citizen_are_created_in_one_request(api, agent):
    payload = {**NEW, "new_citizen": {"cpr": "990101234", "name_ar": "سارة", "phones": ["39112233"]}}
    response = api(agent).post("/api/v1/tickets/", payload, format="json")
    assert response.status_code == 201
    assert Ticket.objects.get().citizen.cpr == "990101234"


def test_a_ticket_is_created_for_a_citizen_found_by_cpr(api, agent, citizen):
    response = api(agent).post("/api/v1/tickets/", {**NEW, "citizen_cpr": "٨٨٠٤١٢٣٤٥"}, format="json")
    assert response.status_code == 201
    assert Ticket.objects.get().citizen == citizen


def test_an_unknown_cpr_is_a_clear_error(api, agent):
    response = api(agent).post("/api/v1/tickets/", {**NEW, "citizen_cpr": "111111111"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "citizen_not_found"
    assert not Ticket.objects.exists()


def test_bad_input_is_json_with_code_message_details_and_saves_nothing(api, agent):
    payload = {**NEW, "new_citizen": {"cpr": "990101234", "name_ar": "سارة", "phones": ["12"]}}
    response = api(agent).post("/api/v1/tickets/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_phone" and body["message"] and "phones" in body["details"]
    assert not Citizen.objects.filter(cpr="990101234").exists() and not Ticket.objects.exists()


def test_missing_fields_are_named(api, agent, citizen):
    response = api(agent).post("/api/v1/tickets/", {"citizen": citizen.pk}, format="json")
    assert response.status_code == 400
    assert {"kind", "channel", "subject", "description"} <= set(response.json()["details"])


def test_errors_come_in_the_staff_members_language(api, agent):
    agent.language = "en"
    agent.save()
    client = APIClient()
    client.force_login(agent)
    response = client.post("/api/v1/tickets/", {**NEW, "citizen_cpr": "111111111"}, format="json")
    assert response.json()["message"].startswith("No citizen has this CPR number")
    agent.language = "ar"
    agent.save()
    client.force_login(agent)
    response = client.post("/api/v1/tickets/", {**NEW, "citizen_cpr": "111111111"}, format="json")
    assert "الرقم الشخصي" in response.json()["message"]


def test_a_ticket_is_created_with_an_attachment(api, agent, citizen):
    payload = {**NEW, "citizen": citizen.pk, "attachments": [upload("letter.pdf", PDF_BYTES)]}
    response = api(agent).post("/api/v1/tickets/", payload, format="multipart")
    assert response.status_code == 201
    assert TicketAttachment.objects.get().ticket.review_number == response.json()["review_number"]


def test_a_disguised_attachment_refuses_the_whole_ticket(api, agent, citizen):
    payload = {**NEW, "citizen": citizen.pk, "attachments": [upload("letter.pdf", EXE_BYTES)]}
    response = api(agent).post("/api/v1/tickets/", payload, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "attachment_type_refused"
    assert not Ticket.objects.exists()


def test_the_list_filters_and_pages_with_a_next_link(api, agent, make_ticket):
    for _ in range(3):
        make_ticket(kind="inquiry")
    make_ticket(kind="complaint")
    client = api(agent)
    first = client.get("/api/v1/tickets/", {"kind": "inquiry", "page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    numbers = {t["review_number"] for t in first["results"] + second["results"]}
    assert numbers == set(Ticket.objects.filter(kind="inquiry").values_list("review_number", flat=True))


def test_a_bad_filter_is_a_clear_error(api, agent):
    response = api(agent).get("/api/v1/tickets/", {"received_from": "yesterday"})
    assert response.status_code == 400 and "received_from" in response.json()["details"]


def test_the_list_query_count_does_not_grow_with_the_rows(api, agent, make_ticket, category):
    client = api(agent)
    make_ticket(category=category)
    # The process's copies (the filter's tags) filled, as after a server's first request.
    client.get("/api/v1/tickets/")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/tickets/")
    for _ in range(5):
        make_ticket(category=category)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/tickets/")
    assert len(many) == len(few)


def test_a_ticket_is_read_by_id_or_by_review_number(api, agent, ticket):
    client = api(agent)
    by_id = client.get(f"/api/v1/tickets/{ticket.pk}/").json()
    typed = ticket.review_number.replace("-", "").translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    by_number = client.get(f"/api/v1/tickets/by-review-number/{typed}/").json()
    assert by_id["id"] == by_number["id"] == ticket.pk


def test_a_mistyped_review_number_is_a_400_not_a_404(api, agent, ticket):
    wrong = ticket.review_number[:-1] + str((int(ticket.review_number[-1]) + 1) % 10)
    response = api(agent).get(f"/api/v1/tickets/by-review-number/{wrong}/")
    assert response.status_code == 400 and response.json()["code"] == "review_number_check_failed"


def test_an_officer_cannot_read_another_departments_ticket(api, other_officer, ticket):
    response = api(other_officer).get(f"/api/v1/tickets/{ticket.pk}/")
    assert response.status_code == 404
    assert (
        ticket.review_number not in response.content.decode()
        and ticket.subject not in response.content.decode()
    )


def test_an_anonymous_caller_gets_nothing(api, ticket):
    response = api().get("/api/v1/tickets/")
    assert response.status_code in (401, 403)
    assert ticket.review_number not in response.content.decode()


def test_a_system_authenticates_with_its_token(agent, ticket):
    token = Token.objects.create(user=agent)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(f"/api/v1/tickets/{ticket.pk}/").status_code == 200


def test_reply_note_and_timeline(api, agent, ticket):
    client = api(agent)
    assert (
        client.post(f"/api/v1/tickets/{ticket.pk}/reply/", {"body": "رد"}, format="json").status_code == 201
    )
    assert (
        client.post(f"/api/v1/tickets/{ticket.pk}/note/", {"body": "ملاحظة"}, format="json").status_code
        == 201
    )
    kinds = [e["kind"] for e in client.get(f"/api/v1/tickets/{ticket.pk}/").json()["timeline"]]
    assert kinds == ["created", "public_reply", "internal_note"]


def test_transition_through_the_api(api, agent, ticket):
    response = api(agent).post(
        f"/api/v1/tickets/{ticket.pk}/transition/", {"to_status": "acknowledged"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "acknowledged"
    ticket.refresh_from_db()
    assert ticket.status == "acknowledged" and ticket.acknowledged_at is not None


def test_an_illegal_transition_is_a_409_naming_both_statuses(api, agent, ticket):
    response = api(agent).post(
        f"/api/v1/tickets/{ticket.pk}/transition/", {"to_status": "closed"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert response.json()["details"] == {"from": "new", "to": "closed"}
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_assign_through_the_api(api, supervisor, agent, ticket, department):
    response = api(supervisor).post(
        f"/api/v1/tickets/{ticket.pk}/assign/",
        {"assignee": agent.pk, "department": department.pk},
        format="json",
    )
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.department) == (agent, department)


def test_merge_through_the_api(api, agent, make_ticket):
    original, duplicate = make_ticket(), make_ticket()
    response = api(agent).post(
        f"/api/v1/tickets/{duplicate.pk}/merge/", {"original": original.review_number}, format="json"
    )
    assert response.status_code == 200 and response.json()["duplicate_of"] == original.review_number
    duplicate.refresh_from_db()
    assert duplicate.status == "merged" and duplicate.duplicate_of == original


def test_a_reply_to_a_closed_ticket_is_refused(api, agent, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status="closed")
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/reply/", {"body": "رد"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "ticket_not_open_for_reply"
    assert not TicketEvent.objects.filter(kind="public_reply").exists()


def test_attach_a_file_and_refuse_a_disguised_one(api, agent, ticket):
    client = api(agent)
    ok = client.post(f"/api/v1/tickets/{ticket.pk}/attachments/", {"file": upload()}, format="multipart")
    bad = client.post(
        f"/api/v1/tickets/{ticket.pk}/attachments/", {"file": upload("x.pdf", EXE_BYTES)}, format="multipart"
    )
    assert ok.status_code == 201 and bad.status_code == 400
    assert ticket.attachments.count() == 1


def test_a_senior_manager_reads_but_cannot_reply(api, senior, ticket):
    client = api(senior)
    assert client.get(f"/api/v1/tickets/{ticket.pk}/").status_code == 200
    response = client.post(f"/api/v1/tickets/{ticket.pk}/reply/", {"body": "رد"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert not TicketEvent.objects.filter(kind="public_reply").exists()


def test_categories_come_as_a_tree(api, agent, category):
    tree = api(agent).get("/api/v1/categories/").json()
    parent = next(c for c in tree if c["code"] == "housing-request-status")
    assert [child["code"] for child in parent["children"]] == ["status-delay"]


def test_departments_are_listed(api, agent, department):
    codes = [d["code"] for d in api(agent).get("/api/v1/departments/").json()]
    assert "housing-services" in codes


@pytest.mark.parametrize(
    "path",
    ["/api/v1/tickets/", "/api/v1/tickets/{id}/transition/", "/api/v1/public/track/", "/api/v1/citizens/"],
)
def test_the_schema_documents_the_endpoints(api, agent, path):
    response = api(agent).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert path in response.json()["paths"]
