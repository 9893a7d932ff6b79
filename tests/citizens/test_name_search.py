"""Finding citizens by name (issue 18, part 6): Arabic spelling variants, the article,
"عبد الله"/"عبدالله", partial names, Latin spellings, ranking, bad input, who may search,
what they see, and that a pick-list is not a read of anyone's file."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.test import APIClient

from apps.citizens import selectors, services
from apps.citizens.models import Citizen, CitizenAccess
from apps.core.arabic import name_key
from apps.core.errors import PermissionDenied, ValidationFailed
from apps.privacy.history.models import Change
from tests.citizens.factories import CitizenFactory


def search(query, viewer):
    return selectors.citizen_search(query=query, viewer=viewer, names=True)


def names(query, viewer):
    return [match.name_ar for match in search(query, viewer)]


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("أحمد يوسف", "احمد يوسف"),
        ("إبراهيم خليل", "ابراهيم خليل"),
        ("آمنة سالم", "امنه سالم"),
        ("أسامة راشد", "إسامه راشد"),
    ],
)
def test_every_hamza_form_of_alef_finds_the_name(agent, stored, typed):
    CitizenFactory(name_ar=stored)
    assert names(typed, agent) == [stored]


def test_taa_marbuta_and_haa_find_each_other(agent):
    CitizenFactory(name_ar="فاطمة حمزة")
    CitizenFactory(name_ar="عائشه طلحه")
    assert names("فاطمه حمزه", agent) == ["فاطمة حمزة"]
    assert names("عائشة طلحة", agent) == ["عائشه طلحه"]


def test_alef_maqsura_and_yaa_find_each_other(agent):
    CitizenFactory(name_ar="مصطفى عيسى")
    CitizenFactory(name_ar="موسي يحيي")
    assert names("مصطفي عيسي", agent) == ["مصطفى عيسى"]
    assert names("موسى يحيى", agent) == ["موسي يحيي"]


def test_diacritics_typed_or_stored_are_ignored(agent):
    CitizenFactory(name_ar="مُحَمَّد عَلِيّ")
    CitizenFactory(name_ar="خالد سعيد")
    assert names("محمد علي", agent) == ["مُحَمَّد عَلِيّ"]
    assert names("خَالِد سَعِيد", agent) == ["خالد سعيد"]


def test_the_article_is_optional_on_any_word(agent):
    CitizenFactory(name_ar="حسن الشيخ المناعي")
    CitizenFactory(name_ar="نورة جاسم بوعلي")
    assert names("حسن شيخ مناعي", agent) == ["حسن الشيخ المناعي"]
    assert names("الحسن الشيخ", agent) == ["حسن الشيخ المناعي"]
    assert names("النورة الجاسم", agent) == ["نورة جاسم بوعلي"]


def test_abdullah_in_one_word_or_two_is_the_same_name(agent):
    CitizenFactory(name_ar="عبد الله راشد")
    CitizenFactory(name_ar="عبدالرحمن يوسف")
    assert names("عبدالله راشد", agent) == ["عبد الله راشد"]
    assert names("عبد الرحمن", agent) == ["عبدالرحمن يوسف"]


def test_a_partial_name_skips_connectors_and_words_in_between(agent):
    CitizenFactory(name_ar="محمد بن علي")
    CitizenFactory(name_ar="محمد جاسم علي الدوسري")
    CitizenFactory(name_ar="محمد جاسم")
    found = names("محمد علي", agent)
    assert sorted(found) == ["محمد بن علي", "محمد جاسم علي الدوسري"]
    assert names("محمد بن علي", agent)[0] == "محمد بن علي"
    assert names("مريم بنت محمد", agent) == []


def test_a_latin_spelling_kept_on_the_file_finds_the_citizen(agent):
    CitizenFactory(name_ar="محمد علي", name_en="Mohammed Ali", latin_names="Muhammad/Mohamed Ali")
    CitizenFactory(name_ar="علي حسن", name_en="Ali Hasan")
    assert names("Muhammad Ali", agent) == ["محمد علي"]
    assert names("Mohamed", agent) == ["محمد علي"]
    assert names("Mohammed Ali", agent) == ["محمد علي"]


def test_the_latin_article_is_optional_too(agent):
    CitizenFactory(name_ar="خالد الدوسري", name_en="Khalid Aldosari")
    CitizenFactory(name_ar="خالد حسن", name_en="Khalid Hasan Al Dosari")
    assert names("Khalid Al Dosari", agent) == ["خالد حسن", "خالد الدوسري"]


def test_latin_names_are_matched_in_any_case(agent):
    CitizenFactory(name_ar="سارة", name_en="Sarah Al-Khalifa", latin_names="Sara")
    assert names("SARAH al-KHALIFA", agent) == ["سارة"]
    assert names("khalifa", agent) == ["سارة"]
    assert names("sArA", agent) == ["سارة"]


def test_exact_words_beat_word_starts_beat_pieces_of_words_then_the_order_typed(agent):
    CitizenFactory(name_ar="عليان محمدي")  # pieces / starts of words
    CitizenFactory(name_ar="علي محمد")  # both exact, typed order reversed
    CitizenFactory(name_ar="محمد علي")  # both exact, in typed order
    CitizenFactory(name_ar="محمد عليوي")  # one exact, one word start
    CitizenFactory(name_ar="أبومحمد بوعلي")  # pieces of words only
    assert names("محمد علي", agent) == ["محمد علي", "علي محمد", "محمد عليوي", "عليان محمدي", "أبومحمد بوعلي"]


def test_the_words_side_by_side_as_typed_come_before_the_same_words_further_apart(agent):
    CitizenFactory(name_ar="محمد حسن علي")
    CitizenFactory(name_ar="حسن علي محمد")
    CitizenFactory(name_ar="محمد علي حسن")
    assert names("محمد علي", agent) == ["محمد علي حسن", "محمد حسن علي", "حسن علي محمد"]


def test_an_unrelated_name_finds_nobody(agent):
    CitizenFactory(name_ar="محمد علي", name_en="Mohammed Ali")
    assert names("يوسف إبراهيم", agent) == []
    assert names("Yousif", agent) == []


def test_a_single_letter_is_ignored(agent):
    CitizenFactory(name_ar="محمد علي")
    CitizenFactory(name_ar="محمد ع سالم")
    assert names("محمد ع", agent) == names("محمد", agent)
    assert names("ع", agent) == [] and names("a", agent) == []


@pytest.mark.parametrize(
    "query", ["%", "_", "%_%", "'; drop table citizens_citizen; --", "(((", "علي\\", "a.*b"]
)
def test_odd_characters_are_not_patterns(agent, query):
    CitizenFactory(name_ar="محمد علي")
    assert search(query, agent) == [] or names(query, agent) == ["محمد علي"]
    assert Citizen.objects.count() == 1


def test_a_name_too_long_is_a_clear_error(agent):
    with pytest.raises(ValidationFailed) as raised:
        search("محمد " * 30, agent)
    assert raised.value.code == "name_query_too_long"


def test_a_name_too_long_is_explained_in_arabic_and_in_english(agent):
    messages = {}
    for language in ("ar", "en"):
        with translation.override(language), pytest.raises(ValidationFailed) as raised:
            search("ب" * 500, agent)
        messages[language] = str(raised.value.message)
    assert messages["en"] == "A name to search for is at most 100 characters."
    assert messages["ar"] == "الاسم المبحوث عنه لا يتجاوز 100 حرفًا."


def test_the_api_answers_bad_input_with_a_clear_error_or_nothing_never_a_500(agent):
    CitizenFactory(name_ar="محمد علي")
    client = APIClient()
    client.force_authenticate(agent)
    response = client.get("/api/v1/citizens/", {"q": "ب" * 500})
    assert response.status_code == 400 and response.json()["code"] == "name_query_too_long"
    assert response.json()["message"]
    for query in ("!!!", "ـ", "؟؟", "a", "%%", "بن بنت"):
        response = client.get("/api/v1/citizens/", {"q": query})
        assert response.status_code == 200 and response.json()["results"] == [], query


def test_the_api_finds_citizens_by_name_with_their_cpr_for_those_who_see_identities(agent):
    citizen = CitizenFactory(name_ar="يوسف بن أحمد", cpr="880412345")
    client = APIClient()
    client.force_authenticate(agent)
    response = client.get("/api/v1/citizens/", {"q": "يوسف احمد"})
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == citizen.pk and row["cpr"] == "880412345" and row["masked_cpr"] == "*****2345"
    assert "phones" not in row
    assert not CitizenAccess.objects.exists()


@pytest.fixture
def viewer_without_identity(db):
    from apps.accounts.models import User

    user = User.objects.create_user(username="reader", password="x")
    user.user_permissions.add(
        Permission.objects.get(codename="view_citizen", content_type__app_label="citizens")
    )
    return User.objects.get(pk=user.pk)


def test_those_who_may_not_see_identities_get_the_cpr_masked(viewer_without_identity):
    CitizenFactory(name_ar="يوسف بن أحمد", cpr="880412345")
    [match] = search("يوسف", viewer_without_identity)
    assert match.cpr == "*****2345"
    client = APIClient()
    client.force_authenticate(viewer_without_identity)
    response = client.get("/api/v1/citizens/", {"q": "يوسف"})
    assert response.status_code == 200 and "880412345" not in response.content.decode()
    # …and still may not look anyone up by CPR.
    assert client.get("/api/v1/citizens/", {"q": "880412345"}).status_code == 403


def test_staff_who_may_not_view_citizens_may_not_search_by_name(officer, outsider):
    CitizenFactory(name_ar="يوسف بن أحمد", cpr="880412345")
    for user in (officer, outsider):
        with pytest.raises(PermissionDenied):
            search("يوسف", user)
        client = APIClient()
        client.force_authenticate(user)
        response = client.get("/api/v1/citizens/", {"q": "يوسف"})
        assert response.status_code == 403 and "يوسف" not in response.content.decode()
    assert not CitizenAccess.objects.exists()


def test_a_pick_list_is_not_a_read_of_a_file_and_opening_one_is(login, agent):
    citizen = CitizenFactory(name_ar="يوسف بن أحمد")
    client = login(agent)
    response = client.get("/console/", {"q": "يوسف"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="caller-card")
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="candidates"' in html
    assert 'data-testid="citizen-card"' not in html and citizen.masked_cpr in html and citizen.cpr not in html
    assert not CitizenAccess.objects.exists()
    client.get("/console/", {"citizen": citizen.pk})
    assert list(CitizenAccess.objects.values_list("citizen_id", "user_id")) == [(citizen.pk, agent.pk)]


def test_the_console_shows_a_ranked_pick_list_even_for_one_name(login, agent):
    CitizenFactory(name_ar="علي محمد")
    CitizenFactory(name_ar="محمد علي")
    client = login(agent)
    response = client.get(
        "/console/", {"q": "محمد علي"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="caller-card"
    )
    html = response.content.decode()
    assert html.index("محمد علي") < html.index("علي محمد")
    response = client.get("/console/", {"q": "سلمان"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="caller-card")
    assert 'data-testid="no-name-match"' in response.content.decode()
    assert 'data-testid="new-citizen-form"' not in response.content.decode()


def test_the_ticket_page_look_up_lists_names(login, agent):
    citizen = CitizenFactory(name_ar="هدى المطوع")
    client = login(agent)
    response = client.get("/citizens/lookup/", {"q": "هدي مطوع"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="lookup-name-match"' in html
    assert f"/citizens/{citizen.pk}/card/" in html and not CitizenAccess.objects.exists()


@pytest.mark.parametrize("count", [2, 25])
def test_a_name_search_takes_one_statement_whatever_the_number_found(agent, count):
    for i in range(count):
        CitizenFactory(name_ar=f"محمد علي {i}")
    search("محمد علي", agent)  # the viewer's permissions are read once, then cached
    with CaptureQueriesContext(connection) as queries:
        found = search("محمد علي", agent)
    assert len(found) == min(count, 20) and len(queries) == 1


@pytest.mark.parametrize("count", [2, 25])
def test_the_console_name_look_up_takes_the_same_statements_whatever_the_number_found(login, agent, count):
    from tests.query_budget import exactly

    for i in range(count):
        CitizenFactory(name_ar=f"محمد علي {i}")
    client = login(agent)
    # the user, the search (the delegations that decide who reads a confidential entry come
    # from the process's copy of the open ones)
    response = exactly(
        2,
        lambda: client.get(
            "/console/", {"q": "محمد علي"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="caller-card"
        ),
    )
    assert response.content.decode().count('href="/console/?citizen=') == min(count, 20)


def test_the_latin_spellings_are_changed_with_a_reason_kept_in_the_history(agent):
    citizen = CitizenFactory(name_ar="محمد علي", name_en="Mohammed Ali")
    services.citizen_update(
        citizen=citizen, actor=agent, reason="Caller spells it so", latin_names="Muhammad / Mohamed Ali"
    )
    assert names("Mohamed", agent) == ["محمد علي"]
    change = Change.objects.filter(citizen_id=citizen.pk, reason="Caller spells it so").get()
    assert "latin_names" in str(change.__dict__) and "search_names" not in str(change.__dict__)


def test_the_edit_page_changes_the_latin_spellings(login, agent):
    citizen = CitizenFactory(name_ar="محمد علي")
    client = login(agent)
    response = client.post(
        f"/citizens/{citizen.pk}/edit/",
        {"name_ar": "محمد علي", "latin_names": "Mohamad", "language": "ar", "reason": "Spelling"},
    )
    assert response.status_code == 302
    assert Citizen.objects.get(pk=citizen.pk).latin_names == "Mohamad"


def test_the_api_changes_the_latin_spellings_with_a_reason(agent):
    citizen = CitizenFactory(name_ar="محمد علي")
    client = APIClient()
    client.force_authenticate(agent)
    response = client.patch(
        f"/api/v1/citizens/{citizen.pk}/", {"latin_names": "Mohd", "reason": "Spelling"}, format="json"
    )
    assert response.status_code == 200 and response.json()["latin_names"] == "Mohd"
    assert names("mohd", agent) == ["محمد علي"]
    response = client.patch(f"/api/v1/citizens/{citizen.pk}/", {"latin_names": "X"}, format="json")
    assert response.status_code == 400 and Citizen.objects.get(pk=citizen.pk).latin_names == "Mohd"


@pytest.mark.parametrize(
    ("name_ar", "name_en", "latin"),
    [
        ("عبد الله بن أحمد الشيخ", "Abdulla", "Mohammed/Muhammad Al-Khalifa"),
        ("أبو بكر آل خليفة", "", ""),
        ("فاطِمَة الزهراء", "FATIMA", "Fatma, Fatimah"),
        ("محمد عبد", "Ali", ""),
        ("  سلمى   الـــعلي ", "", "x"),
    ],
)
def test_the_stored_column_equals_the_python_fold(agent, name_ar, name_en, latin):
    citizen = CitizenFactory(name_ar=name_ar, name_en=name_en, latin_names=latin)
    stored = Citizen.objects.values_list("search_names", flat=True).get(pk=citizen.pk)
    citizen.refresh_from_db()
    assert stored == Citizen.search_key(
        name_ar=citizen.name_ar, name_en=citizen.name_en, latin_names=citizen.latin_names
    )
    assert name_key("عبد الله") == name_key("عبدالله") == " عبدالله "


def test_the_admin_edits_the_latin_spellings(client, django_user_model):
    citizen = CitizenFactory(name_ar="محمد علي")
    root = django_user_model.objects.create_superuser(username="root", password="x", email="r@example.com")
    client.force_login(root)
    response = client.get(f"/admin/citizens/citizen/{citizen.pk}/change/")
    assert response.status_code == 200 and 'name="latin_names"' in response.content.decode()
    assert 'name="search_names"' not in response.content.decode()
