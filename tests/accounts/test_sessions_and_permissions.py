"""Sessions stay idle-limited without a write per request; cached permissions follow changes."""

import time_machine
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.urls import reverse

from apps.accounts.roles import Role


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_pages_within_a_minute_do_not_rewrite_the_session(client, agent):
    with time_machine.travel("2026-11-29 08:00 +03:00", tick=False) as traveller:
        client.force_login(agent)
        client.get(reverse("core:home"))
        first = _expiry(client)
        traveller.shift(30)
        client.get(reverse("core:home"))
        assert _expiry(client) == first


def test_a_page_after_the_refresh_interval_pushes_the_expiry_forward(client, agent, settings):
    with time_machine.travel("2026-11-29 08:00 +03:00", tick=False) as traveller:
        client.force_login(agent)
        client.get(reverse("core:home"))
        first = _expiry(client)
        traveller.shift(settings.SESSION_REFRESH_SECONDS + 1)
        client.get(reverse("core:home"))
        assert (_expiry(client) - first).total_seconds() >= settings.SESSION_REFRESH_SECONDS


def test_an_idle_session_ends_after_the_idle_limit(client, agent, settings):
    with time_machine.travel("2026-11-29 08:00 +03:00", tick=False) as traveller:
        client.force_login(agent)
        assert client.get(reverse("core:home")).status_code == 200
        traveller.shift(settings.SESSION_COOKIE_AGE - 120)
        assert client.get(reverse("core:home")).status_code == 200  # still in use: kept alive
        traveller.shift(settings.SESSION_COOKIE_AGE + 1)
        response = client.get(reverse("core:home"))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_role_taken_away_is_felt_on_the_next_request(client, agent, django_user_model):
    client.force_login(agent)
    assert client.get(reverse("contacts:console")).status_code == 200  # permission now cached

    agent.groups.remove(Group.objects.get(name=Role.AGENT.value))

    assert client.get(reverse("contacts:console")).status_code == 403


def test_a_permission_taken_from_a_role_is_felt_by_its_members(client, agent):
    client.force_login(agent)
    assert client.get(reverse("contacts:console")).status_code == 200
    group = Group.objects.get(name=Role.AGENT.value)

    group.permissions.clear()

    assert client.get(reverse("contacts:console")).status_code == 403
