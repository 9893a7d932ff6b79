import time_machine
from django.urls import reverse


def _attempt(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_every_staff_page_requires_login(client, db):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_right_password_signs_in(client, agent, password):
    response = _attempt(client, "agent", password)
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_a_wrong_password_and_an_unknown_user_get_the_same_message(client, agent):
    wrong_password = _attempt(client, "agent", "nope").content.decode()
    unknown_user = _attempt(client, "nobody-here", "nope").content.decode()
    message = "اسم المستخدم أو كلمة المرور غير صحيحة"
    assert message in wrong_password and message in unknown_user


def test_five_failures_in_a_row_still_let_the_right_password_in(client, agent, password):
    for _ in range(5):
        assert _attempt(client, "agent", "wrong-password").status_code == 200
    assert _attempt(client, "agent", password).status_code == 302


def test_the_sixth_failure_in_a_row_locks_even_the_right_password_out(client, agent, password):
    for _ in range(5):
        assert _attempt(client, "agent", "wrong-password").status_code == 200
    assert _attempt(client, "agent", "wrong-password").status_code == 429
    response = _attempt(client, "agent", password)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("core:home")).status_code == 302


def test_the_lock_lifts_after_fifteen_minutes(client, agent, password):
    with time_machine.travel("2026-11-28 08:00 +03:00", tick=False) as traveller:
        for _ in range(6):
            _attempt(client, "agent", "wrong-password")
        assert _attempt(client, "agent", password).status_code == 429
        traveller.shift(16 * 60)
        assert _attempt(client, "agent", password).status_code == 302


def test_a_session_expires_after_thirty_minutes_of_inactivity(client, agent, password):
    with time_machine.travel("2026-11-28 08:00 +03:00", tick=False) as traveller:
        _attempt(client, "agent", password)
        traveller.shift(29 * 60)
        assert client.get(reverse("core:home")).status_code == 200  # activity pushes expiry
        traveller.shift(29 * 60)
        assert client.get(reverse("core:home")).status_code == 200
        traveller.shift(31 * 60)
        assert client.get(reverse("core:home")).status_code == 302


def test_logout_ends_the_session(client, agent, password):
    _attempt(client, "agent", password)
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("core:home")).status_code == 302
