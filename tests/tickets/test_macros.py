"""Macros and quick answers on tickets: where they are offered, in which language, applying a
macro writes the same events as the single actions (all of them or none), and the page that
keeps the list."""

import pytest
from django.utils import translation

from apps.contacts import services as contact_services
from apps.contacts.models import Outcome
from apps.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from apps.tickets import macro_services, quick_answers, selectors, services
from apps.tickets.models import Macro, Ticket, TicketEvent
from tests.contacts.factories import ContactFactory

from .factories import CategoryFactory, CitizenFactory, set_status

HX = {"HTTP_HX_REQUEST": "true"}


def _macro(actor, **fields):
    fields.setdefault("title_ar", "رد عام")
    fields.setdefault("title_en", "General reply")
    if "body_ar" not in fields and not any(
        fields.get(k) for k in ("to_status", "priority", "department", "add_tags")
    ):
        fields.update(body_ar="نعمل على طلبك.", body_en="We are working on your request.")
    return macro_services.macro_save(actor=actor, **fields)


@pytest.fixture
def urgent_tag(supervisor):
    return services.tag_save(actor=supervisor, name_ar="عاجل", name_en="Urgent", colour="red")


@pytest.fixture
def answered(supervisor, department, urgent_tag):
    """The macro that carries everything: a reply, a status, a tag, a department, a priority."""
    return _macro(
        supervisor,
        title_ar="تم الرد والإحالة",
        title_en="Answered and referred",
        body_ar="تمت الإجابة على طلبك.",
        body_en="Your request has been answered.",
        to_status="responded",
        priority="high",
        department=department,
        add_tags=[urgent_tag],
    )


def _in_progress(ticket, agent):
    services.ticket_transition(ticket=ticket, to_status="acknowledged", actor=agent)
    return services.ticket_transition(ticket=ticket, to_status="in_progress", actor=agent)


def _events(ticket) -> list[tuple]:
    """The timeline as kinds and what each changed, without ids and times."""
    return [
        (e.kind, e.body, e.from_status, e.to_status, e.to_department_id, e.details)
        for e in TicketEvent.objects.filter(ticket=ticket).order_by("pk")
    ]


# --- where macros and quick answers are offered ----------------------------------------


def test_a_macro_scoped_to_a_category_is_offered_on_it_and_its_sub_categories_only(
    supervisor, make_ticket, category
):
    scoped = _macro(supervisor, title_ar="تأخير", title_en="Delay", categories=[category.parent])
    everywhere = _macro(supervisor)
    other = CategoryFactory(code="other", name_ar="أخرى", name_en="Other")
    keys = lambda t: [a.key for a in quick_answers.quick_answers_for(t)]  # noqa: E731
    assert keys(make_ticket(category=category)) == [f"macro-{scoped.pk}", f"macro-{everywhere.pk}"]
    assert keys(make_ticket(category=other)) == [f"macro-{everywhere.pk}"]
    assert keys(make_ticket()) == [f"macro-{everywhere.pk}"]


def test_a_retired_macro_is_not_offered(supervisor, ticket):
    macro = _macro(supervisor)
    macro_services.macro_retire(actor=supervisor, macro=macro)
    assert quick_answers.quick_answers_for(ticket) == []


def test_the_text_comes_in_the_tickets_language_and_the_title_in_the_viewers(supervisor, make_ticket):
    _macro(supervisor)
    english = make_ticket(citizen=CitizenFactory(language="en"))
    with translation.override("ar"):
        (answer,) = quick_answers.quick_answers_for(english)
    assert (answer.title, answer.body) == ("رد عام", "We are working on your request.")
    with translation.override("en"):
        (answer,) = quick_answers.quick_answers_for(make_ticket())
    assert (answer.title, answer.body) == ("General reply", "نعمل على طلبك.")


