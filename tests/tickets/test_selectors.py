from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.errors import NotFound, ValidationFailed
from apps.tickets import search, selectors, services
from apps.tickets.models import Ticket
from apps.tickets.selectors import TicketFilters, ticket_list

from .factories import CitizenFactory

BAHRAIN = ZoneInfo("Asia/Bahrain")


def _numbers(page):
    return [t.review_number for t in page.items]


def test_an_agent_sees_every_departments_tickets(make_ticket, agent, department, other_department):
    a, b = make_ticket(department=department), make_ticket(department=other_department)
    assert set(selectors.visible_tickets(agent)) == {a, b}


def test_an_officer_sees_only_their_departments_tickets(make_ticket, officer, department, other_department):
    mine, theirs = make_ticket(department=department), make_ticket(department=other_department)
    assert list(selectors.visible_tickets(officer)) == [mine]
    with pytest.raises(NotFound):
        selectors.ticket_get(viewer=officer, pk=theirs.pk)
    assert _numbers(ticket_list(viewer=officer, filters=TicketFilters())) == [mine.review_number]


@pytest.mark.parametrize("persona", ["secretary", "member", "outsider"])
def test_people_without_the_permission_see_no_ticket(request, ticket, persona):
    viewer = request.getfixturevalue(persona)
    assert not selectors.visible_tickets(viewer).exists()
    with pytest.raises(NotFound):
        selectors.ticket_get(viewer=viewer, pk=ticket.pk)


def test_a_ticket_is_found_by_its_typed_review_number(ticket, agent):
    typed = ticket.review_number.replace("-", " ").translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert selectors.ticket_get(viewer=agent, review_number=typed) == ticket


@pytest.mark.parametrize(
    "filters, expected",
    [
        (lambda c: TicketFilters(kind="maintenance"), {"m"}),
        (lambda c: TicketFilters(channel="web"), {"w"}),
        (lambda c: TicketFilters(status=["acknowledged"]), {"a"}),
        (lambda c: TicketFilters(category=c["category"]), {"c"}),
        (lambda c: TicketFilters(category=c["category"].parent), {"c"}),
        (lambda c: TicketFilters(department=c["department"]), {"c"}),
        (lambda c: TicketFilters(assignee=c["agent"]), {"w"}),
        (lambda c: TicketFilters(received_from=date(2026, 3, 2), received_to=date(2026, 3, 2)), {"a"}),
        (lambda c: TicketFilters(kind="complaint", status=["new"]), {"c", "p", "w"}),
    ],
)
def test_the_list_filters(make_ticket, agent, category, department, filters, expected):
    day = datetime(2026, 3, 1, 10, tzinfo=BAHRAIN)
    made = {
        "m": make_ticket(kind="maintenance", now=day),
        "w": make_ticket(channel="web", now=day),
        "a": make_ticket(now=day + timedelta(days=1)),
        "c": make_ticket(category=category, now=day),
        "p": make_ticket(now=day - timedelta(days=5)),
    }
    services.ticket_transition(ticket=made["a"], to_status="acknowledged", actor=agent)
    services.ticket_assign(ticket=made["w"], assignee=agent, actor=agent)
    context = {"category": category, "department": department, "agent": agent}
    page = ticket_list(viewer=agent, filters=filters(context))
    assert {key for key, t in made.items() if t in page.items} == expected


def test_pages_follow_each_other_without_overlap_or_gap(make_ticket, agent):
    start = datetime(2026, 5, 1, 9, tzinfo=BAHRAIN)
    # Three tickets share one timestamp, so the cursor must break ties by id.
    stamps = [start, start, start] + [start + timedelta(minutes=i) for i in range(1, 5)]
    made = [make_ticket(now=when) for when in stamps]
    seen, cursor = [], None
    while True:
        page = ticket_list(viewer=agent, filters=TicketFilters(), cursor=cursor, page_size=3)
        seen += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 7
    assert seen == sorted(made, key=lambda t: (t.received_at, t.pk), reverse=True)


