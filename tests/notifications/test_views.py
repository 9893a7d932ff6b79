"""Staff pages: the outbox with filters and resend, and each person's own notifications."""

import pytest
from django.urls import reverse

from apps.notifications import services
from apps.notifications.choices import Channel, State
from apps.notifications.models import Notification

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

ASSIGNED = {
    "review_number": "2026-000123-4",
    "ticket_url": "/tickets/123/",
    "ticket_subject": "تأخر صيانة الوحدة",
    "assigned_by": "سلمان",
}


class TestOutbox:
    def test_an_agent_is_refused_the_outbox_and_sees_no_message(self, client, agent):
        NotificationFactory(to_phone="+97336001234", body="سري")
        client.force_login(agent)

        response = client.get(reverse("notifications:outbox"))

        assert response.status_code == 403
        assert "36001234" not in response.content.decode() and "سري" not in response.content.decode()

    def test_an_anonymous_visitor_is_sent_to_sign_in(self, client):
        response = client.get(reverse("notifications:outbox"))

        assert response.status_code == 302 and "login" in response["Location"]

    def test_a_supervisor_sees_the_outbox_newest_first(self, client, supervisor):
        older = NotificationFactory(to_phone="+97336000001")
        newer = NotificationFactory(to_phone="+97336000002")
        client.force_login(supervisor)

        response = client.get(reverse("notifications:outbox"))

        ids = [row.pk for row in response.context["page"]]
        assert response.status_code == 200
        assert ids == [newer.pk, older.pk]

    @pytest.mark.parametrize(
        "query, expected",
        [
            ({"state": "failed"}, {"failed"}),
            ({"channel": "email"}, {"email"}),
            ({"event": "sla.extended"}, {"extended"}),
            ({"search": "36000003"}, {"failed"}),
        ],
    )
    def test_the_outbox_filters_by_state_channel_event_and_recipient(
        self, client, supervisor, query, expected
    ):
        NotificationFactory(to_phone="+97336000001", body="queued")
        NotificationFactory(to_phone="+97336000003", state=State.FAILED, body="failed")
        NotificationFactory(channel=Channel.EMAIL, to_phone="", to_email="a@example.bh", body="email")
        NotificationFactory(event="sla.extended", body="extended")
        client.force_login(supervisor)

        response = client.get(reverse("notifications:outbox"), query)

        assert {row.body for row in response.context["page"]} == expected

    def test_the_detail_page_shows_the_message_and_its_error(self, client, supervisor):
        row = NotificationFactory(state=State.FAILED, error_code="not_mobile", last_error="رقم ثابت")
        client.force_login(supervisor)

        response = client.get(reverse("notifications:outbox_detail", args=[row.pk]))

        body = response.content.decode()
        assert response.status_code == 200
        assert row.body in body and "رقم ثابت" in body and 'data-testid="resend-form"' in body