def test_the_contacts_quick_answers_of_the_purposes_of_its_contacts_come_through_the_registry(
    agent, ticket, make_ticket
):
    purpose = contact_services.purpose_upsert(code="test-status", name_ar="حالة الطلب", name_en="Status")
    answer = contact_services.quick_answer_upsert(
        purpose=purpose,
        title_ar="مدة الانتظار",
        title_en="Waiting time",
        body_ar="المدة ستة أشهر.",
        body_en="Six months.",
    )
    unrelated = contact_services.purpose_upsert(code="test-other", name_ar="أخرى", name_en="Other")
    contact_services.quick_answer_upsert(
        purpose=unrelated, title_ar="غير ذي صلة", title_en="Unrelated", body_ar="لا", body_en="No"
    )
    ContactFactory(ticket=ticket, citizen=ticket.citizen, purpose=purpose, outcome=Outcome.TICKET_OPENED)
    offered = quick_answers.quick_answers_for(ticket)
    assert [(a.key, a.body, a.macro) for a in offered] == [(f"contacts-{answer.pk}", "المدة ستة أشهر.", None)]
    assert quick_answers.quick_answers_for(make_ticket()) == []  # no contact, no purpose
    english = make_ticket(citizen=CitizenFactory(language="en"))
    ContactFactory(ticket=english, citizen=english.citizen, purpose=purpose, outcome=Outcome.TICKET_OPENED)
    with translation.override("ar"):
        (offered,) = quick_answers.quick_answers_for(english)
    assert (offered.title, offered.body) == ("مدة الانتظار", "Six months.")


def test_the_registry_takes_any_source(ticket):
    extra = quick_answers.QuickAnswer(key="x-1", title="T", body="B", source="S")
    quick_answers.register_quick_answer_source("test-extra", lambda t: [extra])
    try:
        assert quick_answers.quick_answer(ticket, "x-1") == extra
    finally:
        quick_answers._SOURCES.pop("test-extra")


# --- applying a macro ------------------------------------------------------------------


def test_applying_a_macro_writes_the_same_events_as_the_single_actions(
    agent, supervisor, make_ticket, department, urgent_tag, answered
):
    by_macro, by_hand = _in_progress(make_ticket(), agent), _in_progress(make_ticket(), agent)

    applied = macro_services.ticket_apply_macro(ticket=by_macro, macro=answered, actor=agent)

    services.ticket_reply(ticket=by_hand, body="تمت الإجابة على طلبك.", actor=agent)
    services.ticket_tags_change(ticket=by_hand, actor=agent, add=[urgent_tag])
    services.ticket_reclassify(ticket=by_hand, actor=agent, priority="high")
    services.ticket_assign(ticket=by_hand, actor=agent, assignee=None, department=department)
    services.ticket_transition(ticket=by_hand, to_status="responded", actor=agent)

    assert [e[0] for e in _events(by_macro)] == [e[0] for e in _events(by_hand)]
    assert [e[1:] for e in _events(by_macro)][-5:] == [e[1:] for e in _events(by_hand)][-5:]
    by_macro.refresh_from_db()
    assert (by_macro.status, by_macro.priority, by_macro.department, list(by_macro.tags.all())) == (
        "responded",
        "high",
        department,
        [urgent_tag],
    )
    assert applied.ticket.status == "responded" and len(applied.events) == 5


def test_the_agent_may_edit_the_reply_or_send_none(agent, supervisor, ticket, make_ticket):
    macro = _macro(
        supervisor, title_ar="مراجعة", title_en="Review", body_ar="نص", body_en="text", priority="high"
    )
    macro_services.ticket_apply_macro(ticket=ticket, macro=macro, actor=agent, body="نص معدل")
    assert ticket.events.filter(kind="public_reply").get().body == "نص معدل"
    ticket.refresh_from_db()
    assert ticket.priority == "high"
    silent = make_ticket()
    macro_services.ticket_apply_macro(ticket=silent, macro=macro, actor=agent, body="")
    silent.refresh_from_db()
    assert silent.priority == "high" and not silent.events.filter(kind="public_reply").exists()
    with pytest.raises(ValidationFailed) as refused:  # already high, and no reply: nothing to do
        macro_services.ticket_apply_macro(ticket=silent, macro=macro, actor=agent, body="")
    assert refused.value.code == "macro_nothing_to_apply"


