"""Two-factor sign-in for staff: required for senior management, supervisors and
administrators (configurable), optional for the others (finding 4 of issue 12)."""

import re
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import totp
from rest_framework.authtoken.models import Token

from apps.accounts import services, two_factor
from apps.accounts.roles import Role
from tests.conftest import PASSWORD, totp_code

VERIFY = "/accounts/two-factor/verify/"
ENROL = "/accounts/two-factor/enrol/"


def _password_step(client, user):
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password step failed"
    return response


def _second_step(client, code, next_url=""):
    return client.post(reverse("accounts:two_factor_verify"), {"code": code, "next": next_url})


@pytest.mark.parametrize("persona", ["senior", "supervisor", "admin_user"])
def test_a_required_role_is_held_at_the_second_step_after_the_password(client, request, persona):
    user = request.getfixturevalue(persona)
    _password_step(client, user)
    home = client.get(reverse("core:home"))
    assert home.status_code == 302 and home["Location"].startswith(VERIFY)
    assert client.get("/admin/").status_code == 302
    assert client.get(reverse("tickets:list"))["Location"].startswith(VERIFY)
    assert _second_step(client, totp_code(user)).status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_a_session_waiting_for_its_second_factor_gets_no_api_data(client, supervisor):
    _password_step(client, supervisor)
    response = client.get("/api/v1/departments/")
    assert response.status_code == 401
    assert response.json()["code"] == "two_factor_required"
    assert "results" not in response.json()
    _second_step(client, totp_code(supervisor))
    assert client.get("/api/v1/departments/").status_code == 200