class TestResend:
    def test_resending_a_failed_message_creates_a_new_row_and_keeps_the_old(self, client, supervisor):
        failed = NotificationFactory(state=State.FAILED, error_code="http_400", to_phone="+97336001234")
        client.force_login(supervisor)

        response = client.post(reverse("notifications:outbox_resend", args=[failed.pk]), {"to_phone": ""})

        new = Notification.objects.exclude(pk=failed.pk).get()
        assert response.status_code == 302 and response["Location"].endswith(f"/{new.pk}/")
        assert (new.state, new.resent_from, new.created_by, new.to_phone) == (
            State.QUEUED,
            failed,
            supervisor,
            "+97336001234",
        )
        assert new.body == failed.body and new.reference != failed.reference
        failed.refresh_from_db()
        assert (failed.state, failed.error_code) == (State.FAILED, "http_400")

    def test_a_failed_sms_can_be_resent_to_a_corrected_number(self, client, supervisor):
        failed = NotificationFactory(state=State.FAILED, error_code="not_mobile", to_phone="17001234")
        client.force_login(supervisor)

        client.post(reverse("notifications:outbox_resend", args=[failed.pk]), {"to_phone": "٣٣٤٤٥٥٦٦"})

        assert Notification.objects.exclude(pk=failed.pk).get().to_phone == "+97333445566"

    def test_resending_to_a_landline_is_refused_and_writes_nothing(self, client, supervisor):
        failed = NotificationFactory(state=State.FAILED)
        client.force_login(supervisor)

        response = client.post(
            reverse("notifications:outbox_resend", args=[failed.pk]), {"to_phone": "17001234"}
        )

        assert response.status_code == 400
        assert "17001234" in response.content.decode()
        assert Notification.objects.count() == 1

    def test_a_message_that_was_sent_cannot_be_resent(self, client, supervisor):
        sent = NotificationFactory(state=State.SENT)
        client.force_login(supervisor)

        response = client.post(reverse("notifications:outbox_resend", args=[sent.pk]), {})

        assert response.status_code == 409
        assert Notification.objects.count() == 1

    def test_an_agent_cannot_resend(self, client, agent):
        failed = NotificationFactory(state=State.FAILED)
        client.force_login(agent)

        response = client.post(reverse("notifications:outbox_resend", args=[failed.pk]), {})

        assert response.status_code == 403
        assert Notification.objects.count() == 1


def _assign(user, **context):
    return services.notification_queue(
        event="ticket.assigned", recipient_user=user, context={**ASSIGNED, **context}
    )[0]


class TestInbox:
    def test_the_bell_shows_the_unread_count_on_every_page(self, client, agent):
        _assign(agent)
        _assign(agent)
        client.force_login(agent)

        response = client.get(reverse("core:home"))

        body = response.content.decode()
        assert 'data-testid="notification-bell"' in body
        assert 'data-testid="unread-count">2<' in body

    def test_the_bell_stops_counting_at_its_cap(self, client, agent):
        from apps.notifications.models import Notification
        from apps.notifications.templatetags.notifications import BELL_CAP

        first = _assign(agent)
        copied = [
            f.attname for f in Notification._meta.concrete_fields if f.attname not in ("id", "reference")
        ]
        Notification.objects.bulk_create(
            Notification(**{name: getattr(first, name) for name in copied}) for _ in range(BELL_CAP + 5)
        )
        client.force_login(agent)

        body = client.get(reverse("core:home")).content.decode()

        assert 'data-testid="unread-count">99+<' in body

    def test_opening_a_notification_marks_it_read_and_opens_its_page(self, client, agent):
        row = _assign(agent)
        client.force_login(agent)

        response = client.post(reverse("notifications:inbox_open", args=[row.pk]))

        row.refresh_from_db()
        assert response.status_code == 302 and response["Location"] == "/tickets/123/"
        assert row.read_at is not None

    def test_a_link_to_another_site_is_not_followed(self, client, agent):
        row = _assign(agent, ticket_url="https://evil.example/")
        client.force_login(agent)

        response = client.post(reverse("notifications:inbox_open", args=[row.pk]))

        assert response["Location"] == reverse("notifications:inbox")

    def test_nobody_can_open_someone_elses_notification(self, client, agent, supervisor):
        row = _assign(agent)
        client.force_login(supervisor)

        response = client.post(reverse("notifications:inbox_open", args=[row.pk]))

        row.refresh_from_db()
        assert response.status_code == 404 and row.read_at is None

    def test_the_inbox_lists_only_the_viewers_own_notifications(self, client, agent, supervisor):
        mine = _assign(agent)
        _assign(supervisor, review_number="2026-999999-9")
        client.force_login(agent)

        response = client.get(reverse("notifications:inbox"))

        assert [row.pk for row in response.context["page"]] == [mine.pk]
        assert "2026-999999-9" not in response.content.decode()

    def test_mark_all_read_clears_the_count(self, client, agent):
        _assign(agent)
        _assign(agent)
        client.force_login(agent)

        client.post(reverse("notifications:inbox_read_all"))

        assert not Notification.objects.filter(recipient_user=agent, read_at__isnull=True).exists()
