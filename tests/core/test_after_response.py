"""Work left for after the answer (apps/core/after_response.py): it runs when the server
closes the response, not before; outside a request, at once; one failure stops nothing."""

from __future__ import annotations

import json
import logging

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework.authtoken.models import Token

from apps.core.after_response import AfterResponseMiddleware, after_response, hand_over_on_commit
from apps.notifications import services as notification_services
from apps.notifications.models import Notification
from apps.tickets.models import Ticket

from ..tickets.factories import CitizenFactory

# Closing a response sends ``request_finished``, whose receivers touch the database
# connection (Django closes an outdated one).
pytestmark = pytest.mark.django_db


def _request():
    return RequestFactory().get("/")


def test_the_work_runs_when_the_response_is_closed_not_before():
    ran = []

    def view(request):
        assert after_response(lambda: ran.append("first"))
        assert after_response(lambda: ran.append("second"))
        return HttpResponse("the answer")

    response = AfterResponseMiddleware(view)(_request())
    assert ran == []  # the answer is built, not yet sent
    assert response.content == b"the answer"
    response.close()  # what the WSGI server does once the body has gone
    assert ran == ["first", "second"]


def test_outside_a_request_the_caller_is_told_to_do_the_work_itself():
    assert after_response(lambda: None) is False
    AfterResponseMiddleware(lambda request: HttpResponse())(_request()).close()
    assert after_response(lambda: None) is False  # the scope ends with the request


def test_one_failing_callback_is_logged_and_the_next_still_runs(caplog):
    ran = []

    def view(request):
        after_response(lambda: 1 / 0)
        after_response(lambda: ran.append("after the failure"))
        return HttpResponse()

    with caplog.at_level(logging.ERROR, logger="apps.core.after_response"):
        AfterResponseMiddleware(view)(_request()).close()
    assert ran == ["after the failure"]
    assert "ZeroDivisionError" in caplog.text


def test_a_request_that_raises_past_every_middleware_still_runs_its_work():
    ran = []

    def view(request):
        after_response(lambda: ran.append("ran"))
        raise RuntimeError("broken")

    with pytest.raises(RuntimeError):
        AfterResponseMiddleware(view)(_request())
    assert ran == ["ran"]
    assert after_response(lambda: None) is False


@pytest.mark.django_db(transaction=True)
def test_a_new_tickets_acknowledgement_goes_to_celery_after_the_answer_has_gone(agent, monkeypatch):
    """Through the whole stack as the WSGI server runs it: the ticket and its outbox row are
    committed when the answer is returned; the hand-over to Celery waits for the close."""
    published: list[int] = []
    monkeypatch.setattr(notification_services, "_publish", lambda ids: published.extend(ids))
    citizen = CitizenFactory(phones=["3600 1200"])
    token = Token.objects.create(user=agent)
    body = {"kind": "inquiry", "channel": "phone", "subject": "موعد", "description": "متى الموعد؟"}
    environ = (
        RequestFactory()
        .post(
            "/api/v1/tickets/",
            json.dumps({**body, "citizen": citizen.pk}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token.key}",
            SERVER_NAME="testserver",
        )
        .environ
    )
    statuses = []
    result = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    answer = json.loads(b"".join(result))
    assert statuses == ["201 Created"]
    assert Ticket.objects.filter(review_number=answer["review_number"]).exists()
    notices = list(Notification.objects.values_list("pk", flat=True))  # the acknowledgement
    assert notices  # committed with the ticket, before the answer
    assert published == []  # the body is written; the server has not closed it yet
    result.close()
    assert published == notices


def test_one_hand_over_per_outbox_and_transaction(django_capture_on_commit_callbacks):
    """Each outbox's ids of one transaction travel together; two outboxes' stay apart."""
    sms, partners = [], []

    def publish_sms(ids):
        sms.append(list(ids))

    def publish_partners(ids):
        partners.append(list(ids))

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        hand_over_on_commit([1, 2], publish_sms)
        hand_over_on_commit([7], publish_partners)
        hand_over_on_commit([3], publish_sms)
        hand_over_on_commit([], publish_partners)  # nothing to hand over: no callback
    assert sms == [[1, 2, 3]] and partners == [[7]]
