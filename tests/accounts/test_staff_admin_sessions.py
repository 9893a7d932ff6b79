"""Disabling a staff member cuts what they hold open at once: a signed-in browser session
(its row and its Redis copy) and their API tokens; and two administrators cannot disable
each other at the same moment and leave nobody to administer."""

import threading

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from apps.accounts import services
from apps.accounts.models import StaffSession, User
from apps.accounts.roles import Role
from apps.core.errors import Conflict
from tests.conftest import PASSWORD, totp_code

LOGIN = "/accounts/login/"


def _sign_in(user, *, second_factor=False) -> Client:
    """A real browser-like client signed in through the login form (and the code, if asked)."""
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    if second_factor:
        response = client.post(reverse("accounts:two_factor_verify"), {"code": totp_code(user)})
        assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    return client


def _session_cached(key: str) -> bool:
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    return store.cache_key in caches[settings.SESSION_CACHE_ALIAS]


@pytest.mark.django_db
def test_disabling_cuts_an_open_session_and_a_token_at_once(
    django_capture_on_commit_callbacks, admin_user, agent
):
    browser = _sign_in(agent)
    key = browser.cookies["sessionid"].value
    assert StaffSession.objects.filter(user=agent, session_key=key).exists()
    assert _session_cached(key)
    token = Token.objects.create(user=agent)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/departments/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        services.staff_disable(actor=admin_user, user=agent)

    page = browser.get(reverse("core:home"))
    assert page.status_code == 302 and page["Location"].startswith(LOGIN)
    assert not Session.objects.filter(session_key=key).exists()
    assert not _session_cached(key)
    assert not StaffSession.objects.filter(user=agent).exists()
    assert api.get("/api/v1/departments/").status_code == 401
    assert not Token.objects.filter(user=agent).exists()


@pytest.mark.django_db
def test_the_session_is_found_after_the_second_factor_changes_its_key(admin_user, supervisor):
    browser = _sign_in(supervisor, second_factor=True)
    key = browser.cookies["sessionid"].value
    assert list(StaffSession.objects.filter(user=supervisor).values_list("session_key", flat=True)) == [key]
    services.staff_disable(actor=admin_user, user=supervisor)
    assert not Session.objects.filter(session_key=key).exists()
    assert browser.get(reverse("core:home"))["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_resetting_the_second_factor_ends_the_sessions_of_an_active_member(admin_user, supervisor):
    browser = _sign_in(supervisor, second_factor=True)
    services.staff_reset_two_factor(actor=admin_user, user=supervisor)
    assert browser.get(reverse("core:home"))["Location"].startswith(LOGIN)
    supervisor.refresh_from_db()
    assert supervisor.is_active


@pytest.mark.django_db
def test_signing_out_forgets_the_session(agent):
    browser = _sign_in(agent)
    assert StaffSession.objects.filter(user=agent).count() == 1
    browser.post(reverse("accounts:logout"))
    assert not StaffSession.objects.filter(user=agent).exists()


@pytest.mark.django_db
def test_disabling_from_the_page_cuts_the_session(client, admin_user, agent):
    browser = _sign_in(agent)
    client.force_login(admin_user)
    client.post(reverse("accounts:staff_action", args=[agent.pk, "disable"]))
    assert browser.get(reverse("core:home"))["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_a_disabled_member_cannot_sign_in_again_until_enabled(admin_user, agent):
    services.staff_disable(actor=admin_user, user=agent)
    response = Client().post(reverse("accounts:login"), {"username": agent.username, "password": PASSWORD})
    assert response.status_code == 200  # the form again, with its one neutral message
    services.staff_enable(actor=admin_user, user=agent)
    _sign_in(agent)


@pytest.mark.django_db(transaction=True)
def test_two_administrators_disabling_each_other_at_once_leave_one(admin_user, monkeypatch):
    """Each thread, once it has checked that another administrator remains, waits for the
    other to have checked too (up to two seconds). Without the administrators' lock both
    checks pass (each sees the other still active) and both accounts end up disabled; with
    it, the second waits for the first to commit, then sees it is the last and is refused."""
    User.objects.filter(pk=admin_user.pk).update(is_superuser=False)
    admin_user.refresh_from_db()
    other = services.staff_create(
        actor=admin_user, username="other.admin", email="o@housing.gov.bh", roles=[Role.ADMINISTRATOR]
    )
    start = threading.Barrier(2)
    both_checked = threading.Barrier(2, timeout=2)
    check = services._refuse_losing_last_administrator

    def check_then_wait_for_the_other(user):
        check(user)
        try:
            both_checked.wait()
        except threading.BrokenBarrierError:
            pass  # the other is held at the lock: go on alone

    monkeypatch.setattr(services, "_refuse_losing_last_administrator", check_then_wait_for_the_other)
    outcomes = {}

    def disable(actor, target):
        try:
            start.wait(timeout=10)
            services.staff_disable(actor=actor, user=target)
            outcomes[actor.username] = "disabled"
        except Conflict as error:
            outcomes[actor.username] = error.code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=disable, args=(admin_user, other)),
        threading.Thread(target=disable, args=(other, admin_user)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["disabled", "last_administrator"]
    assert User.objects.filter(is_active=True, groups__name=Role.ADMINISTRATOR.value).count() == 1
