"""“Next call”: one target to one agent, never the same to two (threads on the real database)."""

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from apps.accounts import services as account_services
from apps.accounts.roles import Role
from apps.campaigns import services
from apps.campaigns.models import Target
from apps.core.errors import Conflict
from apps.sla.selectors import get_calendar

from .conftest import SUNDAY_10, at


def test_it_hands_the_oldest_due_target_and_marks_it_claimed(make_campaign, agent, calendar):
    campaign = make_campaign(targets=3)
    target = services.target_claim_next(campaign=campaign, actor=agent, now=SUNDAY_10, calendar=calendar)
    target.refresh_from_db()
    assert target.status == Target.Status.CLAIMED
    assert target.claimed_by == agent
    assert target.cpr == "900000000"


def test_an_agent_gets_back_the_target_they_already_hold(make_campaign, agent, calendar):
    campaign = make_campaign(targets=3)
    first = services.target_claim_next(campaign=campaign, actor=agent, now=SUNDAY_10, calendar=calendar)
    again = services.target_claim_next(campaign=campaign, actor=agent, now=SUNDAY_10, calendar=calendar)
    assert again.pk == first.pk
    assert Target.objects.filter(status=Target.Status.CLAIMED).count() == 1


def test_it_refuses_outside_calling_hours_and_on_a_paused_campaign(
    make_campaign, agent, supervisor, calendar
):
    campaign = make_campaign(targets=1)
    with pytest.raises(Conflict) as late:
        services.target_claim_next(campaign=campaign, actor=agent, now=at(5, 20, 30), calendar=calendar)
    assert late.value.code == "outside_calling_hours"
    with pytest.raises(Conflict):  # Friday
        services.target_claim_next(campaign=campaign, actor=agent, now=at(3, 10), calendar=calendar)
    services.campaign_transition(campaign=campaign, to_status="paused", actor=supervisor)
    campaign.refresh_from_db()
    with pytest.raises(Conflict) as paused:
        services.target_claim_next(campaign=campaign, actor=agent, now=SUNDAY_10, calendar=calendar)
    assert paused.value.code == "campaign_not_running"


def test_a_callback_for_one_agent_is_never_handed_to_another(make_campaign, agent, supervisor, calendar):
    campaign = make_campaign(targets=1)
    target = services.target_claim_next(campaign=campaign, actor=agent, now=SUNDAY_10, calendar=calendar)
    services.target_record_disposition(
        target=target,
        actor=agent,
        disposition="callback",
        callback_at=at(5, 12),
        callback_mine=True,
        now=SUNDAY_10,
        calendar=calendar,
    )
    assert (
        services.target_claim_next(campaign=campaign, actor=supervisor, now=at(5, 12, 5), calendar=calendar)
        is None
    )
    assert (
        services.target_claim_next(campaign=campaign, actor=agent, now=at(5, 11), calendar=calendar) is None
    )
    mine = services.target_claim_next(campaign=campaign, actor=agent, now=at(5, 12, 5), calendar=calendar)
    assert mine.pk == target.pk


def test_stale_claims_go_back_on_the_list(make_campaign, agent, calendar):
    campaign = make_campaign(targets=1)
    services.target_claim_next(campaign=campaign, actor=agent, now=SUNDAY_10, calendar=calendar)
    assert services.targets_release_stale(now=at(5, 10, 20)) == 0
    assert services.targets_release_stale(now=at(5, 10, 31)) == 1
    assert Target.objects.get().status == Target.Status.PENDING


@pytest.mark.django_db(transaction=True)
def test_concurrent_agents_never_get_the_same_target(make_campaign):
    """Eight agents in eight threads (eight connections) claim and finish targets until the
    list is empty: every target is handed out exactly once."""
    campaign = make_campaign(targets=240)
    agents = [
        account_services.user_create(
            username=f"agent{i}", password="x-pass-123456", roles=[Role.AGENT], actor=None
        )
        for i in range(8)
    ]
    calendar = get_calendar()
    claims: list[list[int]] = [[] for _ in agents]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(agents))

    def work(index: int, user) -> None:
        try:
            barrier.wait()
            while True:
                target = services.target_claim_next(
                    campaign=campaign, actor=user, now=SUNDAY_10, calendar=calendar
                )
                if target is None:
                    break
                claims[index].append(target.pk)
                # The call ends: the target leaves the list (as a disposition would).
                with connection.cursor() as cursor:
                    cursor.execute("UPDATE campaigns_target SET status = 'done' WHERE id = %s", [target.pk])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, user)) for i, user in enumerate(agents)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    handed = Counter(pk for per_agent in claims for pk in per_agent)
    assert len(handed) == 240
    assert max(handed.values()) == 1
    assert sum(1 for per_agent in claims if per_agent) > 1  # the work was really shared