def test_a_system_s_api_token_needs_no_second_factor(client, supervisor):
    token = Token.objects.create(user=supervisor)
    response = client.get("/api/v1/departments/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_a_wrong_code_is_refused_and_the_pages_stay_closed(client, senior):
    _password_step(client, senior)
    response = _second_step(client, "000000")
    assert response.status_code == 200
    assert 'data-testid="two-factor-error"' in response.content.decode()
    assert client.get(reverse("core:home")).status_code == 302


def test_a_code_is_accepted_once(client, senior):
    code = totp_code(senior)
    _password_step(client, senior)
    assert _second_step(client, code).status_code == 302
    client.post(reverse("accounts:logout"))
    _password_step(client, senior)
    assert _second_step(client, code).status_code == 200  # replayed: refused


def test_the_second_step_returns_to_the_page_first_asked_for(client, senior):
    _password_step(client, senior)
    held = client.get(reverse("tickets:list"))
    assert held["Location"] == f"{VERIFY}?next=%2Ftickets%2F"
    response = _second_step(client, totp_code(senior), next_url="/tickets/")
    assert response["Location"] == "/tickets/"


def test_a_recovery_code_signs_in_once(client, senior):
    codes = services.two_factor_recovery_codes_renew(user=senior, actor=senior)
    assert len(codes) == 10 and len(set(codes)) == 10
    _password_step(client, senior)
    assert _second_step(client, codes[0].upper()).status_code == 302
    client.post(reverse("accounts:logout"))
    _password_step(client, senior)
    assert _second_step(client, codes[0]).status_code == 200
    assert two_factor.recovery_codes_left(senior) == 9


def test_a_required_role_without_an_authenticator_sets_one_up_at_sign_in(client, db):
    newcomer = services.user_create(
        username="new-supervisor", password=PASSWORD, roles=[Role.SUPERVISOR], actor=None
    )
    _password_step(client, newcomer)
    assert client.get(reverse("core:home"))["Location"].startswith(ENROL)
    page = client.get(ENROL)
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert 'src="/accounts/two-factor/enrol/qr.svg"' in html
    assert "<script" not in html.split("</main>")[0].split("<main")[-1]
    secret = re.search(r'data-testid="two-factor-secret">([A-Z2-7=]+)<', html).group(1)
    qr = client.get(reverse("accounts:two_factor_qr"))
    assert qr["Content-Type"] == "image/svg+xml" and qr.content.startswith(b"<svg")

    assert client.post(ENROL, {"code": "123456"}).status_code == 200  # wrong: still enrolling
    codes_page = client.post(ENROL, {"code": f"{totp(b32decode(secret)):06d}"})
    assert codes_page.status_code == 200
    assert codes_page.content.decode().count("<li>") >= 10
    assert two_factor.is_enrolled(newcomer)
    assert client.get(reverse("core:home")).status_code == 200


def test_an_agent_signs_in_with_the_password_alone(client, agent):
    _password_step(client, agent)
    assert client.get(reverse("core:home")).status_code == 200


def test_an_agent_who_turns_it_on_is_asked_from_then_on_and_may_turn_it_off(client, agent):
    client.force_login(agent)
    assert client.get(reverse("accounts:two_factor")).status_code == 200
    services.two_factor_enrolment_start(user=agent, actor=agent)
    device = two_factor.authenticator_of(agent, confirmed=False)
    client.post(ENROL, {"code": f"{totp(device.bin_key):06d}"})
    assert two_factor.is_enrolled(agent)
    client.post(reverse("accounts:logout"))

    _password_step(client, agent)
    assert client.get(reverse("core:home"))["Location"].startswith(VERIFY)
    _second_step(client, totp_code(agent))
    client.post(reverse("accounts:two_factor"), {"action": "turn_off"})
    assert not two_factor.is_enrolled(agent)


def test_a_required_role_cannot_turn_it_off_alone(client, senior):
    client.force_login(senior)
    client.post(reverse("accounts:two_factor"), {"action": "turn_off"})
    assert two_factor.is_enrolled(senior)


def test_the_required_roles_are_a_setting(client, settings, db):
    settings.HOUSING_TWO_FACTOR_REQUIRED_ROLES = ["agent"]
    manager = services.user_create(
        username="manager", password=PASSWORD, roles=[Role.SENIOR_MANAGEMENT], actor=None
    )
    newcomer = services.user_create(username="agent-two", password=PASSWORD, roles=[Role.AGENT], actor=None)
    assert not two_factor.is_required_for(manager)
    assert two_factor.is_required_for(newcomer)
    _password_step(client, manager)
    assert client.get(reverse("core:home")).status_code == 200


def test_an_administrator_resets_a_lost_phone_and_ends_that_person_s_sessions(client, senior, admin_user):
    from django.test import Client

    seniors_browser = Client()
    seniors_browser.force_login(senior)
    assert seniors_browser.get(reverse("core:home")).status_code == 200

    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [senior.pk]},
    )
    assert response.status_code == 302
    assert not two_factor.is_enrolled(senior)
    assert seniors_browser.get(reverse("core:home")).status_code == 302  # signed out

    _password_step(Client(), senior)  # and sets it up anew at the next sign-in
    fresh = Client()
    _password_step(fresh, senior)
    assert fresh.get(reverse("core:home"))["Location"].startswith(ENROL)


def test_only_an_administrator_resets_someone_else(senior, agent):
    from apps.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.two_factor_reset(user=senior, actor=agent)
    assert two_factor.is_enrolled(senior)


@pytest.mark.parametrize("language, title", [("ar", "التحقق بخطوتين"), ("en", "Two-factor sign-in")])
def test_the_second_step_is_in_arabic_and_english(client, senior, language, title):
    services.user_set_language(user=senior, language=language, actor=senior)
    _password_step(client, senior)
    assert title in client.get(VERIFY).content.decode()


def test_an_administrator_cannot_switch_off_their_own_required_second_factor_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [admin_user.pk]},
    )
    assert response.status_code == 302
    assert two_factor.is_enrolled(admin_user)


def test_a_misspelt_role_in_the_setting_fails_the_system_check(settings):
    settings.HOUSING_TWO_FACTOR_REQUIRED_ROLES = ["senior_managment"]
    errors = two_factor.check_required_roles()
    assert [error.id for error in errors] == ["accounts.E001"]
    assert "senior_managment" in errors[0].msg
    settings.HOUSING_TWO_FACTOR_REQUIRED_ROLES = ["supervisor", "administrator"]
    assert two_factor.check_required_roles() == []
