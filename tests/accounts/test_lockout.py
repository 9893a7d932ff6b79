"""Sign-in lock-outs count the real client address and the username, and lock only that pair.

Behind the ministry's proxy every request comes from the proxy's address; a lock-out that
counted it would let anyone lock any account for everyone (finding 4 of issue 12).
"""

import pytest
import time_machine
from django.urls import reverse

PROXY = "10.0.0.5"
STRANGER = "203.0.113.9"
OWNER = "198.51.100.20"


@pytest.fixture
def behind_proxy(settings):
    settings.HOUSING_TRUSTED_PROXIES = [PROXY]


def _attempt(client, username, password, *, client_address, via_proxy=True):
    headers = (
        {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_address}
        if via_proxy
        else {"REMOTE_ADDR": client_address}
    )
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **headers)


def test_behind_the_proxy_a_stranger_locks_only_their_own_address(client, behind_proxy, agent, password):
    for _ in range(6):
        _attempt(client, "agent", "guess-guess-guess", client_address=STRANGER)
    assert _attempt(client, "agent", password, client_address=STRANGER).status_code == 429

    response = _attempt(client, "agent", password, client_address=OWNER)
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_behind_the_proxy_the_lock_follows_the_forwarded_address_not_the_proxy(
    client, behind_proxy, agent, password
):
    for _ in range(6):
        _attempt(client, "agent", "guess-guess-guess", client_address=STRANGER)
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {STRANGER}


def test_a_forwarded_header_from_an_untrusted_sender_is_ignored(client, settings, agent, password):
    settings.HOUSING_TRUSTED_PROXIES = []
    for index in range(6):  # a different claimed address each time: still one sender
        client.post(
            reverse("accounts:login"),
            {"username": "agent", "password": "guess-guess-guess"},
            REMOTE_ADDR=STRANGER,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{index}",
        )
    assert _attempt(client, "agent", password, client_address=STRANGER, via_proxy=False).status_code == 429


def test_the_lock_is_per_username(client, behind_proxy, agent, supervisor, password):
    for _ in range(6):
        _attempt(client, "agent", "guess-guess-guess", client_address=STRANGER)
    assert _attempt(client, "supervisor", password, client_address=STRANGER).status_code == 302


def test_guessing_from_many_addresses_slows_the_account_but_does_not_lock_it(
    client, behind_proxy, settings, agent, password
):
    settings.HOUSING_LOGIN_ACCOUNT_FAILURES = 10
    settings.HOUSING_LOGIN_ACCOUNT_BACKOFF_SECONDS = 60
    with time_machine.travel("2026-11-28 08:00 +03:00", tick=False) as traveller:
        for address in ("203.0.113.1", "203.0.113.2"):
            for _ in range(5):
                _attempt(client, "agent", "guess-guess-guess", client_address=address)
        # Ten failures from elsewhere: the owner's first try within the minute waits…
        response = _attempt(client, "agent", password, client_address=OWNER)
        assert response.status_code == 429
        assert 'data-testid="login-backoff"' in response.content.decode()
        # …and a minute after the last failure gets in, from the owner's own address.
        traveller.shift(61)
        assert _attempt(client, "agent", password, client_address=OWNER).status_code == 302


def test_attempts_refused_during_the_back_off_are_not_counted(client, behind_proxy, settings, agent):
    settings.HOUSING_LOGIN_ACCOUNT_FAILURES = 10
    with time_machine.travel("2026-11-28 08:00 +03:00", tick=False):
        for address in ("203.0.113.1", "203.0.113.2"):
            for _ in range(5):
                _attempt(client, "agent", "guess-guess-guess", client_address=address)
        for _ in range(20):
            assert (
                _attempt(client, "agent", "guess-guess-guess", client_address="203.0.113.3").status_code
                == 429
            )
    from axes.models import AccessAttempt

    assert not AccessAttempt.objects.filter(ip_address="203.0.113.3").exists()
