import pytest

from apps.citizens.models import Citizen
from apps.notifications.models import Notification
from apps.tickets import services
from apps.tickets.models import Ticket, TicketAttachment
from tests.tickets.factories import EXE_BYTES, PNG_BYTES, upload

FORM = {
    "kind": "complaint",
    "name": "فاطمة علي حسن",
    "cpr": "٨٥٠١٠١٢٣٤",
    "mobile": "٣٦٥٥ ١٢٣٤",
    "subject": "تأخر الرد على طلبي",
    "description": "قدمت طلبي منذ سنوات ولم أتلق ردًا.",
}


def test_a_citizen_submits_a_complaint_and_gets_the_review_number_at_once(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/portal/submit/", FORM, follow=True)
    ticket = Ticket.objects.get()
    assert (ticket.kind, ticket.channel, ticket.created_by, ticket.contact_phone) == (
        "complaint",
        "web",
        None,
        "+97336551234",
    )
    assert response.redirect_chain[-1][0] == "/portal/receipt/"
    assert ticket.review_number in response.content.decode()
    assert Notification.objects.get(event="ticket.received", channel="sms").to_phone == "+97336551234"


def test_a_new_cpr_adds_the_citizen_with_an_unconfirmed_phone(client):
    client.post("/portal/submit/", FORM)
    citizen = Citizen.objects.get(cpr="850101234")
    phone = citizen.phones.get()
    assert citizen.name_ar == "فاطمة علي حسن" and phone.confirmed_at is None and citizen.created_by is None


def test_a_known_cpr_is_linked_without_changing_the_file(client, citizen):
    client.post("/portal/submit/", {**FORM, "cpr": citizen.cpr, "name": "اسم آخر", "mobile": "39990000"})
    ticket = Ticket.objects.get()
    citizen.refresh_from_db()
    assert ticket.citizen == citizen and ticket.contact_phone == "+97339990000"
    assert citizen.name_ar == "أحمد علي" and [str(p.number) for p in citizen.phones.all()] == ["+97336001234"]


def test_the_request_is_in_the_language_of_the_page(client):
    client.cookies["hc_language"] = "en"
    client.post("/portal/submit/", FORM)
    assert Ticket.objects.get().citizen.language == "en"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"cpr": "123"}, "cpr"),
        ({"mobile": "12"}, "mobile"),
        ({"name": ""}, "name"),
        ({"subject": ""}, "subject"),
        ({"kind": "praise"}, "kind"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(client, change, field):
    response = client.post("/portal/submit/", {**FORM, **change})
    assert response.status_code == 200
    assert f'data-error-for="{field}"' in response.content.decode()
    assert not Ticket.objects.exists() and not Citizen.objects.exists()


def test_an_anonymous_suggestion_is_accepted_without_name_or_phone(client):
    response = client.post(
        "/portal/submit/",
        {"kind": "suggestion", "anonymous": "on", "subject": "تطبيق", "description": "أقترح تطبيقًا"},
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.is_anonymous and ticket.citizen is None and not Citizen.objects.exists()


@pytest.mark.parametrize("kind", ["complaint", "inquiry", "maintenance"])
def test_only_a_suggestion_may_be_anonymous(client, kind):
    response = client.post("/portal/submit/", {**FORM, "kind": kind, "anonymous": "on"})
    assert 'data-error-for="anonymous"' in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_maintenance_request_carries_its_urgency(client):
    client.post("/portal/submit/", {**FORM, "kind": "maintenance", "urgency": "emergency"})
    ticket = Ticket.objects.get()
    assert (ticket.urgency, ticket.priority) == ("emergency", "urgent")


def test_a_photo_is_attached(client):
    client.post("/portal/submit/", {**FORM, "attachment": upload("leak.jpg", PNG_BYTES)})
    attachment = TicketAttachment.objects.get()
    assert attachment.source == "citizen" and attachment.content_type == "image/png"


def test_a_disguised_file_refuses_the_request(client):
    response = client.post("/portal/submit/", {**FORM, "attachment": upload("cv.pdf", EXE_BYTES)})
    assert 'data-error-for="attachment"' in response.content.decode()
    assert not Ticket.objects.exists() and not Citizen.objects.exists()


def test_an_oversize_file_refuses_the_request(client, settings):
    settings.HOUSING_TICKET_ATTACHMENT_MAX_BYTES = 50
    response = client.post("/portal/submit/", {**FORM, "attachment": upload("big.png", PNG_BYTES * 3)})
    assert 'data-error-for="attachment"' in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_robot_filling_the_hidden_field_is_refused(client):
    response = client.post("/portal/submit/", {**FORM, "website": "http://spam.example"})
    assert 'data-testid="submit-error"' in response.content.decode()
    assert not Ticket.objects.exists()


def test_submissions_are_limited_per_address(client, settings):
    settings.HOUSING_PORTAL_SUBMISSIONS_PER_HOUR = 2
    for index in range(3):
        client.post("/portal/submit/", {**FORM, "cpr": f"85010123{index}"})
    assert Ticket.objects.count() == 2


def test_the_receipt_shows_only_this_browsers_own_request(client, ticket):
    assert client.get("/portal/receipt/").status_code == 404
    client.post("/portal/submit/", FORM)
    body = client.get("/portal/receipt/").content.decode()
    assert Ticket.objects.get(channel="web").review_number in body and ticket.review_number not in body


def test_internal_notes_never_reach_the_receipt(client, agent):
    client.post("/portal/submit/", FORM)
    ticket = Ticket.objects.get()
    services.ticket_note(ticket=ticket, body="ملاحظة داخلية سرية", actor=agent)
    services.ticket_reply(ticket=ticket, body="رد", actor=agent)
    body = client.get("/portal/receipt/").content.decode()
    assert "ملاحظة داخلية سرية" not in body and agent.username not in body


def test_portal_pages_are_never_cached(client):
    client.post("/portal/submit/", FORM)
    for path in ("/portal/", "/portal/submit/", "/portal/receipt/", "/portal/track/"):
        assert "no-store" in client.get(path)["Cache-Control"], path
