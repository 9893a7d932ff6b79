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


def _columns(
    obj, leave=("id", "review_number", "created_at", "updated_at", "search_text", "ticket_id", "reference")
):
    from django.forms.models import model_to_dict  # noqa: F401  (the row as read back, every column)

    stored = type(obj).objects.filter(pk=obj.pk).values()[0]
    return {k: v for k, v in stored.items() if k not in leave}


def test_the_rows_travel_as_json_and_read_back_as_the_values_statement_writes_them(monkeypatch, agent):
    """Each group is one JSON parameter (its statement the same text every time, so prepared
    and parsed once); what PostgreSQL stores is what Django's compiler, a parameter per
    value, stores: Arabic with quotes, backslashes and new lines, decimals, intervals (a
    negative one too), UUIDs, nested JSON, empty and null values."""
    from datetime import timedelta
    from decimal import Decimal

    from apps.notifications.models import Notification

    citizen, moment = CitizenFactory(), timezone.now()  # with its microseconds
    text = 'تسرب "مياه" \\ في\nالمطبخ ✓ \u200f'

    def rows(number):
        ticket = _ticket(citizen, pk=_ticket_id(), number=number)
        ticket.description, ticket.latitude, ticket.longitude = text, Decimal("26.123456"), Decimal("-50.5")
        ticket.created_by, ticket.address, ticket.received_at = agent, "طريق 12\\3", moment
        clocks = _clocks(ticket, 2)
        for clock in clocks:
            clock.started_at = clock.due_at = moment
        clocks[0].extra_allowance = timedelta(days=2, hours=3, microseconds=5)
        clocks[1].extra_allowance = timedelta(hours=-5)
        event = TicketEvent(ticket=ticket, kind=TicketEvent.Kind.CREATED, at=ticket.received_at, body=text)
        event.details = {"من": ["أ", 1, 2.5, None, True], "nested": {"x": "\\"}}
        notice = Notification(
            event="ticket.created",
            channel="sms",
            audience="citizen",
            language="ar",
            to_phone="+97336001200",
            body=text,
            context={"review_number": number, "الاسم": "نورة"},
            send_after=ticket.received_at,
        )
        return ticket, clocks, event, notice

    sent, as_json_statement = [], inserts._as_json

    def capture(groups, *args):
        statement = as_json_statement(groups, *args)
        sent.append(statement)
        return statement

    monkeypatch.setattr(inserts, "_as_json", capture)
    as_json = rows("2026-900011-0")
    inserts.insert_together([as_json[0]], as_json[1], [as_json[2]], [as_json[3]])
    [(sql, params)] = sent
    assert "json_populate_recordset" in sql and len(params) == 4 and "VALUES" not in sql

    monkeypatch.setattr(inserts, "_as_json", lambda *args: None)  # Django's compiler instead
    as_values = rows("2026-900012-0")
    inserts.insert_together([as_values[0]], as_values[1], [as_values[2]], [as_values[3]])

    for one, other in zip(
        as_json[:1] + tuple(as_json[1]) + as_json[2:],
        as_values[:1] + tuple(as_values[1]) + as_values[2:],
        strict=True,
    ):
        leave = (
            "id",
            "review_number",
            "created_at",
            "updated_at",
            "search_text",
            "ticket_id",
            "reference",
            "context",
        )
        assert _columns(one, leave) == _columns(other, leave), type(one).__name__
    assert Ticket.objects.get(pk=as_json[0].pk).description == text
    stored_clocks = Clock.objects.filter(ticket_id=as_json[0].pk).order_by("pk")
    assert [c.extra_allowance for c in stored_clocks] == [
        timedelta(days=2, hours=3, microseconds=5),
        timedelta(hours=-5),
    ]
    assert Notification.objects.get(pk=as_json[3].pk).context == {
        "review_number": "2026-900011-0",
        "الاسم": "نورة",
    }
    assert TicketEvent.objects.get(pk=as_json[2].pk).details == {
        "من": ["أ", 1, 2.5, None, True],
        "nested": {"x": "\\"},
    }


def test_a_value_json_cannot_carry_sends_the_statement_with_a_parameter_per_value(django_assert_num_queries):
    """An expression (here the database's clock) has no JSON form: the whole statement goes
    through Django's compiler, and the row is written all the same."""
    from django.db.models.functions import Now

    citizen = CitizenFactory()
    ticket = _ticket(citizen, pk=_ticket_id())
    ticket.received_at = Now()
    with django_assert_num_queries(1) as sent:
        inserts.insert_together([ticket], _clocks(ticket, 1))
    sql = sent.captured_queries[0]["sql"]
    assert "json_populate_recordset" not in sql and "VALUES" in sql
    assert Ticket.objects.get(pk=ticket.pk).received_at is not None
    assert Clock.objects.filter(ticket_id=ticket.pk).count() == 1


def test_a_database_default_on_every_row_is_left_to_the_column_and_on_some_rows_sends_values(
    django_assert_num_queries,
):
    """A field left at its database default is left out of the JSON statement, so the column
    fills it; when only some rows of a group leave it, the statement writes DEFAULT row by
    row (Django's compiler)."""
    from django.db.models.expressions import DatabaseDefault

    address = Ticket._meta.get_field("address")
    citizen = CitizenFactory()
    first, second = (
        _ticket(citizen, pk=_ticket_id()),
        _ticket(citizen, pk=_ticket_id(), number="2026-900003-2"),
    )
    first.address = DatabaseDefault(address._db_default_expression, output_field=address)
    second.address = DatabaseDefault(address._db_default_expression, output_field=address)
    with django_assert_num_queries(1) as sent:
        inserts.insert_together([first, second])
    sql = sent.captured_queries[0]["sql"]
    assert "json_populate_recordset" in sql and '"address"' not in sql.split("RETURNING")[0]
    assert first.address == "" and Ticket.objects.get(pk=second.pk).address == ""

    third, fourth = (
        _ticket(citizen, pk=_ticket_id(), number="2026-900004-3"),
        _ticket(citizen, pk=_ticket_id(), number="2026-900005-4"),
    )
    third.address = DatabaseDefault(address._db_default_expression, output_field=address)
    fourth.address = "طريق 5"
    with django_assert_num_queries(1) as sent:
        inserts.insert_together([third, fourth])
    assert "VALUES" in sent.captured_queries[0]["sql"]
    assert (
        Ticket.objects.get(pk=third.pk).address == "" and Ticket.objects.get(pk=fourth.pk).address == "طريق 5"
    )
