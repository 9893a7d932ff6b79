"""Versioned SLA policies: choosing the one in force, targets, versions, defaults."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone, translation

from apps.sla import seed as sla_seed
from apps.sla import services
from apps.sla.clocks import Target, TargetSpec, Unit
from apps.sla.errors import PolicyInvalid, PolicyNotFound, PolicyScopeTaken
from apps.sla.keys import priority_for_maintenance_urgency
from apps.sla.models import Policy, PolicyVersion
from apps.sla.selectors import policy_for

BH = ZoneInfo("Asia/Bahrain")
WD = "working_days"


def make(kind=None, channel=None, priority=None, resolution=(10, WD), **targets):
    return services.policy_create(
        name_ar="سياسة",
        name_en="Policy",
        kind=kind,
        channel=channel,
        priority=priority,
        targets={"resolution": resolution, **targets},
        actor=None,
    )


def resolution(version):
    return version.targets()[Target.RESOLUTION]


# --- choosing ------------------------------------------------------------------------------


def test_the_most_specific_policy_wins(db):
    make(kind="maintenance", resolution=(20, WD))
    make(kind="maintenance", priority="urgent", resolution=(1, "calendar_days"))
    version = policy_for(kind="maintenance", channel="phone", priority="urgent")
    assert resolution(version) == TargetSpec(1, Unit.CALENDAR_DAYS)


def test_a_policy_for_any_value_covers_what_no_specific_one_does(db):
    make(kind="maintenance", resolution=(20, WD))
    make(kind="maintenance", priority="urgent", resolution=(1, "calendar_days"))
    assert resolution(policy_for(kind="maintenance", channel="phone", priority="low")) == TargetSpec(
        20, Unit.WORKING_DAYS
    )


def test_on_equal_specificity_the_channel_policy_wins(db):
    make(kind="complaint", resolution=(10, WD))
    make(channel="tawasul", resolution=(14, WD))
    assert resolution(policy_for(kind="complaint", channel="tawasul", priority="normal")).value == 14


def test_no_matching_policy_is_a_clear_error(db):
    make(kind="complaint")
    with pytest.raises(PolicyNotFound) as missing:
        policy_for(kind="inquiry", channel="phone", priority="normal")
    assert missing.value.code == "sla_policy_missing"


def test_choosing_a_policy_takes_one_query(db, django_assert_num_queries):
    make(kind="complaint")
    make(channel="tawasul")
    make(kind="complaint", channel="tawasul")
    with django_assert_num_queries(2):  # the policies, and their versions in force
        version = policy_for(kind="complaint", channel="tawasul", priority="high")
        assert version.policy.channel == "tawasul"


# --- versions ------------------------------------------------------------------------------


def test_a_policy_change_applies_to_new_tickets_only(db, admin_user):
    with time_machine.travel(datetime(2026, 4, 5, 9, 0, tzinfo=BH), tick=False):
        policy = make(kind="inquiry", resolution=(5, WD))
        first = policy_for(kind="inquiry", channel="phone", priority="normal")
    ticket_created_at = datetime(2026, 4, 6, 9, 0, tzinfo=BH)
    with time_machine.travel(datetime(2026, 4, 7, 9, 0, tzinfo=BH), tick=False):
        second = services.policy_version_create(
            policy=policy, targets={"resolution": (3, WD)}, actor=admin_user
        )
        assert policy_for(kind="inquiry", channel="phone", priority="normal") == second
        # A ticket created before the change keeps the version it started under.
        assert policy_for(kind="inquiry", channel="phone", priority="normal", at=ticket_created_at) == first
    first.refresh_from_db()
    assert (first.number, first.resolution_value, second.number, second.resolution_value) == (1, 5, 2, 3)


def test_a_version_is_never_edited_in_place(db):
    make(kind="inquiry")
    version = PolicyVersion.objects.get()
    version.resolution_value = 99
    with pytest.raises(ValueError):
        version.save()
    version.refresh_from_db()
    assert version.resolution_value == 10


def test_a_version_cannot_take_effect_in_the_past(db, admin_user):
    policy = make(kind="inquiry")
    with pytest.raises(PolicyInvalid) as refused:
        services.policy_version_create(
            policy=policy,
            targets={"resolution": (3, WD)},
            actor=admin_user,
            effective_from=timezone.now() - timedelta(days=1),
        )
    assert refused.value.code == "sla_policy_effective_in_past"
    assert policy.versions.count() == 1


def test_a_version_can_be_scheduled_for_later(db, admin_user):
    policy = make(kind="inquiry", resolution=(5, WD))
    services.policy_version_create(
        policy=policy,
        targets={"resolution": (3, WD)},
        actor=admin_user,
        effective_from=timezone.now() + timedelta(days=7),
    )
    assert policy_for(kind="inquiry", channel="web", priority="low").resolution_value == 5
    later = timezone.now() + timedelta(days=8)
    assert policy_for(kind="inquiry", channel="web", priority="low", at=later).resolution_value == 3


def test_a_retired_policy_no_longer_applies_to_new_tickets(db, admin_user):
    make(kind="complaint", resolution=(10, WD))
    channel_policy = make(channel="tawasul", resolution=(14, WD))
    before = timezone.now()
    services.policy_retire(policy=channel_policy, actor=admin_user)
    assert policy_for(kind="complaint", channel="tawasul", priority="normal").resolution_value == 10
    assert (
        policy_for(kind="complaint", channel="tawasul", priority="normal", at=before).resolution_value == 14
    )


def test_a_second_policy_for_the_same_scope_is_refused(db):
    make(kind="complaint", channel=None)
    with pytest.raises(PolicyScopeTaken):
        make(kind="complaint", channel=None)
    assert Policy.objects.count() == 1


# --- targets -------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["first_response", "resolution"])
def test_a_zero_target_other_than_acknowledgement_is_refused(db, target):
    with pytest.raises(PolicyInvalid) as refused:
        services.policy_create(
            name_ar="س",
            name_en="P",
            kind="inquiry",
            channel=None,
            priority=None,
            targets={target: (0, WD)},
            actor=None,
        )
    assert refused.value.code == "sla_target_zero"
    assert not Policy.objects.exists()


@pytest.mark.parametrize("target", ["acknowledgement", "first_response", "resolution"])
def test_a_negative_target_is_refused(db, target):
    with pytest.raises(PolicyInvalid) as refused:
        services.policy_create(
            name_ar="س",
            name_en="P",
            kind="inquiry",
            channel=None,
            priority=None,
            targets={target: (-1, WD)},
            actor=None,
        )
    assert refused.value.code == "sla_target_negative"
    assert not Policy.objects.exists()


def test_acknowledgement_at_once_is_a_zero_target(db):
    make(kind="complaint", acknowledgement=(0, "working_hours"))
    version = policy_for(kind="complaint", channel="phone", priority="normal")
    assert version.targets()[Target.ACKNOWLEDGEMENT] == TargetSpec(0, Unit.WORKING_HOURS)


def test_a_target_without_a_unit_is_refused(db):
    with pytest.raises(PolicyInvalid) as refused:
        make(kind="complaint", resolution=(10, None))
    assert refused.value.code == "sla_target_unit_missing"


def test_a_policy_without_any_target_is_refused(db):
    with pytest.raises(PolicyInvalid) as refused:
        make(kind="complaint", resolution=None)
    assert refused.value.code == "sla_target_missing"


def test_a_zero_target_is_refused_in_arabic_naming_the_target(db):
    with translation.override("ar"), pytest.raises(PolicyInvalid) as refused:
        make(kind="complaint", resolution=(0, WD))
    assert (
        str(refused.value.message)
        == "المستهدف صفر يعني «فورًا» وهو مسموح للإقرار بالاستلام فقط (الرد النهائي)."
    )


# --- defaults ------------------------------------------------------------------------------


def test_the_defaults_follow_the_design(db):
    sla_seed.seed_policies()

    def targets(kind, channel="phone", priority="normal"):
        version = policy_for(kind=kind, channel=channel, priority=priority)
        return {t.value: (s.value, s.unit.value) for t, s in version.targets().items()}

    assert targets("complaint") == {
        "acknowledgement": (0, "working_hours"),
        "first_response": (2, WD),
        "resolution": (10, WD),
    }
    assert targets("inquiry") == {"resolution": (5, WD)}
    assert targets("suggestion") == {"acknowledgement": (5, WD), "resolution": (20, WD)}
    assert targets("maintenance", priority=priority_for_maintenance_urgency("emergency")) == {
        "resolution": (1, "calendar_days")
    }
    assert targets("maintenance", priority=priority_for_maintenance_urgency("urgent")) == {
        "resolution": (5, WD)
    }
    assert targets("maintenance", priority=priority_for_maintenance_urgency("routine")) == {
        "resolution": (20, WD)
    }
    assert targets("inquiry", channel="uyc") == {"resolution": (30, "calendar_days")}
    assert targets("inquiry", channel="tawasul") == {"resolution": (14, WD)}
    assert targets("complaint", channel="tawasul") == {
        "acknowledgement": (0, "working_hours"),
        "first_response": (2, WD),
        "resolution": (14, WD),
    }


def test_seeding_the_defaults_twice_adds_nothing(db):
    sla_seed.seed_policies()
    count = PolicyVersion.objects.count()
    assert sla_seed.seed_policies() == 0
    assert PolicyVersion.objects.count() == count
