"""The REST API: queue, one case (logged), actions, escalation, questions, figures, the
citizen's endpoints — each checked for its answer and its effect on the database."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.escalations import services
from apps.escalations.models import Delegation, Escalation, EscalationAccess, InformationRequest
from apps.escalations.workflow import Status
from apps.tickets.models import Ticket
from tests.tickets.factories import CitizenFactory, TicketFactory

from .factories import code_sent_to


def test_the_queue_lists_open_cases_fewest_days_left_first(api, senior, agent):
    from .factories import staff_case

    older = staff_case(actor=agent)
    older.__class__.objects.filter(pk=older.pk).update(due_at=timezone.now() + timedelta(days=2))
    newer = staff_case(actor=agent)
    response = api(senior).get("/api/v1/uyc/cases/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [older.pk, newer.pk]
    assert rows[0]["days_left"] == 2 and "summary" not in rows[0]


def test_reading_one_case_is_logged(api, senior, case):
    response = api(senior).get(f"/api/v1/uyc/cases/{case.pk}/")
    assert response.status_code == 200 and response.json()["reason"] == case.reason
    access = EscalationAccess.objects.get()
    assert (access.user, access.via) == (senior, "api")


def test_deciding_without_a_public_text_is_a_bilingual_400_that_saves_nothing(api, senior, case):
    response = api(senior).post(
        f"/api/v1/uyc/cases/{case.pk}/decide/", {"public_text": "", "internal_text": "سري"}, format="json"
    )
    body = response.json()
    assert (
        response.status_code == 400
        and body["code"] == "public_text_required"
        and "public_text" in body["details"]
    )
    case.refresh_from_db()
    assert case.decided_at is None and case.decision_internal == ""


def test_deciding_then_informing_twice_through_the_api(api, senior, case):
    client = api(senior)
    decided = client.post(f"/api/v1/uyc/cases/{case.pk}/decide/", {"public_text": "قرار"}, format="json")
    assert decided.status_code == 200 and decided.json()["status"] == Status.DECIDED
    assert client.post(f"/api/v1/uyc/cases/{case.pk}/inform/").status_code == 200
    again = client.post(f"/api/v1/uyc/cases/{case.pk}/inform/")
    assert again.status_code == 409 and again.json()["code"] == "already_informed"


def test_informing_before_a_decision_is_a_409(api, senior, case):
    response = api(senior).post(f"/api/v1/uyc/cases/{case.pk}/inform/")
    assert response.status_code == 409 and response.json()["code"] == "not_decided"
    case.refresh_from_db()
    assert case.informed_at is None


def test_an_extension_without_a_reason_is_a_400(api, senior, case):
    response = api(senior).post(
        f"/api/v1/uyc/cases/{case.pk}/extend/",
        {"new_due": (case.due_at + timedelta(days=5)).isoformat(), "reason": ""},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "sla_extension_reason_required"


def test_bulk_assign_through_the_api(api, senior, senior2, agent):
    from .factories import staff_case

    cases = [staff_case(actor=agent) for _ in range(3)]
    response = api(senior).post(
        "/api/v1/uyc/cases/bulk-assign/",
        {"escalations": [c.pk for c in cases], "owner": senior2.pk},
        format="json",
    )
    assert response.status_code == 200 and response.json() == {"changed": 3}
    assert set(Escalation.objects.values_list("owner_id", flat=True)) == {senior2.pk}


def test_an_agent_escalates_through_the_api_and_learns_only_the_number(api, agent):
    ticket = TicketFactory(actor=agent)
    response = api(agent).post("/api/v1/uyc/escalate/", {"ticket": ticket.pk, "reason": "سبب"}, format="json")
    assert response.status_code == 201 and set(response.json()) == {"review_number", "received_at"}
    assert Escalation.objects.get().ticket == ticket


def test_escalating_without_a_reason_through_the_api_is_a_400(api, agent):
    ticket = TicketFactory(actor=agent)
    response = api(agent).post("/api/v1/uyc/escalate/", {"ticket": ticket.pk, "reason": " "}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    assert not Escalation.objects.exists()


def test_a_department_answers_through_the_api(api, senior, officer, department, case):
    question = services.information_request_create(
        escalation=case, department=department, question="سؤال", actor=senior
    )
    listed = api(officer).get("/api/v1/uyc/questions/")
    assert [q["id"] for q in listed.json()] == [question.pk]
    answered = api(officer).post(
        f"/api/v1/uyc/questions/{question.pk}/answer/", {"answer": "جواب"}, format="json"
    )
    assert answered.status_code == 200
    assert InformationRequest.objects.get().status == "answered"


def test_a_delegation_through_the_api(api, senior, deputy):
    now = timezone.now()
    response = api(senior).post(
        "/api/v1/uyc/delegations/",
        {"deputy": deputy.pk, "starts_at": now.isoformat(), "ends_at": (now + timedelta(days=2)).isoformat()},
        format="json",
    )
    assert response.status_code == 201 and Delegation.objects.get().deputy == deputy
    ended = api(senior).post(f"/api/v1/uyc/delegations/{response.json()['id']}/end/")
    assert ended.status_code == 200 and Delegation.objects.get().revoked_at is not None


def test_the_figures_endpoint(api, senior, case):
    today = timezone.localdate()
    response = api(senior).get("/api/v1/uyc/figures/", {"year": today.year, "month": today.month})
    assert response.status_code == 200 and response.json()["total"]["received"] == 1


def test_the_citizens_endpoints_take_a_message_with_a_code(api, db):
    citizen = CitizenFactory(phones=["36009911"])
    message = {
        "cpr": citizen.cpr,
        "mobile": "36009911",
        "kind": "inquiry",
        "subject": "موضوع",
        "message": "نص",
    }
    asked = api().post("/api/v1/uyc/public/code/", message, format="json")
    assert asked.status_code == 202 and "no-store" in asked["Cache-Control"]
    code = code_sent_to("+97336009911")
    sent = api().post("/api/v1/uyc/public/submit/", {**message, "code": code}, format="json")
    assert sent.status_code == 201
    assert Ticket.objects.get(review_number=sent.json()["review_number"]).channel == "uyc"


def test_a_wrong_code_through_the_api_is_refused_and_saves_nothing(api, db):
    citizen = CitizenFactory(phones=["36009912"])
    message = {"cpr": citizen.cpr, "mobile": "36009912", "kind": "complaint", "subject": "م", "message": "ن"}
    api().post("/api/v1/uyc/public/code/", message, format="json")
    code = code_sent_to("+97336009912")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = api().post("/api/v1/uyc/public/submit/", {**message, "code": wrong}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "otp_wrong"
    assert response.json()["details"]["tries_left"] == 2 and not Ticket.objects.exists()


@pytest.mark.parametrize("persona", ["agent", "officer", "supervisor"])
def test_the_queue_refuses_anyone_outside_the_office(api, persona, request, case):
    response = api(request.getfixturevalue(persona)).get("/api/v1/uyc/cases/")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_the_schema_documents_each_case_action_with_its_own_input(api, senior):
    response = api(senior).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]

    def request_schema(action):
        post = paths[f"/api/v1/uyc/cases/{{id}}/{action}/"]["post"]
        return post.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")

    assert request_schema("decide") == {"$ref": "#/components/schemas/DecideInput"}
    assert request_schema("extend") == {"$ref": "#/components/schemas/ExtendInput"}
    assert request_schema("inform") is None
    summaries = {
        paths[f"/api/v1/uyc/cases/{{id}}/{a}/"]["post"]["summary"] for a in ("decide", "note", "inform")
    }
    assert len(summaries) == 3


def test_the_queue_pages_by_cursor_and_refuses_a_broken_one(api, senior, agent):
    from .factories import staff_case

    made = [staff_case(actor=agent) for _ in range(3)]
    client = api(senior)
    first = client.get("/api/v1/uyc/cases/?page_size=2").json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert sorted(ids) == sorted(c.pk for c in made) and second["next"] is None
    broken = client.get("/api/v1/uyc/cases/?cursor=not-a-cursor")
    assert broken.status_code == 400
    assert broken.json()["code"] == "invalid_cursor"