def _nothing_written(ticket, before):
    assert _events(ticket) == before
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert not fresh.tags.exists()
    return fresh


def test_a_status_the_ticket_cannot_reach_refuses_the_whole_macro_first(agent, ticket, answered):
    before = _events(ticket)  # new: "responded" cannot be reached from here
    with pytest.raises(Conflict) as refused:
        macro_services.ticket_apply_macro(ticket=ticket, macro=answered, actor=agent)
    assert refused.value.code == "macro_status_unreachable"
    fresh = _nothing_written(ticket, before)
    assert (fresh.status, fresh.priority, fresh.department_id) == ("new", "normal", None)


def test_a_refusal_half_way_rolls_back_what_was_done_before_it(agent, supervisor, ticket, urgent_tag):
    macro = _macro(
        supervisor, title_ar="وسم", title_en="Tag it", body_ar="نص", body_en="text", add_tags=[urgent_tag]
    )
    services.tag_save(actor=supervisor, tag=urgent_tag, name_ar="عاجل", name_en="Urgent", is_active=False)
    before = _events(ticket)
    with pytest.raises(ValidationFailed):  # the reply was written, then the retired tag refused
        macro_services.ticket_apply_macro(ticket=ticket, macro=macro, actor=agent)
    _nothing_written(ticket, before)


def test_a_retired_macro_is_refused(agent, supervisor, ticket):
    macro = macro_services.macro_retire(actor=supervisor, macro=_macro(supervisor))
    with pytest.raises(Conflict) as refused:
        macro_services.ticket_apply_macro(ticket=ticket, macro=macro, actor=agent)
    assert refused.value.code == "macro_inactive"
    assert not ticket.events.filter(kind="public_reply").exists()


def test_a_macro_of_another_category_is_refused(agent, supervisor, make_ticket, category):
    macro = _macro(supervisor, categories=[category])
    ticket = make_ticket()
    with pytest.raises(Conflict) as refused:
        macro_services.ticket_apply_macro(ticket=ticket, macro=macro, actor=agent)
    assert refused.value.code == "macro_not_offered"
    assert not ticket.events.filter(kind="public_reply").exists()


def test_someone_who_may_not_work_the_ticket_cannot_apply_a_macro(outsider, supervisor, ticket):
    with pytest.raises(PermissionDenied):
        macro_services.ticket_apply_macro(ticket=ticket, macro=_macro(supervisor), actor=outsider)
    assert not ticket.events.filter(kind="public_reply").exists()


def test_an_officer_cannot_send_a_ticket_to_another_department_by_macro(
    officer, supervisor, make_ticket, department, other_department
):
    macro = _macro(
        supervisor,
        title_ar="صيانة",
        title_en="To maintenance",
        department=other_department,
        body_ar="نص",
        body_en="t",
    )
    ticket = make_ticket(department=department)
    with pytest.raises(PermissionDenied):
        macro_services.ticket_apply_macro(ticket=ticket, macro=macro, actor=officer)
    ticket.refresh_from_db()
    assert ticket.department == department and not ticket.events.filter(kind="public_reply").exists()


def test_a_refusal_is_bilingual(agent, ticket, answered):
    for language, word in (("ar", "لا يمكن"), ("en", "cannot be applied")):
        with translation.override(language), pytest.raises(Conflict) as refused:
            macro_services.ticket_apply_macro(ticket=ticket, macro=answered, actor=agent)
        assert word in str(refused.value.message)


# --- on the ticket page ----------------------------------------------------------------


