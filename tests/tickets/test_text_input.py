"""Finding 5 of issue 12 through the real doors: names and subjects typed with direction
controls or zero-width characters are stored clean, shown isolated, and free text has a
length limit (a 2 MB internal note is refused) with a message in the caller's language."""

from apps.citizens.models import Citizen
from apps.tickets.models import Ticket

RLO, LRI, PDI, ZWSP = "\u202e", "\u2066", "\u2069", "\u200b"
TWO_MB = "x" * (2 * 1024 * 1024)
NEW = {"kind": "complaint", "channel": "phone", "description": "لم يصل الرد"}
HX = {"HTTP_HX_REQUEST": "true"}


def test_the_api_stores_a_subject_and_a_new_name_without_controls(api, agent):
    payload = {
        **NEW,
        "subject": f"{RLO}exe.fdp",
        "description": f"مرفق {RLO}exe.fdp",
        "new_citizen": {"cpr": "990101234", "name_ar": f"سارة{ZWSP}{LRI}", "phones": ["39112233"]},
    }
    response = api(agent).post("/api/v1/tickets/", payload, format="json")
    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get()
    assert ticket.subject == "exe.fdp"
    assert ticket.citizen.name_ar == "سارة"
    assert ticket.description == f"مرفق {RLO}exe.fdp\u202c"  # kept, but closed on its line


def test_the_portal_form_stores_a_name_and_subject_without_controls(client, db):
    form = {
        "kind": "complaint",
        "name": f"فاطمة{RLO} علي",
        "cpr": "850101234",
        "mobile": "36551234",
        "subject": f"تأخر{ZWSP} الرد{LRI}",
        "description": f"قدمت طلبي {LRI}منذ سنوات",
    }
    client.post("/portal/submit/", form)
    ticket = Ticket.objects.get()
    assert ticket.subject == "تأخر الرد"
    assert Citizen.objects.get().name_ar == "فاطمة علي"
    assert ticket.description == f"قدمت طلبي {LRI}منذ سنوات{PDI}"


def test_the_service_cleans_whatever_door_the_text_came_through(agent):
    from apps.citizens import services as citizen_services
    from apps.tickets import services

    citizen = citizen_services.citizen_create(cpr="880412345", name_ar=f"{RLO}أحمد", actor=agent)
    ticket = services.ticket_create(
        citizen=citizen,
        kind="inquiry",
        channel="phone",
        subject=f"{RLO}exe.fdp",
        description="x",
        actor=agent,
    )
    assert (citizen.name_ar, ticket.subject) == ("أحمد", "exe.fdp")


def test_a_two_megabyte_internal_note_is_refused_by_the_api(api, agent, ticket):
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/note/", {"body": TWO_MB}, format="json")
    assert response.status_code == 400
    body = response.json()
    message = body["details"]["body"][0]  # in the agent's language, Arabic
    assert body["code"] == "invalid" and "أطول من المسموح" in message and "2,097,152" in message
    assert not ticket.events.filter(kind="internal_note").exists()


def test_a_two_megabyte_internal_note_is_refused_by_the_page_in_arabic(login, agent, ticket):
    response = login(agent).post(f"/tickets/{ticket.pk}/note/", {"note-body": TWO_MB}, **HX)
    page = response.content.decode()
    assert "أطول من المسموح" in page
    assert not ticket.events.filter(kind="internal_note").exists()


def test_every_free_text_of_the_ticket_api_is_limited(api, agent, ticket):
    long = "x" * 10_001
    client = api(agent)
    for path, payload in [
        ("reply/", {"body": long}),
        ("transition/", {"to_status": "acknowledged", "reason": long}),
    ]:
        response = client.post(f"/api/v1/tickets/{ticket.pk}/{path}", payload, format="json")
        assert response.status_code == 400, path


def test_a_subject_and_a_name_in_the_list_are_isolated(login, agent, ticket):
    page = login(agent).get("/tickets/").content.decode()
    assert f"<bdi>{ticket.subject}</bdi>" in page
    assert f"<bdi>{ticket.citizen.display_name()}</bdi>" in page
