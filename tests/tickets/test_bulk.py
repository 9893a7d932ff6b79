"""Bulk actions on the staff list (apps/tickets/bulk.py): each action through the same
single-ticket service, each refusal with nothing half-done, the same events as the single
action, a cost that grows linearly, the page's bar and summary, and the API."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.errors import PermissionDenied, ValidationFailed
from apps.notifications.models import Notification
from apps.sla.models import Clock
from apps.tickets import bulk, services
from apps.tickets.models import Macro, Ticket, TicketEvent

from .factories import CitizenFactory

HX = {"HTTP_HX_REQUEST": "true"}


def _fresh(*tickets):
    return [Ticket.objects.get(pk=t.pk) for t in tickets]


def _in_progress(ticket, actor):
    services.ticket_transition(ticket=ticket, to_status="acknowledged", actor=actor)
    return services.ticket_transition(ticket=ticket, to_status="in_progress", actor=actor)


def _event_count():
    return TicketEvent.objects.count()


@pytest.fixture
def tags(supervisor):
    return (
        services.tag_save(actor=supervisor, name_ar="إسكان", name_en="Housing", colour="blue"),
        services.tag_save(actor=supervisor, name_ar="عاجل", name_en="Urgent", colour="red"),
    )


@pytest.fixture
def macro(db):
    return Macro.objects.create(
        title_ar="تم الحل",
        title_en="Solved",
        body_ar="تمت معالجة طلبكم، شكرًا لتواصلكم.",
        body_en="Your request has been dealt with; thank you for writing.",
    )


# --- each action ---------------------------------------------------------------------


def test_assign_gives_every_chosen_ticket_to_the_person(supervisor, agent, make_ticket):
    chosen = [make_ticket() for _ in range(3)]
    result = bulk.ticket_bulk_apply(
        actor=supervisor, ticket_ids=[t.pk for t in chosen], action="assign", assignee=agent
    )
    assert [i.review_number for i in result.done] == [t.review_number for t in chosen]
    assert result.skipped == []
    assert {t.assignee_id for t in _fresh(*chosen)} == {agent.pk}


def test_move_sends_the_tickets_to_the_department_and_keeps_only_its_own_people(
    supervisor, agent, officer, make_ticket, department, other_department
):
    with_agent, with_officer = (
        make_ticket(department=other_department),
        make_ticket(department=other_department),
    )
    services.ticket_assign(ticket=with_agent, actor=supervisor, assignee=agent)
    services.ticket_assign(ticket=with_officer, actor=supervisor, assignee=officer)
    result = bulk.ticket_bulk_apply(
        actor=supervisor, ticket_ids=[with_agent.pk, with_officer.pk], action="move", department=department
    )
    assert len(result.done) == 2
    with_agent, with_officer = _fresh(with_agent, with_officer)
    assert (with_agent.department_id, with_agent.assignee_id) == (department.pk, None)
    assert (with_officer.department_id, with_officer.assignee_id) == (department.pk, officer.pk)


def test_priority_changes_through_reclassification(supervisor, make_ticket):
    chosen = [make_ticket(), make_ticket()]
    result = bulk.ticket_bulk_apply(
        actor=supervisor, ticket_ids=[t.pk for t in chosen], action="priority", priority="urgent"
    )
    assert len(result.done) == 2
    assert {t.priority for t in _fresh(*chosen)} == {"urgent"}


def test_tags_are_added_and_removed(agent, make_ticket, tags):
    housing, urgent = tags
    chosen = [make_ticket(), make_ticket()]
    bulk.ticket_bulk_apply(
        actor=agent, ticket_ids=[t.pk for t in chosen], action="tags", add_tags=[housing, urgent]
    )
    result = bulk.ticket_bulk_apply(
        actor=agent, ticket_ids=[t.pk for t in chosen], action="tags", remove_tags=[urgent]
    )
    assert len(result.done) == 2
    assert all(set(t.tags.all()) == {housing} for t in chosen)


def test_a_ticket_already_so_is_reported_unchanged_and_gets_no_event(agent, supervisor, make_ticket):
    already, other = make_ticket(), make_ticket()
    services.ticket_assign(ticket=already, actor=supervisor, assignee=agent)
    before = already.events.count()
    result = bulk.ticket_bulk_apply(
        actor=supervisor, ticket_ids=[already.pk, other.pk], action="assign", assignee=agent
    )
    assert [i.review_number for i in result.done] == [other.review_number]
    assert [(i.review_number, i.code) for i in result.skipped] == [(already.review_number, "unchanged")]
    assert already.events.count() == before


def test_merge_folds_the_chosen_tickets_into_one_chosen_among_them(agent, make_ticket):
    original, first, second = make_ticket(), make_ticket(), make_ticket()
    result = bulk.ticket_bulk_apply(
        actor=agent,
        ticket_ids=[first.pk, original.pk, second.pk],
        action="merge",
        merge_into=original.review_number,
    )
    assert result.target == original.review_number
    assert [i.review_number for i in result.done] == [first.review_number, second.review_number]
    original, first, second = _fresh(original, first, second)
    assert original.status == "new" and original.duplicate_of_id is None
    assert (first.status, first.duplicate_of_id, second.duplicate_of_id) == (
        "merged",
        original.pk,
        original.pk,
    )


def test_merge_into_a_ticket_given_by_its_review_number(agent, make_ticket):
    original, duplicate = make_ticket(), make_ticket()
    arabic = original.review_number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    result = bulk.ticket_bulk_apply(actor=agent, ticket_ids=[duplicate.pk], action="merge", merge_into=arabic)
    assert len(result.done) == 1
    assert Ticket.objects.get(pk=duplicate.pk).duplicate_of_id == original.pk


def test_close_sends_the_reply_in_each_tickets_language_then_closes(agent, make_ticket, macro):
    arabic = _in_progress(make_ticket(), agent)
    english = _in_progress(make_ticket(citizen=CitizenFactory(language="en")), agent)
    result = bulk.ticket_bulk_apply(
        actor=agent, ticket_ids=[arabic.pk, english.pk], action="close", macro=macro
    )
    assert len(result.done) == 2
    for ticket, body in ((arabic, macro.body_ar), (english, macro.body_en)):
        ticket.refresh_from_db()
        assert ticket.status == "closed"
        reply = ticket.events.get(kind="public_reply")
        assert reply.body == body
        moves = list(ticket.events.filter(kind="status_change").values_list("to_status", flat=True))
        assert moves[-2:] == ["responded", "closed"]


def test_close_walks_a_new_ticket_through_the_workflows_allowed_moves(agent, make_ticket, macro):
    ticket = make_ticket()
    bulk.ticket_bulk_apply(actor=agent, ticket_ids=[ticket.pk], action="close", macro=macro)
    moves = list(ticket.events.filter(kind="status_change").values_list("from_status", "to_status"))
    assert moves == [
        ("new", "acknowledged"),
        ("acknowledged", "in_progress"),
        ("in_progress", "responded"),
        ("responded", "closed"),
    ]


def test_a_reply_limited_to_other_categories_skips_the_ticket(agent, make_ticket, macro, category):
    from .factories import CategoryFactory

    macro.categories.add(CategoryFactory(code="elsewhere"))
    ticket = _in_progress(make_ticket(category=category), agent)
    result = bulk.ticket_bulk_apply(actor=agent, ticket_ids=[ticket.pk], action="close", macro=macro)
    assert [i.code for i in result.skipped] == ["macro_not_for_category"]
    assert Ticket.objects.get(pk=ticket.pk).status == "in_progress"
    assert not ticket.events.filter(kind="public_reply").exists()


# --- refusals, with nothing half-done ----------------------------------------------------


def test_someone_without_the_actions_permission_is_refused_and_nothing_changes(senior, agent, make_ticket):
    chosen = [make_ticket(), make_ticket()]
    events = _event_count()
    for action, params in (
        ("assign", {"assignee": agent}),
        ("merge", {"merge_into": chosen[0].review_number}),
    ):
        with pytest.raises(PermissionDenied):
            bulk.ticket_bulk_apply(actor=senior, ticket_ids=[t.pk for t in chosen], action=action, **params)
    assert _event_count() == events
    assert all(t.assignee_id is None and t.status == "new" for t in _fresh(*chosen))


def test_an_officer_cannot_touch_another_departments_ticket_nor_learn_it_exists(
    officer, make_ticket, department, other_department
):
    mine, theirs = make_ticket(department=department), make_ticket(department=other_department)
    result = bulk.ticket_bulk_apply(
        actor=officer, ticket_ids=[mine.pk, theirs.pk, 999_999_999], action="assign", assignee=officer
    )
    assert [i.review_number for i in result.done] == [mine.review_number]
    assert [(i.id, i.review_number, i.code) for i in result.skipped] == [
        (theirs.pk, "", "ticket_not_found"),
        (999_999_999, "", "ticket_not_found"),
    ]
    # Not there and not theirs read the same.
    assert result.skipped[0].message == result.skipped[1].message
    theirs.refresh_from_db()
    assert theirs.assignee_id is None and theirs.events.count() == 1


def test_merged_and_closed_tickets_are_skipped_with_the_services_reason(
    agent, supervisor, make_ticket, macro
):
    original, merged, open_one = make_ticket(), make_ticket(), make_ticket()
    services.ticket_merge(duplicate=merged, original=original, actor=agent)
    closed = _in_progress(make_ticket(), agent)
    services.ticket_transition(ticket=closed, to_status="responded", actor=agent)
    services.ticket_transition(ticket=closed, to_status="closed", actor=agent)
    events = {t.pk: t.events.count() for t in (merged, closed)}

    assigned = bulk.ticket_bulk_apply(
        actor=supervisor, ticket_ids=[merged.pk, open_one.pk], action="assign", assignee=agent
    )
    assert [i.code for i in assigned.skipped] == ["ticket_merged"]
    assert [i.review_number for i in assigned.done] == [open_one.review_number]
    priority = bulk.ticket_bulk_apply(
        actor=agent, ticket_ids=[closed.pk, merged.pk], action="priority", priority="high"
    )
    assert [i.code for i in priority.skipped] == ["ticket_not_open", "ticket_not_open"]
    closing = bulk.ticket_bulk_apply(
        actor=agent, ticket_ids=[closed.pk, merged.pk], action="close", macro=macro
    )
    assert [i.code for i in closing.skipped] == ["cannot_close", "cannot_close"]
    again = bulk.ticket_bulk_apply(
        actor=agent, ticket_ids=[merged.pk], action="merge", merge_into=open_one.review_number
    )
    assert [i.code for i in again.skipped] == ["illegal_transition"]
    merged, closed = _fresh(merged, closed)
    assert (merged.assignee_id, merged.duplicate_of_id, closed.priority) == (None, original.pk, "normal")
    assert {t.pk: t.events.count() for t in (merged, closed)} == events


def test_an_escalated_ticket_cannot_be_closed_here_and_gets_no_reply(agent, senior, make_ticket, macro):
    escalated = make_ticket()
    services.ticket_move_for_escalation(ticket=escalated, to_status="escalated", actor=senior)
    result = bulk.ticket_bulk_apply(actor=agent, ticket_ids=[escalated.pk], action="close", macro=macro)
    assert [i.code for i in result.skipped] == ["cannot_close"]
    assert result.skipped[0].message
    escalated.refresh_from_db()
    assert escalated.status == "escalated"
    assert not escalated.events.filter(kind="public_reply").exists()


def test_a_refusal_after_the_reply_takes_the_reply_back_too(agent, make_ticket, macro, monkeypatch):
    """The reply and the moves are one unit per ticket: a move refused after the reply was
    written leaves neither (the ticket's savepoint), and the next ticket is still done."""
    from apps.tickets.workflow import Status

    refused, fine = _in_progress(make_ticket(), agent), _in_progress(make_ticket(), agent)
    chains = iter([[Status.CLOSED], [Status.RESPONDED, Status.CLOSED]])
    # As if the first ticket had moved meanwhile: the chain read before is refused midway.
    monkeypatch.setattr(bulk, "moves_to", lambda from_status, to_status: next(chains))
    result = bulk.ticket_bulk_apply(
        actor=agent, ticket_ids=[refused.pk, fine.pk], action="close", macro=macro
    )
    assert [(i.review_number, i.code) for i in result.skipped] == [
        (refused.review_number, "illegal_transition")
    ]
    assert [i.review_number for i in result.done] == [fine.review_number]
    refused.refresh_from_db()
    assert refused.status == "in_progress" and refused.first_response_at is None
    assert not refused.events.filter(kind="public_reply").exists()
    assert not Notification.objects.filter(
        context__review_number=refused.review_number, event="ticket.public_reply"
    ).exists()
    assert Ticket.objects.get(pk=fine.pk).status == "closed"


@pytest.mark.parametrize(
    "ticket_ids, action, code",
    [
        ([], "assign", "bulk_nothing_selected"),
        ([1], "delete", "bulk_unknown_action"),
        (["x"], "assign", "bulk_invalid_ticket"),
    ],
)
def test_nothing_chosen_an_unknown_action_or_a_bad_id_is_refused(
    supervisor, agent, make_ticket, ticket_ids, action, code
):
    ticket = make_ticket()
    events = _event_count()
    with pytest.raises(ValidationFailed) as refused:
        bulk.ticket_bulk_apply(actor=supervisor, ticket_ids=ticket_ids, action=action, assignee=agent)
    assert refused.value.code == code
    assert _event_count() == events and Ticket.objects.get(pk=ticket.pk).assignee_id is None


def test_more_tickets_than_the_cap_are_refused_whole(settings, supervisor, agent, make_ticket):
    settings.HOUSING_BULK_MAX_TICKETS = 2
    chosen = [make_ticket() for _ in range(3)]
    events = _event_count()
    with pytest.raises(ValidationFailed) as refused:
        bulk.ticket_bulk_apply(
            actor=supervisor, ticket_ids=[t.pk for t in chosen], action="assign", assignee=agent
        )
    assert refused.value.code == "bulk_too_many"
    assert "2" in str(refused.value.message) and "3" in str(refused.value.message)
    assert _event_count() == events
    assert all(t.assignee_id is None for t in _fresh(*chosen))


@pytest.mark.parametrize(
    "action, params, code",
    [
        ("assign", {}, "bulk_parameter_required"),
        ("move", {}, "bulk_parameter_required"),
        ("priority", {"priority": "whenever"}, "invalid_choice"),
        ("tags", {}, "bulk_parameter_required"),
        ("merge", {"merge_into": "2020-000001-0"}, "merge_target_not_found"),
        ("close", {}, "bulk_parameter_required"),
    ],
)
def test_an_action_without_what_it_needs_is_refused_whole(agent, make_ticket, action, params, code):
    ticket = make_ticket()
    with pytest.raises(ValidationFailed) as refused:
        bulk.ticket_bulk_apply(actor=agent, ticket_ids=[ticket.pk], action=action, **params)
    assert refused.value.code == code
    assert ticket.events.count() == 1


def test_a_merge_target_the_actor_may_not_see_is_not_found(
    officer, make_ticket, department, other_department
):
    mine, hidden = make_ticket(department=department), make_ticket(department=other_department)
    officer.user_permissions.add(Permission.objects.get(codename="merge_ticket"))
    officer = type(officer).objects.get(pk=officer.pk)  # a fresh permission cache
    with pytest.raises(ValidationFailed) as refused:
        bulk.ticket_bulk_apply(
            actor=officer, ticket_ids=[mine.pk], action="merge", merge_into=hidden.review_number
        )
    assert refused.value.code == "merge_target_not_found"
    assert hidden.review_number not in str(refused.value.message)
    assert Ticket.objects.get(pk=mine.pk).status == "new"


def test_an_under_your_command_ticket_follows_the_single_actions_rules(agent, supervisor, make_ticket):
    """An agent may assign a confidential ticket (as on its page) and the result names it by
    its review number only."""
    secret = make_ticket(channel="uyc", subject="سر لا يقرؤه إلا كبار المسؤولين")
    result = bulk.ticket_bulk_apply(actor=supervisor, ticket_ids=[secret.pk], action="assign", assignee=agent)
    assert [i.review_number for i in result.done] == [secret.review_number]
    assert "سر" not in str(result.as_dict())
    assert Ticket.objects.get(pk=secret.pk).assignee_id == agent.pk


# --- the same events as the single action ------------------------------------------------


def _trail(ticket, original=None):
    """The ticket's events and messages as the single action writes them, without ids and times."""
    events = [
        (
            e.kind,
            e.actor_id,
            e.body,
            e.from_status,
            e.to_status,
            e.reason,
            e.details,
            e.from_assignee_id,
            e.to_assignee_id,
            e.from_department_id,
            e.to_department_id,
            "original"
            if original is not None and e.related_ticket_id == original.pk
            else e.related_ticket_id,
        )
        for e in TicketEvent.objects.filter(ticket=ticket).order_by("at", "id")
    ]
    messages = sorted(
        Notification.objects.filter(context__review_number=ticket.review_number).values_list(
            "event", "channel", "audience", "recipient_user_id"
        )
    )
    clocks = sorted(
        (c.target, c.cycle, c.state, c.met_at is None, c.value, c.unit)
        for c in Clock.objects.filter(ticket=ticket)
    )
    row = Ticket.objects.get(pk=ticket.pk)
    fields = (row.status, row.priority, row.assignee_id, row.department_id, row.first_response_at is None)
    return events, messages, clocks, fields


@pytest.fixture
def _deadlines(db):
    """The default SLA policies (as after ``seed``): tickets get clocks to compare too."""
    from apps.sla import seed

    from ..query_budget import committed

    committed(seed.seed_policies)


@pytest.mark.parametrize("action", ["assign", "move", "priority", "tags", "merge", "close"])
def test_a_bulk_action_writes_exactly_what_the_single_action_writes(
    _deadlines, action, supervisor, agent, make_ticket, department, tags, macro
):
    twin, single = _in_progress(make_ticket(), agent), _in_progress(make_ticket(), agent)
    target_bulk, target_single = make_ticket(), make_ticket()
    run = {
        "assign": (
            {"assignee": agent},
            lambda t: services.ticket_assign(ticket=t, actor=supervisor, assignee=agent, reason="توزيع"),
        ),
        "move": (
            {"department": department},
            lambda t: services.ticket_assign(
                ticket=t, actor=supervisor, assignee=None, department=department, reason="توزيع"
            ),
        ),
        "priority": (
            {"priority": "high"},
            lambda t: services.ticket_reclassify(ticket=t, actor=supervisor, priority="high", reason="توزيع"),
        ),
        "tags": (
            {"add_tags": list(tags)},
            lambda t: services.ticket_tags_change(ticket=t, actor=supervisor, add=list(tags)),
        ),
        "merge": (
            {"merge_into": target_bulk.review_number},
            lambda t: services.ticket_merge(
                duplicate=t, original=target_single, actor=supervisor, reason="توزيع"
            ),
        ),
        "close": (
            {"macro": macro},
            lambda t: [
                services.ticket_reply(ticket=t, body=macro.body_ar, actor=supervisor),
                services.ticket_transition(ticket=t, to_status="responded", actor=supervisor),
                services.ticket_transition(ticket=t, to_status="closed", actor=supervisor),
            ],
        ),
    }
    params, single_action = run[action]
    result = bulk.ticket_bulk_apply(
        actor=supervisor, ticket_ids=[twin.pk], action=action, reason="توزيع", **params
    )
    single_action(single)
    assert len(result.done) == 1
    bulk_trail = _trail(twin, target_bulk)
    assert bulk_trail == _trail(single, target_single)
    assert bulk_trail[2], "the tickets have deadlines to compare"
    assert len(bulk_trail[0]) > len(_trail(make_ticket())[0])  # something was written
    if action == "merge":
        assert _trail(target_bulk, twin)[0] == _trail(target_single, single)[0]


# --- cost --------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["assign", "close"])
def test_the_statements_grow_linearly_with_the_tickets(action, supervisor, agent, make_ticket, macro):
    def statements(n):
        chosen = [make_ticket() for _ in range(n)]
        params = {"assignee": agent} if action == "assign" else {"macro": macro}
        with CaptureQueriesContext(connection) as queries:
            result = bulk.ticket_bulk_apply(
                actor=supervisor, ticket_ids=[t.pk for t in chosen], action=action, **params
            )
        assert len(result.done) == n
        return len(queries)

    statements(1)  # warm the caches (permissions, policies)
    two, four, eight = statements(2), statements(4), statements(8)
    per_ticket = (four - two) / 2
    assert (eight - four) / 4 == per_ticket, (two, four, eight)


# --- the page ----------------------------------------------------------------------------


def _bar_post(client, tickets, action, headers=None, **fields):
    data = {"ticket": [t.pk for t in tickets], "bulk-action": action, "back": "/tickets/?kind=complaint"}
    data.update({f"bulk-{k}": v for k, v in fields.items()})
    return client.post("/tickets/bulk/", data, **(headers or {}))


def test_the_list_shows_a_box_per_row_and_the_bar_to_a_supervisor(
    login, supervisor, make_ticket, macro, tags
):
    ticket = make_ticket()
    body = login(supervisor).get("/tickets/").content.decode()
    assert 'data-testid="bulk-bar"' in body and 'data-testid="bulk-all"' in body
    assert f'aria-label="تحديد التذكرة {ticket.review_number}"' in body
    for action in ("assign", "move", "priority", "add_tags", "merge", "close"):
        assert f'value="{action}"' in body


def test_who_may_not_act_on_tickets_sees_no_bar_nor_boxes(login, senior, make_ticket):
    make_ticket()
    body = login(senior).get("/tickets/").content.decode()
    assert 'data-testid="bulk-bar"' not in body and 'data-testid="bulk-check"' not in body


def test_my_work_has_no_boxes(login, agent, supervisor, make_ticket):
    services.ticket_assign(ticket=make_ticket(), actor=supervisor, assignee=agent)
    assert 'data-testid="bulk-check"' not in login(agent).get("/tickets/mine/").content.decode()


def test_a_plain_form_post_acts_and_the_list_it_came_from_tells_the_outcome_once(
    login, supervisor, agent, make_ticket, officer, department, other_department
):
    chosen = [make_ticket(), make_ticket()]
    merged = make_ticket()
    services.ticket_merge(duplicate=merged, original=chosen[0], actor=supervisor)
    client = login(supervisor)
    response = _bar_post(client, [*chosen, merged], "assign", assignee=agent.pk)
    assert response.status_code == 302 and response["Location"] == "/tickets/?kind=complaint"
    assert {t.assignee_id for t in _fresh(*chosen)} == {agent.pk}
    page = client.get(response["Location"]).content.decode()
    summary = re.search(r'data-testid="bulk-summary".*?</div>', page, re.S).group(0)
    assert "نُفِّذت تذكرتان (2)" in summary and "تُخطِّيت تذكرة واحدة (1)" in summary
    assert merged.review_number in summary and "لا يمكن إسناد تذكرة مدمجة." in summary
    assert 'data-testid="bulk-summary"' not in client.get(response["Location"]).content.decode()


def test_with_htmx_the_list_comes_back_with_the_summary(login, supervisor, agent, make_ticket):
    chosen = [make_ticket(), make_ticket()]
    response = _bar_post(login(supervisor), chosen, "priority", HX, priority="urgent")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'data-testid="bulk-summary"' in body and "نُفِّذت تذكرتان (2)" in body
    assert 'data-testid="ticket-table"' in body
    assert {t.priority for t in _fresh(*chosen)} == {"urgent"}


def test_all_on_this_page_takes_every_row_of_the_page(login, supervisor, agent, make_ticket):
    chosen = [make_ticket(), make_ticket()]
    client = login(supervisor)
    client.post(
        "/tickets/bulk/",
        {
            "select_page": "1",
            "page_ticket": [t.pk for t in chosen],
            "bulk-action": "assign",
            "bulk-assignee": agent.pk,
        },
    )
    assert {t.assignee_id for t in _fresh(*chosen)} == {agent.pk}


def test_a_refused_bulk_action_says_why_on_the_page_and_changes_nothing(
    login, supervisor, agent, make_ticket, settings
):
    settings.HOUSING_BULK_MAX_TICKETS = 1
    chosen = [make_ticket(), make_ticket()]
    response = _bar_post(login(supervisor), chosen, "assign", HX, assignee=agent.pk)
    body = response.content.decode()
    assert 'data-testid="bulk-error"' in body and "يمكن تغيير 1 تذكرة على الأكثر" in body
    nothing = _bar_post(login(supervisor), [], "assign", HX, assignee=agent.pk).content.decode()
    assert "اختر تذكرة واحدة على الأقل." in nothing
    assert all(t.assignee_id is None for t in _fresh(*chosen))


def test_the_page_refuses_someone_without_the_permission_and_changes_nothing(
    login, senior, agent, make_ticket
):
    ticket = make_ticket()
    body = _bar_post(login(senior), [ticket], "assign", HX, assignee=agent.pk).content.decode()
    assert 'data-testid="bulk-error"' in body
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None


def test_the_page_sends_back_only_to_the_list(login, supervisor, agent, make_ticket):
    response = login(supervisor).post(
        "/tickets/bulk/",
        {
            "ticket": [make_ticket().pk],
            "bulk-action": "assign",
            "bulk-assignee": agent.pk,
            "back": "https://evil.example/tickets/",
        },
    )
    assert response["Location"] == "/tickets/"


def test_the_summary_names_an_unseen_ticket_by_the_id_given_only(
    login, officer, make_ticket, department, other_department
):
    hidden = make_ticket(department=other_department, subject="موضوع لا يراه")
    body = _bar_post(login(officer), [hidden], "assign", HX, assignee=officer.pk).content.decode()
    assert hidden.review_number not in body and "موضوع لا يراه" not in body
    assert Ticket.objects.get(pk=hidden.pk).assignee_id is None


# --- the API -----------------------------------------------------------------------------


def test_the_api_applies_the_action_and_answers_done_and_skipped(api, supervisor, agent, make_ticket):
    chosen, merged = [make_ticket(), make_ticket()], make_ticket()
    services.ticket_merge(duplicate=merged, original=chosen[0], actor=supervisor)
    response = api(supervisor).post(
        "/api/v1/tickets/bulk/",
        {"action": "assign", "tickets": [chosen[0].pk, merged.pk, chosen[1].pk], "assignee": agent.pk},
        format="json",
    )
    assert response.status_code == 200
    data = response.json()
    assert [d["review_number"] for d in data["done"]] == [chosen[0].review_number, chosen[1].review_number]
    assert [(s["review_number"], s["code"]) for s in data["skipped"]] == [
        (merged.review_number, "ticket_merged")
    ]
    assert data["skipped"][0]["message"]
    assert {t.assignee_id for t in _fresh(*chosen)} == {agent.pk}


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"action": "assign", "tickets": []}, 400, "bulk_nothing_selected"),
        ({"action": "explode", "tickets": [1]}, 400, "bulk_unknown_action"),
        ({"action": "assign", "tickets": "all"}, 400, "invalid"),
    ],
)
def test_the_api_refuses_bad_requests_as_json(api, supervisor, body, status, code):
    response = api(supervisor).post("/api/v1/tickets/bulk/", body, format="json")
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["message"]


def test_the_api_refuses_someone_without_the_permission(api, senior, agent, make_ticket):
    ticket = make_ticket()
    response = api(senior).post(
        "/api/v1/tickets/bulk/",
        {"action": "assign", "tickets": [ticket.pk], "assignee": agent.pk},
        format="json",
    )
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert ticket.review_number not in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None


def test_the_api_answers_a_repeated_idempotency_key_without_acting_twice(
    api, supervisor, agent, make_ticket, tags
):
    ticket = make_ticket()
    client = api(supervisor)
    body = {"action": "tags", "tickets": [ticket.pk], "add_tags": [tags[0].pk]}
    first = client.post("/api/v1/tickets/bulk/", body, format="json", HTTP_IDEMPOTENCY_KEY="bulk-1")
    services.ticket_tags_change(ticket=ticket, actor=supervisor, remove=[tags[0]])
    again = client.post("/api/v1/tickets/bulk/", body, format="json", HTTP_IDEMPOTENCY_KEY="bulk-1")
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert not ticket.tags.exists()
    assert ticket.events.filter(kind="tags").count() == 2
