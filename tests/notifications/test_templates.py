"""Templates: checked when saved (never first at send time), previewed on sample data."""

import pytest
from django.urls import reverse

from apps.core.errors import ValidationFailed
from apps.notifications import events, services
from apps.notifications.choices import Channel
from apps.notifications.models import MessageTemplate
from apps.notifications.services import Recipient

from .conftest import RECEIVED
from .factories import MessageTemplateFactory

pytestmark = pytest.mark.django_db


def _save(**overrides):
    values = {"event": "ticket.received", "channel": "sms", "language": "ar", "subject": "", "body": "x"}
    values.update(overrides)
    return services.message_template_save(actor=None, **values)


def test_a_template_naming_an_unknown_placeholder_is_refused_when_saved():
    with pytest.raises(ValidationFailed) as error:
        _save(body="رقم طلبك {{ review_numbr }}")

    assert error.value.code == "invalid_template"
    assert "review_numbr" in error.value.details["body"][0]
    assert "review_number" in error.value.details["body"][0]  # the allowed ones are listed
    assert not MessageTemplate.objects.exists()


def test_a_template_with_stray_braces_is_refused():
    with pytest.raises(ValidationFailed) as error:
        _save(body="رقم طلبك {{ review_number }} {% if x %}")

    assert "body" in error.value.details


def test_an_unknown_placeholder_in_an_email_subject_is_refused():
    with pytest.raises(ValidationFailed) as error:
        _save(channel="email", subject="{{ citizen_cpr }}", body="{{ review_number }}")

    assert "subject" in error.value.details


def test_an_sms_template_has_no_subject():
    with pytest.raises(ValidationFailed) as error:
        _save(subject="عنوان")

    assert "subject" in error.value.details


def test_an_email_template_needs_a_subject():
    with pytest.raises(ValidationFailed) as error:
        _save(channel="email", subject="", body="{{ review_number }}")

    assert "subject" in error.value.details


def test_a_template_for_a_channel_the_event_does_not_use_is_refused():
    with pytest.raises(ValidationFailed) as error:
        _save(channel="in_app", subject="s", body="{{ review_number }}")

    assert "channel" in error.value.details


def test_a_template_for_an_unknown_event_is_refused():
    with pytest.raises(ValidationFailed) as error:
        _save(event="ticket.vanished")

    assert error.value.code == "unknown_event"


def test_a_valid_template_is_saved_and_used_for_the_next_message(agent):
    template = services.message_template_save(
        event="ticket.received",
        channel="sms",
        language="ar",
        subject="",
        body="طلبك {{ review_number }}",
        actor=agent,
    )

    (row,) = services.notification_queue(
        event="ticket.received", context=RECEIVED, recipient_citizen=Recipient(phone="36001234")
    )

    assert template.updated_by == agent
    assert row.body == "طلبك \u20662026-000123-4\u2069"


def test_saving_again_changes_the_same_row():
    _save(body="أ {{ review_number }}")
    _save(body="ب {{ review_number }}")

    assert list(MessageTemplate.objects.values_list("body", flat=True)) == ["ب {{ review_number }}"]


def test_the_preview_renders_sample_data_and_counts_sms_segments():
    preview = services.message_template_preview(
        event="ticket.received",
        channel="sms",
        language="ar",
        subject="",
        body="رقم المراجعة {{ review_number }}",
    )

    assert preview["body"] == "رقم المراجعة \u20662026-004217-K\u2069"
    assert (preview["sms"].encoding, preview["sms"].segments) == ("UCS-2", 1)
    assert preview["problems"] == {}
    assert preview["direction"] == "rtl"


class TestAdmin:
    def test_the_admin_refuses_an_unknown_placeholder_and_saves_nothing(self, client, admin_user):
        client.force_login(admin_user)

        response = client.post(
            reverse("admin:notifications_messagetemplate_add"),
            {
                "event": "ticket.received",
                "channel": "sms",
                "language": "en",
                "subject": "",
                "body": "{{ cpr }}",
            },
        )

        assert response.status_code == 200
        assert "cpr" in response.content.decode()
        assert not MessageTemplate.objects.exists()

    def test_the_admin_saves_a_valid_template_through_the_service(self, client, admin_user):
        client.force_login(admin_user)

        response = client.post(
            reverse("admin:notifications_messagetemplate_add"),
            {
                "event": "ticket.received",
                "channel": "sms",
                "language": "en",
                "subject": "",
                "body": "No. {{ review_number }}",
            },
        )

        assert response.status_code == 302
        template = MessageTemplate.objects.get()
        assert (template.body, template.updated_by) == ("No. {{ review_number }}", admin_user)

    def test_the_admin_preview_shows_the_unsaved_wording_on_sample_data(self, client, admin_user):
        admin_user.language = "en"
        admin_user.save()
        client.force_login(admin_user)

        response = client.post(
            reverse("admin:notifications_template_preview"),
            {
                "event": "ticket.received",
                "channel": "sms",
                "language": "en",
                "subject": "",
                "body": "No. {{ review_number }}",
            },
        )

        html = response.json()["html"]
        assert response.status_code == 200
        assert "No. 2026-004217-K" in html
        assert "GSM-7" in html and "1 segment" in html
        assert not MessageTemplate.objects.exists()

    def test_the_change_page_shows_the_placeholders_and_a_preview(self, client, admin_user):
        template = MessageTemplateFactory(body="رقم {{ review_number }}")
        client.force_login(admin_user)

        response = client.get(reverse("admin:notifications_messagetemplate_change", args=[template.pk]))

        body = response.content.decode()
        assert response.status_code == 200
        assert "{{ tracking_url }}" in body
        assert "2026-004217-K" in body

    def test_staff_without_the_permission_cannot_use_the_preview(self, client, agent):
        agent.is_staff = True
        agent.save()
        client.force_login(agent)

        response = client.post(reverse("admin:notifications_template_preview"), {"event": "ticket.received"})

        assert response.status_code == 403


def test_the_seed_adds_every_default_template_once():
    from apps.notifications.seed import seed

    class Out:
        def write(self, text):
            pass

    seed(Out())
    first = MessageTemplate.objects.count()
    seed(Out())

    assert first == MessageTemplate.objects.count()
    # This app's own: 5 citizen events × (SMS + e-mail) × 2 languages, assignment (2×2),
    # at risk (1×2), breach (2×2); other apps' events (tickets, committee) come on top.
    own_events = [
        "ticket.received",
        "ticket.public_reply",
        "ticket.responded",
        "ticket.closed",
        "sla.extended",
        "ticket.assigned",
        "sla.at_risk",
        "sla.breached",
    ]
    own = MessageTemplate.objects.filter(event__in=own_events)
    assert own.count() == 5 * 2 * 2 + 4 + 2 + 4
    assert first == sum(len(e.defaults) for e in events.all_events())
    assert MessageTemplate.objects.filter(
        event="ticket.received", channel=Channel.SMS, language="en"
    ).exists()


def test_the_seed_keeps_an_administrators_edit():
    from apps.notifications.seed import seed

    MessageTemplateFactory(body="مُعدّل {{ review_number }}")

    seed(type("Out", (), {"write": lambda self, text: None})())

    assert MessageTemplate.objects.get(event="ticket.received", channel="sms", language="ar").body == (
        "مُعدّل {{ review_number }}"
    )