def test_the_page_offers_the_quick_answers_in_a_labelled_picker(login, agent, supervisor, ticket):
    macro = _macro(supervisor)
    body = login(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'for="quick-answer"' in body and f'value="macro-{macro.pk}"' in body
    assert 'data-body="نعمل على طلبك."' in body


def test_without_javascript_the_answer_parameter_fills_the_reply_box(
    login, agent, supervisor, ticket, answered
):
    _in_progress(ticket, agent)
    body = login(agent).get(f"/tickets/{ticket.pk}/", {"answer": f"macro-{answered.pk}"}).content.decode()
    assert ">تمت الإجابة على طلبك.</textarea>" in body
    assert f'name="reply-macro" id="id_reply-macro" value="{answered.pk}"' in body
    assert 'data-testid="macro-pending" hidden' not in body


def test_an_unknown_answer_parameter_is_ignored(login, agent, ticket):
    response = login(agent).get(f"/tickets/{ticket.pk}/", {"answer": "macro-999999"})
    assert response.status_code == 200


def test_sending_the_reply_with_a_macro_applies_it(login, agent, ticket, answered, department):
    _in_progress(ticket, agent)
    response = login(agent).post(
        f"/tickets/{ticket.pk}/reply/", {"reply-body": "نص المحرر", "reply-macro": answered.pk}, **HX
    )
    assert response.status_code == 200 and 'data-testid="done"' in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.department, ticket.priority) == ("responded", department, "high")
    assert ticket.events.filter(kind="public_reply").get().body == "نص المحرر"


def test_a_refused_macro_on_the_page_keeps_the_draft_and_changes_nothing(login, agent, ticket, answered):
    response = login(agent).post(
        f"/tickets/{ticket.pk}/reply/", {"reply-body": "مسودتي", "reply-macro": answered.pk}, **HX
    )
    body = response.content.decode()
    assert 'data-testid="action-error"' in body and ">مسودتي</textarea>" in body
    ticket.refresh_from_db()
    assert ticket.status == "new" and not ticket.events.filter(kind="public_reply").exists()


def test_the_api_applies_a_macro(api, agent, ticket, answered):
    _in_progress(ticket, agent)
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/macro/", {"macro": answered.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "responded"
    assert ticket.events.filter(kind="public_reply", body="تمت الإجابة على طلبك.").exists()


def test_the_api_refuses_a_macro_that_does_not_apply_with_a_code(api, agent, ticket, answered):
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/macro/", {"macro": answered.pk}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "macro_status_unreachable"
    assert not ticket.events.filter(kind="public_reply").exists()
    missing = api(agent).post(f"/api/v1/tickets/{ticket.pk}/macro/", {"macro": 999999}, format="json")
    assert missing.status_code == 404 and missing.json()["code"] == "macro_not_found"


# --- keeping the list ------------------------------------------------------------------


