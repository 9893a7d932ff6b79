"""The supervisor's figures equal counts made by hand, and the statement figure calls.outbound."""

import datetime as dt

from apps.campaigns import selectors, services
from apps.campaigns.models import Kind
from apps.contacts.models import Channel, Outcome
from apps.contacts.selectors import purpose_by_code
from apps.contacts.services import contact_log

from .conftest import SUNDAY_10, at


def _work(campaign, agent, plan, calendar):
    """Claim and record in order; ``plan`` is a list of (instant, disposition, extra)."""
    for when, disposition, extra in plan:
        target = services.target_claim_next(campaign=campaign, actor=agent, now=when, calendar=calendar)
        services.target_record_disposition(
            target=target, actor=agent, disposition=disposition, now=when, calendar=calendar, **extra
        )


def test_figures_equal_the_hand_counted_ones(make_campaign, agent, supervisor, calendar):
    campaign = make_campaign(targets=6, max_attempts=2, min_gap_minutes=60)
    # Targets are handed by due time, then id: the fresh ones first, retries when due.
    _work(
        campaign,
        agent,
        [
            (at(5, 10, 0), "done", {}),  # target 0: reached, done
            (at(5, 10, 10), "no_answer", {}),  # target 1: attempt 1
            (at(5, 10, 20), "refused", {}),  # target 2: reached, refused
            (at(5, 10, 30), "callback", {"callback_at": at(6, 9)}),  # target 3: reached, due again
        ],
        calendar,
    )
    _work(
        campaign,
        supervisor,
        [
            (at(5, 10, 40), "busy", {}),  # target 4: attempt 1, due again 11:40
            (at(5, 10, 50), "no_answer", {}),  # target 5: attempt 1, due again 11:50
            (at(5, 11, 15), "no_answer", {}),  # target 1 (due 11:10): attempt 2 → exhausted
        ],
        calendar,
    )
    held = services.target_claim_next(campaign=campaign, actor=agent, now=at(5, 11, 45), calendar=calendar)
    assert held.cpr == "900000004"  # in a call now
    figures = selectors.campaign_figures(campaign=campaign)
    assert (figures.targets, figures.excluded) == (6, 0)
    assert figures.attempted == 6
    assert figures.reached == 3  # 0, 2, 3
    assert (figures.done, figures.refused, figures.exhausted, figures.unreachable) == (1, 1, 1, 0)
    assert figures.due == 3  # 3 (callback), 4 (in a call), 5 (retry)
    assert figures.in_call == 1
    assert figures.attempts == 7
    assert figures.attempts_per_target == [(1, 5), (2, 1)]
    assert [(r["hour"], r["attempts"], r["reached"]) for r in figures.by_hour] == [(10, 6, 3), (11, 1, 0)]
    per_agent = {row["agent_id"]: (row["attempts"], row["reached"], row["done"]) for row in figures.by_agent}
    assert per_agent == {agent.pk: (4, 3, 1), supervisor.pk: (3, 0, 0)}

    # Each figure's link lists exactly the targets it counts.
    def listed(**params):
        return sorted(t.cpr[-1] for t in selectors.filter_targets(campaign=campaign, params=params))

    assert listed(reached="yes") == ["0", "2", "3"]
    assert listed(status="due") == ["3", "4", "5"]
    assert listed(attempts="2") == ["1"]
    assert listed(hour="11") == ["1"]
    assert listed(agent=str(supervisor.pk)) == ["1", "4", "5"]
    assert listed(agent=str(agent.pk), disposition="reached") == ["0", "2", "3"]


def test_calls_outbound_counts_each_campaign_in_its_group_and_hand_logged_calls_by_purpose(
    make_campaign, agent, calendar
):
    update = make_campaign(targets=2)
    draw = make_campaign(kind=Kind.DRAW_INVITATION, targets=1, name_ar="دعوة السحب")
    _work(update, agent, [(at(5, 10), "no_answer", {}), (at(5, 10, 5), "done", {})], calendar)
    _work(draw, agent, [(at(5, 10, 10), "busy", {})], calendar)
    contact_log(
        actor=agent,
        channel=Channel.OUTBOUND_CALL,
        purpose=purpose_by_code(code="certificates_contracts"),
        outcome=Outcome.RESOLVED,
        answered_at=at(5, 11),
        now=at(5, 11, 5),
    )
    contact_log(  # an inbound call is not an outbound call
        actor=agent,
        channel=Channel.INBOUND_CALL,
        purpose=purpose_by_code(code="data_update"),
        outcome=Outcome.RESOLVED,
    )
    figure = selectors.outbound_calls(start=at(1, 0), end=at(1, 0, month=8))
    assert figure["total"] == 4
    assert figure["groups"] == {
        "data_update": 2,
        "electronic_draw": 1,
        "certificates_contracts": 1,
        "other": 0,
    }
    assert [(c["id"], c["calls"]) for c in figure["campaigns"]] == [(update.pk, 2), (draw.pk, 1)]
    june = selectors.outbound_calls(start=at(1, 0, month=6), end=at(1, 0))
    assert june["total"] == 0 and set(june["groups"].values()) == {0}


def test_excluded_targets_are_counted_apart(make_campaign, supervisor):
    from apps.campaigns import imports
    from apps.campaigns.services import opt_out_add

    opt_out_add(cpr="900000001", kind="", reason="طلب المواطن", actor=supervisor)
    campaign = make_campaign()
    from .conftest import records

    imports.targets_add(campaign=campaign, records=records(3), actor=supervisor, now=SUNDAY_10)
    figures = selectors.campaign_figures(campaign=campaign)
    assert (figures.targets, figures.excluded, figures.due) == (2, 1, 2)
    assert [t.cpr for t in selectors.filter_targets(campaign=campaign, params={"status": "excluded"})] == [
        "900000001"
    ]
    assert dt.date.today()  # the figures need no clock
