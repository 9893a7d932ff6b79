"""Prepared queries (apps/core/prepared.py): compiled once, they give what the queryset gives."""

import threading

import pytest
from django.db.models import Count, F, OuterRef, Subquery
from django.test.utils import CaptureQueriesContext

from apps.core.prepared import PreparedQuery
from apps.tickets.models import Category, Ticket, TicketEvent

from ..tickets.factories import CategoryFactory, CitizenFactory, TicketFactory


def _tickets(citizen_id: int, kind: str):
    newest = TicketEvent.objects.filter(ticket_id=OuterRef("pk")).order_by("-at").values("kind")[:1]
    return (
        Ticket.objects.filter(citizen_id=citizen_id, kind=kind)
        .annotate(last_event=Subquery(newest), event_count=Count("events"))
        .select_related("category__parent", "citizen")
        .defer("description")
        .order_by("id")
    )


@pytest.fixture
def tickets(agent):
    parent = CategoryFactory(code="housing", name_ar="إسكان", name_en="Housing")
    child = CategoryFactory(code="delay", name_ar="تأخر", name_en="Delay", parent=parent)
    first, second = CitizenFactory(), CitizenFactory()
    made = [
        TicketFactory(actor=agent, citizen=first, kind="complaint", category=child),
        TicketFactory(actor=agent, citizen=first, kind="complaint"),
        TicketFactory(actor=agent, citizen=first, kind="inquiry"),
        TicketFactory(actor=agent, citizen=second, kind="complaint"),
    ]
    return first, second, made


def _same(a: Ticket, b: Ticket) -> None:
    assert (a.pk, a.review_number, a.last_event, a.event_count) == (
        b.pk,
        b.review_number,
        b.last_event,
        b.event_count,
    )
    assert a.category_id == b.category_id and a.citizen.cpr == b.citizen.cpr
    if a.category_id:
        assert a.category.parent.name_en == b.category.parent.name_en == "Housing"
    assert a.get_deferred_fields() == b.get_deferred_fields() == {"description"}


def test_model_instances_with_relations_and_annotations_as_the_queryset_gives(
    tickets, django_assert_num_queries
):
    first, second, _made = tickets
    prepared = PreparedQuery("test.tickets", _tickets, citizen_id=int, kind=str)
    for citizen, kind, count in ((first, "complaint", 2), (first, "inquiry", 1), (second, "complaint", 1)):
        expected = list(_tickets(citizen.pk, kind))
        with django_assert_num_queries(1):
            got = prepared.run(citizen_id=citizen.pk, kind=kind)
            for ticket in got:  # the related rows came with it
                ticket.category and ticket.category.parent  # noqa: B018
        assert len(got) == len(expected) == count
        for a, b in zip(got, expected, strict=True):
            _same(a, b)
    assert prepared.run(citizen_id=second.pk, kind="suggestion") == []


def test_the_sql_is_compiled_once_per_thread(tickets):
    first, _second, _made = tickets
    calls = []

    def build(citizen_id):
        calls.append(threading.get_ident())
        return Ticket.objects.filter(citizen_id=citizen_id).order_by("id")

    prepared = PreparedQuery("test.once", build, citizen_id=int)
    for _ in range(3):
        prepared.run(citizen_id=first.pk)
    assert calls == [threading.get_ident()]


def test_values_and_unions(tickets):
    first, second, made = tickets

    def build(citizen_id, other):
        mine = Ticket.objects.filter(citizen_id=citizen_id).annotate(n=F("id")).values("n", "kind")
        theirs = Ticket.objects.filter(citizen_id=other).annotate(n=F("id")).values("n", "kind")
        return mine.union(theirs, all=True)

    prepared = PreparedQuery("test.union", build, citizen_id=int, other=int)
    rows = prepared.run(citizen_id=first.pk, other=second.pk)
    assert sorted(r["n"] for r in rows) == sorted(t.pk for t in made)
    assert sorted(r["n"] for r in prepared.run(citizen_id=second.pk, other=second.pk)) == [made[3].pk] * 2


def test_the_query_it_sends_is_the_querysets_with_server_side_binding(tickets):
    from django.db import connection

    first, _second, _made = tickets
    prepared = PreparedQuery("test.sql", _tickets, citizen_id=int, kind=str)
    with CaptureQueriesContext(connection) as ours:
        for _ in range(6):
            assert len(prepared.run(citizen_id=first.pk, kind="complaint")) == 2
    sql, params = _tickets(first.pk, "complaint").query.get_compiler("default").as_sql()
    numbered = sql
    for n in range(1, len(params) + 1):
        numbered = numbered.replace("%s", f"${n}", 1)
    assert {q["sql"] for q in ours.captured_queries} == {numbered}
    assert len(ours.captured_queries) == 6
    # And PostgreSQL holds it prepared on this connection, run from the second time on
    # (Django's own connections never prepare: prepare_threshold=None).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements WHERE statement = %s",
            [numbered],
        )
        assert cursor.fetchall() == [(5,)]


def test_the_other_statements_stay_unprepared(tickets):
    from django.db import connection

    first, _second, _made = tickets
    prepared = PreparedQuery("test.alone", _tickets, citizen_id=int, kind=str)
    prepared.run(citizen_id=first.pk, kind="complaint")
    for _ in range(3):
        list(_tickets(first.pk, "inquiry"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%inquiry%%'")
        assert cursor.fetchone() == (0,)


def test_what_cannot_be_prepared_is_refused(tickets):
    first, _second, _made = tickets
    with pytest.raises(TypeError, match="int or str"):
        PreparedQuery("test.float", lambda x: Ticket.objects.all(), x=float)
    prefetching = PreparedQuery(
        "test.prefetch",
        lambda citizen_id: Ticket.objects.filter(citizen_id=citizen_id).prefetch_related("events"),
        citizen_id=int,
    )
    with pytest.raises(TypeError, match="cannot prefetch"):
        prefetching.run(citizen_id=first.pk)
    # A text the field changes on its way to the database (here: for a LIKE) never reaches
    # the SQL as given (it is wrapped in %…%); preparing it would send the wrong value.
    converted = PreparedQuery(
        "test.upper", lambda code: Category.objects.filter(code__contains=code), code=str
    )
    with pytest.raises(TypeError, match="did not reach the SQL"):
        converted.run(code="x")
    plain = PreparedQuery(
        "test.types", lambda citizen_id: Ticket.objects.filter(citizen_id=citizen_id), citizen_id=int
    )
    with pytest.raises(TypeError, match="must be int"):
        plain.run(citizen_id=str(first.pk))
    with pytest.raises(TypeError, match="give exactly"):
        plain.run()