@pytest.mark.parametrize("sort", ["", "oldest", "updated"])
def test_the_unfiltered_list_pages_as_a_filtered_list_that_keeps_every_row(
    make_ticket, agent, officer, department, sort
):
    # The unfiltered list runs a query compiled once per thread; a filter builds its own.
    start = datetime(2026, 5, 1, 9, tzinfo=BAHRAIN)
    for i, when in enumerate([start, start, start] + [start + timedelta(minutes=m) for m in range(1, 5)]):
        make_ticket(now=when, department=department if i % 2 else None)

    def pages(viewer, filters):
        seen, cursor = [], None
        while True:
            page = ticket_list(viewer=viewer, filters=filters, cursor=cursor, page_size=2)
            seen += [t.pk for t in page.items]
            cursor = page.next_cursor
            if cursor is None:
                return seen

    for viewer, expected in ((agent, 7), (officer, 3)):
        everything = pages(viewer, TicketFilters(sort=sort))
        assert len(everything) == len(set(everything)) == expected
        assert everything == pages(viewer, TicketFilters(sort=sort, received_from=date(2026, 1, 1)))


def test_the_list_never_counts(make_ticket, agent):
    make_ticket()
    with CaptureQueriesContext(connection) as queries:
        ticket_list(viewer=agent, filters=TicketFilters(kind="complaint"))
    # The page itself, then the rows' SLA badges (their clocks; their pauses when they have clocks).
    assert len(queries) <= 3
    for query in queries:
        assert "COUNT(" not in query["sql"].upper() and "OFFSET" not in query["sql"].upper()


def test_a_broken_cursor_is_refused(agent):
    with pytest.raises(ValidationFailed):
        ticket_list(viewer=agent, filters=TicketFilters(), cursor="not-a-cursor")


@pytest.mark.parametrize(
    "stored, typed",
    [
        ("طلب إسكاني متأخر", "اسكاني"),
        ("أرغب في الاستفسار", "ارغب"),
        ("مشكلة في الشقة", "الشقه"),
        ("تسرب في المبنى", "المبني"),
        ("مسؤول الصيانة", "مسوول"),
        ("طارئ جداً", "طاري"),
        ("Water LEAK in the kitchen", "leak kitchen"),
        ("الكهرباء مقطوعة", "الكهربـــاء"),
        ("رقم الطلب ١٢٣٤٥", "12345"),
    ],
)
def test_free_text_search_folds_arabic_letter_variants(make_ticket, agent, stored, typed):
    wanted = make_ticket(subject="بلاغ", description=stored)
    make_ticket(subject="بلاغ", description="موضوع آخر تماما")
    assert ticket_list(viewer=agent, filters=TicketFilters(q=typed)).items == [wanted]


def test_every_search_word_must_match(make_ticket, agent):
    both = make_ticket(subject="تسرب المياه", description="في المطبخ")
    make_ticket(subject="تسرب المياه", description="في الحمام")
    assert ticket_list(viewer=agent, filters=TicketFilters(q="المياه المطبخ")).items == [both]


def test_the_search_box_finds_a_review_number_or_external_reference(make_ticket, agent):
    ticket = make_ticket(external_reference="TW-2026-1188")
    make_ticket()
    assert ticket_list(
        viewer=agent, filters=TicketFilters(q=ticket.review_number.replace("-", ""))
    ).items == [ticket]
    assert ticket_list(viewer=agent, filters=TicketFilters(q="TW-2026-1188")).items == [ticket]


def test_the_stored_column_folds_exactly_like_the_query(make_ticket):
    text = "أإآٱ ى ی ئ ة ؤ ک ٠١٢ ۳۴ مُحَمَّد ـــ ء Hello"
    ticket = make_ticket(subject="S", description=text)
    stored = Ticket.objects.values_list("search_text", flat=True).get(pk=ticket.pk)
    assert stored == search.normalize_text("S " + text)


def test_my_work_is_my_open_assigned_tickets(make_ticket, agent, supervisor):
    mine, done, other = make_ticket(), make_ticket(), make_ticket()
    for ticket in (mine, done):
        services.ticket_assign(ticket=ticket, assignee=agent, actor=supervisor)
    services.ticket_assign(ticket=other, assignee=supervisor, actor=supervisor)
    Ticket.objects.filter(pk=done.pk).update(status="closed", closed_at=timezone.now())
    assert selectors.my_work(viewer=agent).items == [mine]


def test_the_department_queue_is_its_unassigned_open_tickets(make_ticket, officer, department):
    waiting = make_ticket(department=department)
    taken = make_ticket(department=department)
    services.ticket_assign(ticket=taken, assignee=officer, actor=officer)
    assert selectors.department_queue(viewer=officer).items == [waiting]


def test_tickets_of_one_citizen(make_ticket, agent):
    someone = CitizenFactory()
    theirs = make_ticket(citizen=someone)
    make_ticket()
    assert ticket_list(viewer=agent, filters=TicketFilters(citizen_id=someone.pk)).items == [theirs]
