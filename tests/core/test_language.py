from django.urls import reverse

from apps.core.forms import LatinDigitsIntegerField
from apps.core.text import latin_digits


def test_pages_are_arabic_and_right_to_left_by_default(client, db):
    html = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html


def test_the_public_switch_to_english_persists_in_the_session_cookie(client, db):
    client.post(reverse("core:set_language"), {"language": "en", "next": "/accounts/login/"})
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "bootstrap.min.css" in html and "bootstrap.rtl" not in html


def test_a_staff_members_choice_persists_across_sessions(client, agent):
    client.force_login(agent)
    client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    agent.refresh_from_db()
    assert agent.language == "en"
    client.logout()
    client.cookies.clear()
    client.force_login(agent)
    assert '<html lang="en" dir="ltr">' in client.get(reverse("core:home")).content.decode()


def test_an_unknown_language_changes_nothing(client, agent):
    client.force_login(agent)
    client.post(reverse("core:set_language"), {"language": "fr", "next": "/"})
    agent.refresh_from_db()
    assert agent.language == "ar"


def test_dates_show_the_hijri_date_beside_the_gregorian(client, agent):
    import time_machine

    with time_machine.travel("2026-11-28 09:00 +03:00", tick=False):
        client.force_login(agent)
        html = client.get(reverse("core:home")).content.decode()
    assert "جمادى الآخرة 1448" in html


def test_input_accepts_arabic_indic_digits():
    assert latin_digits("٠١٢٣٤٥٦٧٨٩ ۴") == "0123456789 4"
    assert LatinDigitsIntegerField().clean("٢٠٢٦") == 2026


def test_navigation_shows_each_role_only_what_it_may_use(client, agent, admin_user):
    client.force_login(agent)
    assert 'data-nav="admin"' not in client.get(reverse("core:home")).content.decode()
    client.force_login(admin_user)
    assert 'data-nav="admin"' in client.get(reverse("core:home")).content.decode()
