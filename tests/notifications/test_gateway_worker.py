"""Provider errors through a real worker and a real HTTP gateway (a stub on localhost):
time-outs are retried with back-off, permanent refusals are not, and nothing forever."""

import uuid

import pytest

from apps.notifications.choices import State
from apps.notifications.models import Notification
from apps.notifications.tasks import deliver

from .conftest import GatewayStub, Worker, wait_for
from .factories import NotificationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def module_gateway():
    stub = GatewayStub().start()
    yield stub
    stub.stop()


@pytest.fixture
def gateway(module_gateway):
    module_gateway.mode, module_gateway.script, module_gateway.requests = "ok", [], []
    return module_gateway


@pytest.fixture(scope="module")
def gateway_worker(django_db_setup, module_gateway, worker_dir):
    queue = f"gateway-{uuid.uuid4().hex[:8]}"
    worker = Worker(
        "gateway",
        directory=worker_dir,
        queue=queue,
        HOUSING_SMS_BACKEND="apps.notifications.backends.http.HttpSmsBackend",
        HOUSING_SMS_URL=module_gateway.url,
        HOUSING_SMS_API_TOKEN="test-token",
        HOUSING_SMS_TIMEOUT_SECONDS=0.5,
        HOUSING_NOTIFY_RETRY_BASE_SECONDS=1,
        HOUSING_NOTIFY_RETRY_MAX_SECONDS=2,
        HOUSING_NOTIFY_MAX_ATTEMPTS=3,
    ).start()
    worker.queue = queue
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()


def _final(pk):
    return Notification.objects.filter(pk=pk, state__in=[State.SENT, State.FAILED]).first()


def test_a_provider_timeout_is_retried_after_a_back_off(gateway, gateway_worker):
    gateway.script = ["hang"]  # the first request gets no answer; the next one is accepted
    row = NotificationFactory()

    deliver.apply_async((row.pk,), queue=gateway_worker.queue)
    done = wait_for(lambda: _final(row.pk), message="delivery after a retry")

    assert done.state == State.SENT
    assert done.attempts == 2
    assert done.provider_message_id == "gw-2"
    first, second = gateway.requests
    assert first["payload"]["reference"] == second["payload"]["reference"] == str(row.reference)
    # 0.5 s time-out, then a back-off of 1 s before the second attempt.
    assert second["at"] - first["at"] >= 1.4


def test_a_permanent_provider_error_is_recorded_and_not_retried(gateway, gateway_worker):
    gateway.mode = "reject400"
    row = NotificationFactory()

    deliver.apply_async((row.pk,), queue=gateway_worker.queue)
    done = wait_for(lambda: _final(row.pk), message="the failure")

    assert done.state == State.FAILED
    assert done.attempts == 1
    assert done.error_code == "http_400"
    assert "destination not allowed" in done.last_error
    assert done.failed_at is not None
    assert len(gateway.requests) == 1


def test_a_provider_that_keeps_failing_is_given_up_after_the_last_attempt(gateway, gateway_worker):
    gateway.mode = "error500"
    row = NotificationFactory()

    deliver.apply_async((row.pk,), queue=gateway_worker.queue)
    done = wait_for(lambda: _final(row.pk), timeout=40, message="giving up")

    assert done.state == State.FAILED
    assert done.attempts == 3
    assert done.error_code == "http_503"
    assert "3" in done.last_error and "temporarily unavailable" in done.last_error
    assert len(gateway.requests) == 3
