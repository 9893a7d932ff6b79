"""The timeline's first page goes through a union compiled once per shape
(apps/citizens/timeline.py, ``_first_page``): it must give exactly what the ORM-built union
gives, for every viewer and citizen, with this request's own filters every time."""

import datetime as dt

import pytest

from apps.citizens import services as citizen_services
from apps.citizens import timeline
from apps.contacts.models import Contact, FollowUp
from tests.contacts.factories import ContactFactory

BASE = dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)


def at(minutes):
    return BASE + dt.timedelta(minutes=minutes)


@pytest.fixture
def second_citizen(agent):
    return citizen_services.citizen_create(
        cpr="900101234", name_ar="سارة حسن", name_en="Sara Hasan", phones=["3900 5678"], actor=agent
    )


@pytest.fixture
def two_histories(citizen, second_citizen, department):
    ContactFactory(citizen=citizen, offered_at=at(10), notes="first's call")
    referred = ContactFactory(citizen=citizen, offered_at=at(20), outcome="referred", department=department)
    FollowUp.objects.create(contact=referred, citizen=citizen, department=department, due_at=at(9000))
    for minutes in (5, 15, 25):
        ContactFactory(citizen=second_citizen, offered_at=at(minutes), notes=f"second's call {minutes}")
    return citizen, second_citizen


def _parts(citizen, viewer):
    parts = []
    for kind, source in timeline._SOURCES.items():
        if isinstance(source, timeline.QuerySource):
            rows = source.rows(citizen=citizen, viewer=viewer)
            if rows is not None:
                parts.append((kind, source, rows))
    return parts


def _built_by_the_orm(parts, limit):
    branches = [timeline._branch(kind, source, rows, None, limit) for kind, source, rows in parts]
    return list(timeline._union(branches, limit))


@pytest.fixture
def compiles(monkeypatch):
    """How many times the union was compiled (each new shape once per thread)."""
    monkeypatch.setattr(timeline._compiled, "connection", None, raising=False)  # a fresh cache
    calls = []
    compile_ = timeline._compile

    def counting(*args, **kwargs):
        calls.append(args)
        return compile_(*args, **kwargs)

    monkeypatch.setattr(timeline, "_compile", counting)
    return calls


@pytest.mark.parametrize("viewer_name", ["agent", "supervisor", "officer", "senior"])
def test_the_compiled_first_page_gives_the_rows_the_orm_gives_for_each_viewer(
    two_histories, viewer_name, request, compiles
):
    viewer = request.getfixturevalue(viewer_name)
    for citizen in two_histories:
        parts = _parts(citizen, viewer)
        assert timeline._first_page(parts, 21) == _built_by_the_orm(parts, 21)
        assert timeline._first_page(parts, 3) == _built_by_the_orm(parts, 3)


def test_a_shape_compiled_for_one_citizen_answers_for_the_next_with_the_nexts_rows(
    two_histories, agent, compiles
):
    first, second = two_histories
    one = timeline.citizen_timeline(citizen=first, viewer=agent)
    other = timeline.citizen_timeline(citizen=second, viewer=agent)
    again = timeline.citizen_timeline(citizen=first, viewer=agent)
    assert len(compiles) == 1  # the same shape: compiled once
    shown = {e.id for e in other.entries if e.kind == "contact"}
    assert shown == set(Contact.objects.filter(citizen=second).values_list("pk", flat=True))
    assert {e.kind for e in one.entries} >= {"contact", "follow_up"}
    assert [(e.kind, e.id) for e in again.entries] == [(e.kind, e.id) for e in one.entries]


def test_each_viewers_filters_make_a_shape_of_their_own(two_histories, agent, officer, compiles):
    citizen, _second = two_histories
    timeline.citizen_timeline(citizen=citizen, viewer=agent)
    timeline.citizen_timeline(citizen=citizen, viewer=officer)  # another scope, other filters
    timeline.citizen_timeline(citizen=citizen, viewer=agent)
    assert len(compiles) == 2
    shapes = timeline._compiled.shapes
    assert len(shapes) == len(compiles)


def test_a_source_whose_rows_join_another_table_sends_the_page_the_orm_way(two_histories, agent, compiles):
    citizen, _second = two_histories
    joined = timeline.QuerySource(
        kind="joined",
        rows=lambda *, citizen, viewer: Contact.objects.filter(citizen__cpr=citizen.cpr),
        at_field="offered_at",
        entry=lambda row, viewer=None: timeline.TimelineEntry(
            at=row.offered_at, kind="joined", id=row.pk, kind_label="Joined", title=row.notes
        ),
    )
    assert timeline._filter_of(joined.rows(citizen=citizen, viewer=agent)) is timeline._UNSUPPORTED
    timeline.register("joined", joined)
    try:
        page = timeline.citizen_timeline(citizen=citizen, viewer=agent)
    finally:
        timeline._SOURCES.pop("joined")
    assert compiles == []
    expected = Contact.objects.filter(citizen=citizen).order_by("-offered_at").values_list("notes", flat=True)
    assert [e.title for e in page.entries if e.kind == "joined"] == list(expected)


def test_a_later_page_is_built_by_the_orm_and_follows_the_compiled_first(two_histories, agent, compiles):
    citizen, _second = two_histories
    first = timeline.citizen_timeline(citizen=citizen, viewer=agent, limit=2)
    rest = timeline.citizen_timeline(citizen=citizen, viewer=agent, before=first.next_cursor, limit=50)
    whole = timeline.citizen_timeline(citizen=citizen, viewer=agent, limit=50)
    assert [(e.kind, e.id) for e in first.entries + rest.entries] == [(e.kind, e.id) for e in whole.entries]
    assert len(compiles) == 2  # the pages of 2 and of 50: two shapes; the cursor's page none


def test_rows_with_nothing_to_show_leave_their_branch_out(two_histories, agent, compiles):
    citizen, _second = two_histories
    empty = timeline.QuerySource(
        kind="nothing",
        rows=lambda *, citizen, viewer: Contact.objects.none(),
        at_field="offered_at",
        entry=lambda row, viewer=None: None,
    )
    assert timeline._filter_of(empty.rows(citizen=citizen, viewer=agent)) is None
    timeline.register("nothing", empty)
    try:
        page = timeline.citizen_timeline(citizen=citizen, viewer=agent)
    finally:
        timeline._SOURCES.pop("nothing")
    assert "nothing" not in {e.kind for e in page.entries}
    assert len(compiles) == 1


def test_a_source_registered_again_under_its_kind_is_a_shape_of_its_own(two_histories, agent, compiles):
    citizen, _second = two_histories
    timeline.citizen_timeline(citizen=citizen, viewer=agent)
    original = timeline._SOURCES["callback"]
    by_due_time = timeline.QuerySource(
        kind="callback", rows=original.rows, at_field="due_at", related=original.related, entry=original.entry
    )
    timeline.register("callback", by_due_time)
    try:
        timeline.citizen_timeline(citizen=citizen, viewer=agent)
    finally:
        timeline.register("callback", original)
    assert len(compiles) == 2