def test_a_supervisor_creates_a_macro_on_its_page(login, supervisor, department, urgent_tag, category):
    client = login(supervisor)
    assert client.get("/tickets/macros/new/").status_code == 200
    response = client.post(
        "/tickets/macros/new/",
        {
            "title_ar": "إغلاق",
            "title_en": "Close",
            "body_ar": "شكرًا",
            "body_en": "Thanks",
            "to_status": "closed",
            "priority": "low",
            "department": department.pk,
            "add_tags": [urgent_tag.pk],
            "categories": [category.pk],
            "position": 5,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    macro = Macro.objects.get(title_en="Close")
    assert (macro.to_status, macro.priority, macro.department, macro.position) == (
        "closed",
        "low",
        department,
        5,
    )
    assert list(macro.add_tags.all()) == [urgent_tag] and list(macro.categories.all()) == [category]
    listing = client.get("/tickets/macros/").content.decode()
    assert "إغلاق" in listing


def test_a_supervisor_edits_and_retires_a_macro(login, supervisor):
    macro = _macro(supervisor)
    client = login(supervisor)
    assert client.get(f"/tickets/macros/{macro.pk}/").status_code == 200
    client.post(
        f"/tickets/macros/{macro.pk}/",
        {
            "title_ar": "رد",
            "title_en": "Reply",
            "body_ar": "أ",
            "body_en": "a",
            "position": 1,
            "is_active": "on",
        },
    )
    macro.refresh_from_db()
    assert (macro.title_en, macro.body_en) == ("Reply", "a")
    assert client.post(f"/tickets/macros/{macro.pk}/retire/").status_code == 302
    macro.refresh_from_db()
    assert not macro.is_active


def test_an_agent_may_not_keep_the_macros(login, agent, supervisor):
    macro = _macro(supervisor)
    client = login(agent)
    for response in (
        client.get("/tickets/macros/"),
        client.get("/tickets/macros/new/"),
        client.get(f"/tickets/macros/{macro.pk}/"),
        client.post(
            "/tickets/macros/new/", {"title_ar": "س", "title_en": "X", "body_ar": "س", "body_en": "x"}
        ),
        client.post(f"/tickets/macros/{macro.pk}/retire/"),
    ):
        assert response.status_code == 403
        assert "نعمل على طلبك" not in response.content.decode()
    macro.refresh_from_db()
    assert macro.is_active and Macro.objects.count() == 1
    with pytest.raises(PermissionDenied):
        macro_services.macro_save(actor=agent, title_ar="س", title_en="X", body_ar="س", body_en="x")


def test_a_macro_with_nothing_in_it_is_refused(login, supervisor):
    response = login(supervisor).post(
        "/tickets/macros/new/", {"title_ar": "فارغ", "title_en": "Empty", "position": 1}
    )
    assert response.status_code == 400
    assert "does nothing" in response.content.decode() or "لا يفعل" in response.content.decode()
    assert not Macro.objects.exists()


def test_a_title_that_clashes_in_either_language_is_refused_whatever_the_case(supervisor):
    _macro(supervisor)
    for titles in (
        {"title_ar": "آخر", "title_en": "GENERAL REPLY"},
        {"title_ar": "رد عام", "title_en": "Other"},
    ):
        with pytest.raises(ValidationFailed) as refused:
            _macro(supervisor, **titles)
        assert refused.value.code == "macro_title_taken"
    assert Macro.objects.count() == 1


def test_a_reply_in_one_language_only_is_refused(supervisor):
    with pytest.raises(ValidationFailed) as refused:
        macro_services.macro_save(actor=supervisor, title_ar="أ", title_en="A", body_ar="نص")
    assert refused.value.code == "macro_body_one_language" and "body_en" in refused.value.details
    assert not Macro.objects.exists()


def test_a_macro_cannot_merge_or_escalate(supervisor):
    for status in ("merged", "escalated", "nonsense"):
        with pytest.raises(ValidationFailed):
            macro_services.macro_save(actor=supervisor, title_ar="أ", title_en="A", to_status=status)
    assert not Macro.objects.exists()


def test_editing_a_macro_keeps_its_own_title(supervisor):
    macro = _macro(supervisor)
    macro_services.macro_save(
        actor=supervisor, macro=macro, title_ar="رد عام", title_en="general reply", body_ar="ب", body_en="b"
    )
    assert Macro.objects.get().title_en == "general reply"


def test_an_unknown_macro_page_is_not_found(login, supervisor):
    assert login(supervisor).get("/tickets/macros/999999/").status_code == 404
    with pytest.raises(NotFound):
        selectors.macro_get(pk=999999)


def test_a_closed_ticket_refuses_a_reply_macro_and_keeps_its_state(agent, supervisor, ticket):
    set_status(ticket, "closed")
    with pytest.raises(Conflict):
        macro_services.ticket_apply_macro(ticket=ticket, macro=_macro(supervisor), actor=agent)
    assert not ticket.events.filter(kind="public_reply").exists()
