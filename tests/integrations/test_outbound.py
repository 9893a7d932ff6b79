"""The partner outbox: signed posts after commit, back-off, dead letters, retry, the sweep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.integrations.outbound import services
from apps.integrations.outbound.models import Delivery

pytestmark = pytest.mark.django_db


def _queue(fake, **extra):
    return services.delivery_queue(
        partner="tawasul",
        event="test.event",
        target_url=f"{fake.url}/hook",
        payload={"hello": "مرحبا", "n": 1},
        secret_ref="tawasul",
        **extra,
    )


def test_a_delivery_is_posted_signed_and_recorded_sent(tawasul_settings, fake_tawasul):
    row = _queue(fake_tawasul)
    outcome = services.delivery_deliver(delivery_id=row.pk)
    assert outcome.status == "sent"
    row.refresh_from_db()
    assert row.state == Delivery.State.SENT and row.attempts == 1 and row.last_status_code == 200
    [received] = fake_tawasul.received
    assert received.signature_valid
    assert received.json == {"hello": "مرحبا", "n": 1}
    assert received.headers["X-HC-Delivery"] == str(row.reference)
    assert received.headers["X-HC-Event"] == "test.event"


def test_a_claimed_row_is_not_posted_twice(tawasul_settings, fake_tawasul):
    row = _queue(fake_tawasul)
    services.delivery_deliver(delivery_id=row.pk)
    assert services.delivery_deliver(delivery_id=row.pk).status == "not_claimed"
    assert len(fake_tawasul.received) == 1


def test_the_same_dedupe_key_queues_one_row(tawasul_settings, fake_tawasul):
    first = _queue(fake_tawasul, dedupe_key="k-1")
    second = _queue(fake_tawasul, dedupe_key="k-1")
    assert first.pk == second.pk
    assert Delivery.objects.count() == 1


def test_a_server_error_is_retried_with_exponential_back_off(tawasul_settings, fake_tawasul):
    tawasul_settings.HOUSING_OUTBOUND_RETRY_BASE_SECONDS = 30
    fake_tawasul.fail_next(2)
    row = _queue(fake_tawasul)
    now = timezone.now()
    first = services.delivery_deliver(delivery_id=row.pk, now=now)
    assert first.status == "retry" and first.retry_in == 30
    row.refresh_from_db()
    assert (
        row.state == Delivery.State.PENDING and row.last_status_code == 500 and row.error_code == "http_500"
    )
    # Not due yet: nothing is posted.
    assert services.delivery_deliver(delivery_id=row.pk, now=now).status == "not_claimed"
    second = services.delivery_deliver(delivery_id=row.pk, now=row.next_attempt_at)
    assert second.status == "retry" and second.retry_in == 60
    row.refresh_from_db()
    third = services.delivery_deliver(delivery_id=row.pk, now=row.next_attempt_at)
    assert third.status == "sent"
    row.refresh_from_db()
    assert row.attempts == 3 and row.state == Delivery.State.SENT
    assert [r.status for r in fake_tawasul.received] == [500, 500, 200]


def test_it_goes_to_the_dead_letters_after_the_last_attempt(tawasul_settings, fake_tawasul):
    tawasul_settings.HOUSING_OUTBOUND_MAX_ATTEMPTS = 2
    fake_tawasul.fail_next(5, status=503)
    row = _queue(fake_tawasul)
    services.delivery_deliver(delivery_id=row.pk)
    row.refresh_from_db()
    assert services.delivery_deliver(delivery_id=row.pk, now=row.next_attempt_at).status == "dead"
    row.refresh_from_db()
    assert row.state == Delivery.State.DEAD and row.dead_at is not None and "2" in row.last_error


def test_a_client_error_is_dead_at_once(tawasul_settings, fake_tawasul):
    fake_tawasul.fail_next(1, status=422)
    row = _queue(fake_tawasul)
    assert services.delivery_deliver(delivery_id=row.pk).status == "dead"
    row.refresh_from_db()
    assert row.attempts == 1 and row.last_status_code == 422


def test_an_unreachable_partner_is_retried(tawasul_settings, fake_tawasul):
    row = services.delivery_queue(
        partner="tawasul", event="e", target_url="http://127.0.0.1:9/x", payload={}, secret_ref="tawasul"
    )
    assert services.delivery_deliver(delivery_id=row.pk).status == "retry"
    row.refresh_from_db()
    assert row.error_code == "connection"


def test_no_secret_means_a_dead_letter_not_an_unsigned_post(settings, fake_tawasul):
    settings.HOUSING_INTEGRATION_SECRETS = {}
    row = _queue(fake_tawasul)
    assert services.delivery_deliver(delivery_id=row.pk).status == "dead"
    assert fake_tawasul.received == []


def test_retry_of_a_dead_letter_sends_a_new_row_and_keeps_the_old(tawasul_settings, fake_tawasul, admin_user):
    fake_tawasul.fail_next(1, status=400)
    row = _queue(fake_tawasul)
    services.delivery_deliver(delivery_id=row.pk)
    again = services.delivery_retry(delivery=row, actor=admin_user)
    assert again.replay_of_id == row.pk and again.state == Delivery.State.PENDING
    assert services.delivery_deliver(delivery_id=again.pk).status == "sent"
    row.refresh_from_db()
    assert row.state == Delivery.State.DEAD
    assert fake_tawasul.received[-1].json == row.payload


def test_a_pending_row_cannot_be_retried(tawasul_settings, fake_tawasul, admin_user):
    row = _queue(fake_tawasul)
    with pytest.raises(services.DeliveryNotRetryable):
        services.delivery_retry(delivery=row, actor=admin_user)


def test_the_admin_lists_dead_letters_and_retries_them(tawasul_settings, fake_tawasul, admin_user, client):
    fake_tawasul.fail_next(1, status=400)
    row = _queue(fake_tawasul)
    services.delivery_deliver(delivery_id=row.pk)
    client.force_login(admin_user)
    page = client.get("/admin/integrations_outbound/delivery/?dead=1")
    assert page.status_code == 200 and "test.event" in page.content.decode()
    response = client.post(
        "/admin/integrations_outbound/delivery/",
        {"action": "retry_selected", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    assert Delivery.objects.filter(replay_of=row).count() == 1


def test_the_sweep_hands_over_what_the_broker_lost_and_reclaims_stuck_claims(
    tawasul_settings, fake_tawasul, monkeypatch, django_capture_on_commit_callbacks
):
    published = []
    monkeypatch.setattr(services, "_publish", lambda ids: published.extend(ids))
    with django_capture_on_commit_callbacks(execute=True):
        lost, fresh, stuck = _queue(fake_tawasul), _queue(fake_tawasul), _queue(fake_tawasul)
    assert published == [lost.pk, fresh.pk, stuck.pk]  # handed over after commit
    published.clear()
    # Within one test transaction the hand-over above is still registered: record directly.
    monkeypatch.setattr(services, "_publish_on_commit", published.extend)
    now = timezone.now()
    Delivery.objects.filter(pk=lost.pk).update(enqueued_at=now - timedelta(minutes=5))
    Delivery.objects.filter(pk=stuck.pk).update(
        state=Delivery.State.SENDING, claimed_at=now - timedelta(hours=1), attempts=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = services.delivery_sweep(now=now)
    assert result.reclaimed == 1 and result.handed_over == 2
    assert set(published) == {lost.pk, stuck.pk} and fresh.pk not in published
    with django_capture_on_commit_callbacks(execute=True):
        again = services.delivery_sweep(now=now)
    assert again.handed_over == 0 and again.reclaimed == 0


def test_a_rolled_back_change_sends_nothing(tawasul_settings, fake_tawasul):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        _queue(fake_tawasul)
        raise RuntimeError
    assert Delivery.objects.count() == 0


def test_a_broker_outage_only_delays_a_delivery(
    tawasul_settings, fake_tawasul, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from apps.integrations.outbound.tasks import deliver

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(deliver.app.pool, "acquire", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        row = _queue(fake_tawasul)  # the change that queued it commits regardless
    assert "broker unavailable" in caplog.text
    row.refresh_from_db()
    assert row.state == Delivery.State.PENDING
    # A minute later the sweep hands it over again; once posted it is sent.
    handed = []
    monkeypatch.setattr(services, "_publish_on_commit", handed.extend)
    services.delivery_sweep(now=timezone.now() + timedelta(minutes=2))
    assert handed == [row.pk]
    assert services.delivery_deliver(delivery_id=row.pk).status == "sent"
