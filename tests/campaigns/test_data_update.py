"""A data-update call confirms or changes phones and address, with who and when."""

from apps.campaigns import services
from apps.campaigns.models import DataChange, WrongNumber
from apps.citizens import timeline
from apps.citizens.models import CitizenPhoneEvent

from .conftest import SUNDAY_10


def test_a_data_update_call_records_the_phone_confirmation_with_who_and_when(make_campaign, agent, calendar):
    campaign = make_campaign(targets=1)
    target = services.target_claim_next(campaign=campaign, actor=agent, now=SUNDAY_10, calendar=calendar)
    target = services.target_ensure_citizen(target=target, actor=agent)
    phone = target.citizen.phones.get()
    services.data_update_confirm_phone(target=target, phone_id=phone.pk, actor=agent, now=SUNDAY_10)
    phone.refresh_from_db()
    assert (phone.confirmed_by, phone.confirmed_at) == (agent, SUNDAY_10)
    assert CitizenPhoneEvent.objects.filter(
        number=str(phone.number), action="confirmed", actor=agent
    ).exists()
    change = DataChange.objects.get()
    assert (change.what, change.actor, change.at) == (DataChange.What.PHONE_CONFIRMED, agent, SUNDAY_10)


def test_it_adds_a_number_flags_a_wrong_one_and_changes_the_address(make_campaign, agent, calendar):
    campaign = make_campaign(targets=1)
    target = services.target_claim_next(campaign=campaign, actor=agent, now=SUNDAY_10, calendar=calendar)
    target = services.target_ensure_citizen(target=target, actor=agent)
    old = target.citizen.phones.get()
    services.data_update_add_phone(target=target, number="3912 3456", make_primary=True, actor=agent)
    services.data_update_flag_wrong_phone(target=target, phone_id=old.pk, actor=agent)
    services.data_update_address(
        target=target,
        address={"block": "338", "road": "3803", "building": "12", "area": "العدلية"},
        actor=agent,
    )
    citizen = target.citizen
    citizen.refresh_from_db()
    assert citizen.phones.get(is_primary=True).number == "+97339123456"
    assert WrongNumber.objects.filter(number=str(old.number)).exists()
    assert (citizen.block, citizen.road, citizen.area) == ("338", "3803", "العدلية")
    kinds = [c.what for c in DataChange.objects.order_by("id")]
    assert kinds == ["phone_added", "phone_wrong", "address_changed"]
    entries = timeline.citizen_timeline(citizen=citizen, viewer=agent).entries
    assert any(e.kind == "address" and "العدلية" in dict(e.details).values().__str__() for e in entries)


def test_confirming_an_unchanged_address_is_recorded_as_a_confirmation(make_campaign, agent, calendar):
    campaign = make_campaign(targets=1)
    target = services.target_claim_next(campaign=campaign, actor=agent, now=SUNDAY_10, calendar=calendar)
    target = services.target_ensure_citizen(target=target, actor=agent)
    services.data_update_address(target=target, address={}, actor=agent)
    assert DataChange.objects.get().what == DataChange.What.ADDRESS_CONFIRMED
