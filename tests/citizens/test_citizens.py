import pytest

from apps.citizens import selectors, services
from apps.citizens.models import CitizenAccess, CitizenPhone
from apps.core.errors import Conflict, PermissionDenied, ValidationFailed


@pytest.fixture
def citizen(agent):
    return services.citizen_create(
        cpr="880412345", name_ar="أحمد علي", phones=["3600 1234", "17001234"], actor=agent
    )


def test_cpr_accepts_arabic_indic_digits_and_separators(agent):
    created = services.citizen_create(cpr="٨٨٠-٤١٢ ٣٤٦", name_ar="سارة", actor=agent)
    assert created.cpr == "880412346"


@pytest.mark.parametrize("bad", ["12345678", "1234567890", "12345678a", ""])
def test_a_cpr_that_is_not_nine_digits_is_refused_and_nothing_saved(agent, bad):
    with pytest.raises(ValidationFailed) as error:
        services.citizen_create(cpr=bad, name_ar="سارة", phones=["36001234"], actor=agent)
    assert error.value.code == "invalid_cpr"
    assert not CitizenPhone.objects.exists()


def test_a_cpr_is_unique(citizen, agent):
    with pytest.raises(Conflict):
        services.citizen_create(cpr="880412345", name_ar="آخر", actor=agent)


def test_phones_are_stored_in_e164_with_the_first_primary(citizen):
    phones = list(citizen.phones.order_by("id"))
    assert [str(p.number) for p in phones] == ["+97336001234", "+97317001234"]
    assert [p.is_primary for p in phones] == [True, False]


def test_an_invalid_phone_refuses_the_whole_citizen(agent):
    with pytest.raises(ValidationFailed) as error:
        services.citizen_create(cpr="880412399", name_ar="سارة", phones=["12"], actor=agent)
    assert error.value.code == "invalid_phone"
    from apps.citizens.models import Citizen

    assert not Citizen.objects.filter(cpr="880412399").exists()


def test_confirming_a_phone_records_who_and_when(citizen, agent):
    phone = citizen.phones.get(is_primary=True)
    services.citizen_phone_confirm(phone=phone, actor=agent)
    phone.refresh_from_db()
    assert phone.confirmed_by == agent and phone.confirmed_at is not None


def test_a_new_primary_replaces_the_old_one(citizen, agent):
    phone = services.citizen_phone_add(citizen=citizen, number="+97339998888", actor=agent, make_primary=True)
    assert citizen.phones.get(is_primary=True) == phone
    assert citizen.phones.filter(is_primary=True).count() == 1


def test_search_finds_by_cpr_or_by_any_phone(citizen, agent):
    assert selectors.citizen_search(query="٨٨٠٤١٢٣٤٥", viewer=agent) == [citizen]
    assert selectors.citizen_search(query="1700 1234", viewer=agent) == [citizen]
    assert selectors.citizen_search(query="+973 3999 9999", viewer=agent) == []


def test_a_department_officer_cannot_search_citizens(citizen, officer):
    with pytest.raises(PermissionDenied):
        selectors.citizen_search(query="880412345", viewer=officer)


def test_reading_a_citizen_file_is_logged(citizen, agent):
    selectors.citizen_file(citizen_id=citizen.pk, viewer=agent, purpose="console")
    access = CitizenAccess.objects.get()
    assert (access.user, access.citizen, access.purpose) == (agent, citizen, "console")


def test_cpr_is_masked_for_lists(citizen):
    assert citizen.masked_cpr == "*****2345"
