"""Rows of several models in one statement (apps/core/inserts.py)."""

import pytest
from django.db.models import signals
from django.utils import timezone

from apps.citizens.models import CitizenPhone
from apps.core import inserts
from apps.core.history import history_door
from apps.privacy.history.models import Change
from apps.sla.models import Clock
from apps.tickets.models import Ticket, TicketEvent

from ..tickets.factories import CitizenFactory

pytestmark = pytest.mark.django_db


def _ticket_id():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {inserts.id_sequence_sql(Ticket)}")
        return cursor.fetchone()[0]


def _ticket(citizen, pk=None, number="2026-900001-0"):
    return Ticket(
        id=pk,
        review_number=number,
        kind="complaint",
        channel="phone",
        subject="انقطاع المياه",
        description="في الوحدة السكنية",
        citizen=citizen,
        received_at=timezone.now(),
    )


def _clocks(ticket, n):
    now = timezone.now()
    return [
        Clock(ticket=ticket, target=target, cycle=1, value=1, unit="hours", started_at=now, due_at=now)
        for target in ("acknowledgement", "first_response", "resolution")[:n]
    ]


@pytest.fixture(autouse=True)
def _triggers_read():
    """Which tables have insert triggers is read once per process: read before counting."""
    from django.db import connection

    inserts._tables_with_insert_triggers(connection)


def test_a_ticket_its_clocks_and_its_event_in_one_statement(django_assert_num_queries):
    citizen = CitizenFactory()
    ticket = _ticket(citizen, pk=_ticket_id())
    clocks = _clocks(ticket, 3)
    event = TicketEvent(ticket=ticket, kind=TicketEvent.Kind.CREATED, at=ticket.received_at)
    with history_door("api"), django_assert_num_queries(1) as sent:
        inserts.insert_together([ticket], clocks, [event])
    # No trigger watches these tables' inserts: the statement goes alone, with no history
    # context before it, and is prepared.
    [statement] = sent.captured_queries
    assert statement["sql"].startswith("WITH ") and "set_config" not in statement["sql"]
    # What save() gives back: the ids, the generated column, the state of a saved object.
    stored = Ticket.objects.get(pk=ticket.pk)
    assert ticket.search_text == stored.search_text and "انقطاع" in ticket.search_text
    assert not ticket._state.adding and ticket._state.db == "default"
    assert [c.pk for c in clocks] == list(
        Clock.objects.filter(ticket=stored).order_by("pk").values_list("pk", flat=True)
    )
    assert [c.target for c in Clock.objects.filter(ticket=stored).order_by("pk")] == [
        c.target for c in clocks
    ]
    assert TicketEvent.objects.get(pk=event.pk).kind == "created"
    assert stored.created_at is not None and stored.created_at == ticket.created_at


def test_the_signals_save_would_send_for_the_models_named(django_assert_num_queries):
    citizen = CitizenFactory()
    ticket = _ticket(citizen, pk=_ticket_id())
    event = TicketEvent(ticket=ticket, kind=TicketEvent.Kind.CREATED, at=ticket.received_at)
    heard = []

    def pre(sender, instance, **kwargs):
        heard.append(("pre", sender.__name__, instance.pk is None or instance._state.adding))

    def post(sender, instance, created, **kwargs):
        heard.append(("post", sender.__name__, created and instance.pk is not None))

    signals.pre_save.connect(pre)
    signals.post_save.connect(post)
    try:
        inserts.insert_together([ticket], _clocks(ticket, 2), [event], signals_for=(TicketEvent,))
    finally:
        signals.pre_save.disconnect(pre)
        signals.post_save.disconnect(post)
    assert heard == [("pre", "TicketEvent", True), ("post", "TicketEvent", True)]


def test_groups_it_cannot_write_together_are_refused():
    citizen = CitizenFactory()
    with pytest.raises(TypeError, match="one concrete model"):
        inserts.insert_together([_ticket(citizen), TicketEvent(kind="created")])
    with_id = _ticket(citizen, pk=_ticket_id())
    without = _ticket(citizen, number="2026-900002-1")
    with pytest.raises(TypeError, match="with its id, or none"):
        inserts.insert_together([with_id, without])
    assert not Ticket.objects.filter(review_number__in=["2026-900001-0", "2026-900002-1"]).exists()
    inserts.insert_together()  # nothing to write: no statement


def test_a_table_whose_inserts_are_recorded_gets_the_history_context(django_assert_num_queries, agent):
    """Citizens' phones are in the change history from their insert on: the statement carries
    pghistory's context, and the history row says through which door and by whom."""
    citizen = CitizenFactory()
    phone = CitizenPhone(citizen=citizen, number="+97336001299")
    with history_door("api", actor=agent), django_assert_num_queries(1) as sent:
        inserts.insert_together([phone])
    assert "set_config('pghistory.context_id'" in sent.captured_queries[0]["sql"]
    change = Change.objects.get(model="citizens.citizenphone", object_id=str(phone.pk), action="insert")
    assert change.door == "api" and change.actor_id == agent.pk
