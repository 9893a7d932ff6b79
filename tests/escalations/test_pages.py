"""The staff pages: queue, case and its actions, delegation, figures, access log, the
escalation form on a ticket and the department's questions."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.escalations import services
from apps.escalations.models import Delegation, Escalation, EscalationAccess, InformationRequest
from apps.escalations.workflow import Status
from tests.tickets.factories import TicketFactory

from .factories import citizen_case, staff_case


def _cases(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-case="(\d+)"', response.content.decode())]


@pytest.fixture
def three(agent):
    """Three open cases received 20, 10 and 25 days ago (so 10, 20 and 5 days left)."""
    now = timezone.now()
    made = []
    for days in (20, 10, 25):
        with time_machine.travel(now - timedelta(days=days)):
            made.append(staff_case(actor=agent))
    return made


def test_the_queue_is_sorted_by_days_left(login, senior, three):
    response = login(senior).get("/uyc/")
    assert response.status_code == 200
    assert _cases(response) == [three[2].pk, three[0].pk, three[1].pk]
    assert 'data-days-left="5"' in response.content.decode()


def test_the_queue_filters_by_owner_source_status_and_overdue(login, senior, three, agent):
    services.escalation_assign(escalation=three[1], owner=senior, actor=senior)
    with time_machine.travel(timezone.now() - timedelta(days=40)):
        late = staff_case(actor=agent)
    client = login(senior)
    assert _cases(client.get("/uyc/", {"owner": "me"})) == [three[1].pk]
    assert _cases(client.get("/uyc/", {"overdue": "on"})) == [late.pk]
    assert _cases(client.get("/uyc/", {"source": "citizen"})) == []
    services.escalation_transition(escalation=three[0], to_status="under_study", actor=senior)
    assert _cases(client.get("/uyc/", {"status": "under_study"})) == [three[0].pk]


def test_show_more_pages_by_the_clock(login, senior, agent):
    now = timezone.now()
    made = []
    for days in range(7):
        with time_machine.travel(now - timedelta(days=days)):
            made.append(staff_case(actor=agent))
    client = login(senior)
    first = client.get("/uyc/", {"page_size": 5})
    more = re.search(r'hx-get="([^"]+)"[^>]*data-testid="more"', first.content.decode()).group(1)
    second = client.get(more.replace("&amp;", "&"), HTTP_HX_REQUEST="true")
    assert _cases(first) + _cases(second) == [c.pk for c in reversed(made)]


def test_bulk_assign_gives_every_chosen_case_its_owner(login, senior, senior2, three):
    response = login(senior).post(
        "/uyc/bulk-assign/", {"escalations": [three[0].pk, three[2].pk], "owner": senior2.pk}
    )
    assert response.status_code == 302
    owners = dict(Escalation.objects.values_list("pk", "owner_id"))
    assert owners == {three[0].pk: senior2.pk, three[1].pk: None, three[2].pk: senior2.pk}


def test_bulk_assign_to_someone_outside_the_office_assigns_nothing(login, senior, agent, three):
    login(senior).post("/uyc/bulk-assign/", {"escalations": [three[0].pk], "owner": agent.pk})
    assert not Escalation.objects.filter(owner__isnull=False).exists()


def test_the_case_page_shows_everything_and_logs_the_read(login, senior, uyc_case):
    response = login(senior).get(f"/uyc/{uyc_case.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert uyc_case.ticket.description in body and 'data-testid="citizen-history"' in body
    access = EscalationAccess.objects.get()
    assert (access.escalation, access.user, access.via) == (uyc_case, senior, "page")


def test_deciding_without_a_public_text_shows_the_reason_and_saves_nothing(login, senior, case):
    response = login(senior).post(f"/uyc/{case.pk}/decide/", {"public_text": "", "internal_text": "سري"})
    assert response.status_code == 400
    assert 'data-error-for="public_text"' in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.decision_internal) == (Status.RECEIVED, "")


def test_deciding_and_informing_from_the_page(login, senior, case):
    client = login(senior)
    assert (
        client.post(f"/uyc/{case.pk}/decide/", {"public_text": "قرار", "internal_text": ""}).status_code
        == 302
    )
    assert client.post(f"/uyc/{case.pk}/inform/").status_code == 302
    again = client.post(f"/uyc/{case.pk}/inform/")
    assert again.status_code == 409 and 'data-testid="action-error"' in again.content.decode()
    case.refresh_from_db()
    assert case.status == Status.CITIZEN_INFORMED


def test_informing_before_a_decision_is_refused_on_the_page(login, senior, case):
    response = login(senior).post(f"/uyc/{case.pk}/inform/")
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.informed_at is None


def test_a_note_an_extension_and_a_question_from_the_page(login, senior, case, department):
    client = login(senior)
    assert client.post(f"/uyc/{case.pk}/note/", {"body": "ملاحظة"}).status_code == 302
    new_due = (timezone.localtime(case.due_at) + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(f"/uyc/{case.pk}/extend/", {"new_due": new_due, "reason": "سبب"}).status_code == 302
    assert (
        client.post(
            f"/uyc/{case.pk}/request-information/", {"department": department.pk, "question": "سؤال"}
        ).status_code
        == 302
    )
    assert case.events.filter(kind__in=["note", "extension", "info_requested"]).count() == 3


def test_moving_a_case_from_the_page_offers_only_the_moves_from_its_status(login, senior, case):
    client = login(senior)
    refused = client.post(f"/uyc/{case.pk}/transition/", {"to_status": "closed", "reason": ""})
    assert refused.status_code == 400
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert client.post(f"/uyc/{case.pk}/transition/", {"to_status": "under_study"}).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.UNDER_STUDY


def test_an_extension_without_a_reason_is_refused_on_the_page(login, senior, case):
    new_due = (timezone.localtime(case.due_at) + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    response = login(senior).post(f"/uyc/{case.pk}/extend/", {"new_due": new_due, "reason": ""})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.extra_allowance == timedelta(0)


def test_an_agent_escalates_from_the_ticket(login, agent):
    ticket = TicketFactory(actor=agent)
    page = login(agent).get(f"/tickets/{ticket.pk}/")
    assert f"/uyc/escalate/{ticket.pk}/" in page.content.decode()
    response = login(agent).post(f"/uyc/escalate/{ticket.pk}/", {"reason": "يحتاج قرارًا", "summary": ""})
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.pk}/"
    assert Escalation.objects.get().reason == "يحتاج قرارًا"


def test_escalating_without_a_reason_is_explained_and_saves_nothing(login, agent):
    ticket = TicketFactory(actor=agent)
    response = login(agent).post(f"/uyc/escalate/{ticket.pk}/", {"reason": ""})
    assert response.status_code == 400 and 'data-error-for="reason"' in response.content.decode()
    assert not Escalation.objects.exists()


def test_the_asked_department_answers_on_its_page(login, senior, case, department, officer):
    request = services.information_request_create(
        escalation=case, department=department, question="سؤال؟", actor=senior
    )
    client = login(officer)
    listing = client.get("/uyc/questions/")
    assert listing.status_code == 200 and "سؤال؟" in listing.content.decode()
    assert client.post(f"/uyc/questions/{request.pk}/", {"answer": "الجواب"}).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.answer) == (InformationRequest.Status.ANSWERED, "الجواب")


def test_a_senior_manager_delegates_and_the_deputy_finds_the_queue(login, senior, deputy, case):
    services.escalation_assign(escalation=case, owner=senior, actor=senior)
    now = timezone.localtime()
    response = login(senior).post(
        "/uyc/delegations/",
        {
            "deputy": deputy.pk,
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "reason": "سفر",
        },
    )
    assert response.status_code == 302 and Delegation.objects.get().deputy == deputy
    home = login(deputy).get("/")
    assert 'data-nav="escalations:queue"' in home.content.decode()
    assert _cases(login(deputy).get("/uyc/")) == [case.pk]


def test_an_administrator_reviews_who_read_which_case(login, senior, admin_user, case):
    login(senior).get(f"/uyc/{case.pk}/")
    response = login(admin_user).get("/uyc/access-log/", {"case": case.pk})
    assert response.status_code == 200 and "senior" in response.content.decode()


def test_the_figures_page_shows_the_month(login, senior, case):
    response = login(senior).get("/uyc/figures/")
    assert response.status_code == 200 and 'data-row="staff"' in response.content.decode()


def test_the_arabic_queue_says_days_left_in_arabic(login, senior, three):
    body = login(senior).get("/uyc/").content.decode()
    assert "المتبقي: 5 أيام" in body and "المتبقي: 20 يومًا" in body


def test_the_citizens_case_from_the_form_is_in_the_queue(login, senior):
    made = citizen_case()
    assert _cases(login(senior).get("/uyc/", {"source": "citizen"})) == [made.pk]


@pytest.mark.parametrize(
    "persona, shown", [("senior", True), ("admin_user", True), ("agent", False), ("officer", False)]
)
def test_the_nav_shows_the_queue_only_to_the_office(request, login, persona, shown):
    body = login(request.getfixturevalue(persona)).get("/").content.decode()
    assert ('data-nav="escalations:queue"' in body) is shown


def test_the_code_page_gives_the_code_length_and_life_from_the_settings(client, settings):
    settings.HOUSING_OTP_DIGITS = 8
    settings.HOUSING_OTP_TTL_SECONDS = 600
    session = client.session
    session["uyc_draft"] = {
        "cpr": "880412345",
        "mobile": "36001234",
        "kind": "complaint",
        "subject": "طلب",
        "message": "نص",
    }
    session.save()
    response = client.get("/portal/uyc/code/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "رمزًا من 8 أرقام" in text
    assert "لمدة 10 دقائق" in text


def test_the_extension_form_of_an_overdue_case_offers_a_date_to_come(login, senior):
    case = citizen_case()
    later = case.due_at + timedelta(days=20)
    with time_machine.travel(later, tick=False):
        body = login(senior).get(f"/uyc/{case.pk}/").content.decode()
    offered = re.search(r'name="new_due" value="([^"]+)"', body) or re.search(
        r'value="([^"]+)"[^>]*name="new_due"', body
    )
    assert offered, "no new_due field"
    assert offered.group(1) > timezone.localtime(later).strftime("%Y-%m-%dT%H:%M")
