import pytest

from apps.citizens.models import Citizen
from apps.core.errors import PermissionDenied, ValidationFailed
from apps.notifications.models import Notification
from apps.tickets import services
from apps.tickets.models import Ticket, TicketEvent

from .factories import CitizenFactory


def _create(actor, **overrides):
    fields = {
        "kind": "complaint",
        "channel": "phone",
        "subject": "تأخر الطلب",
        "description": "لم يصلني رد على طلبي الإسكاني.",
        "actor": actor,
    }
    fields.update(overrides)
    return services.ticket_create(**fields)


def test_a_ticket_is_created_with_its_citizens_mobile_and_a_created_event(agent, citizen):
    ticket = _create(agent, citizen=citizen)
    assert ticket.status == "new" and ticket.contact_phone == "+97336001234"
    event = ticket.events.get()
    assert (event.kind, event.actor) == (TicketEvent.Kind.CREATED, agent)


def test_the_acknowledgement_is_queued_with_the_ticket_and_handed_over_after_commit(
    agent, citizen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ticket = _create(agent, citizen=citizen)
        notice = Notification.objects.get(channel="sms")
    assert (notice.event, notice.to_phone, notice.state) == ("ticket.received", "+97336001234", "queued")
    assert ticket.review_number in notice.body
    assert len(callbacks) == 1


def test_a_new_citizen_and_the_ticket_are_created_together(agent):
    ticket = _create(agent, new_citizen={"cpr": "٩٩٠١٠١٢٣٤", "name_ar": "سارة محمد", "phones": ["3911 2233"]})
    assert ticket.citizen.cpr == "990101234"
    assert ticket.contact_phone == "+97339112233"


def test_a_refused_ticket_leaves_no_new_citizen_behind(agent):
    with pytest.raises(ValidationFailed):
        _create(
            agent, subject="  ", new_citizen={"cpr": "990101235", "name_ar": "سارة", "phones": ["39112234"]}
        )
    assert not Citizen.objects.filter(cpr="990101235").exists()
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("field", ["subject", "description"])
def test_subject_and_description_are_required(agent, citizen, field):
    with pytest.raises(ValidationFailed) as error:
        _create(agent, citizen=citizen, **{field: ""})
    assert field in error.value.details
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("field, value", [("kind", "praise"), ("channel", "fax"), ("priority", "critical")])
def test_unknown_choices_are_refused(agent, citizen, field, value):
    with pytest.raises(ValidationFailed) as error:
        _create(agent, citizen=citizen, **{field: value})
    assert field in error.value.details


def test_a_ticket_needs_a_citizen_unless_it_is_an_anonymous_suggestion(agent):
    with pytest.raises(ValidationFailed) as error:
        _create(agent)
    assert error.value.code == "citizen_required"


@pytest.mark.parametrize("kind", ["complaint", "inquiry", "maintenance"])
def test_only_suggestions_may_be_anonymous(agent, kind):
    with pytest.raises(ValidationFailed) as error:
        _create(agent, kind=kind, anonymous=True)
    assert error.value.code == "anonymous_not_allowed"
    assert not Ticket.objects.exists()


def test_an_anonymous_suggestion_is_accepted(db):
    ticket = _create(None, kind="suggestion", channel="web", anonymous=True)
    assert ticket.citizen is None and ticket.is_anonymous


@pytest.mark.parametrize(
    "urgency, priority", [("emergency", "urgent"), ("urgent", "high"), ("routine", "normal"), ("", "normal")]
)
def test_maintenance_urgency_sets_the_priority(agent, citizen, urgency, priority):
    ticket = _create(agent, citizen=citizen, kind="maintenance", urgency=urgency)
    assert ticket.priority == priority
    assert ticket.urgency == (urgency or "routine")


def test_a_landline_is_refused_as_the_contact_phone(agent, citizen):
    with pytest.raises(ValidationFailed) as error:
        _create(agent, citizen=citizen, contact_phone="17001234")
    assert error.value.code == "not_a_mobile"


def test_an_invalid_contact_phone_is_refused(agent, citizen):
    with pytest.raises(ValidationFailed) as error:
        _create(agent, citizen=citizen, contact_phone="12")
    assert error.value.code == "invalid_phone"


def test_the_category_routes_the_ticket_to_its_department(agent, citizen, category, department):
    ticket = _create(agent, citizen=citizen, category=category)
    assert ticket.department == department


def test_an_inactive_category_is_refused(agent, citizen, category):
    category.is_active = False
    category.save()
    with pytest.raises(ValidationFailed):
        _create(agent, citizen=citizen, category=category)


def test_a_department_officer_cannot_create_tickets(officer, citizen):
    with pytest.raises(PermissionDenied):
        _create(officer, citizen=citizen)
    assert not Ticket.objects.exists()


def test_the_citizens_language_is_the_tickets_language(agent):
    citizen = CitizenFactory(language="en")
    assert _create(agent, citizen=citizen).language == "en"
