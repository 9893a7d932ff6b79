"""Shared fixtures: named personas, so permission tests read like sentences.

agent, supervisor, officer (department officer), senior (senior management), secretary
(committee secretary), member (committee member), admin_user (administrator) and
outsider (a staff account with no role).

Personas whose role requires two-factor sign-in (supervisor, senior, admin_user by default)
are enrolled with an authenticator holding ``TOTP_KEY``; ``totp_code(user)`` gives the code
it shows now. The test client's ``force_login`` stands for the whole sign-in, second step
included (``_force_login_signs_in_fully``); tests of the second step itself post to the real
login form. Browser tests type the code (tests/browser/conftest.py ``log_in``).
"""

import time

import pytest

from apps.accounts import services, two_factor
from apps.accounts.roles import Role

PASSWORD = "correct-horse-battery-9"
TOTP_KEY = "3132333435363738393031323334353637383930"  # hex: RFC 6238's example secret


def enrol_two_factor(user):
    """The user's confirmed authenticator, made with ``TOTP_KEY`` if they have none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(
        user=user, name=two_factor.AUTHENTICATOR_DEVICE_NAME, confirmed=True, key=TOTP_KEY
    )


def totp_code(user) -> str:
    """A code the user's authenticator would show now and the server has not yet accepted
    (django-otp refuses a code twice; it accepts the next time step, so a second sign-in
    within the same 30 seconds uses that one)."""
    from django_otp.oath import TOTP

    device = enrol_two_factor(user)
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if device.last_t >= totp.t():
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture(autouse=True)
def _force_login_signs_in_fully(monkeypatch):
    """``client.force_login(user)`` also completes the second step for those who need one."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    password_only = Client.force_login

    def force_login(self, user, backend=None):
        password_only(self, user, backend)
        session = self.session
        if session.get(two_factor.STATE_KEY) in two_factor.PENDING:
            session[DEVICE_ID_SESSION_KEY] = enrol_two_factor(user).persistent_id
            session[two_factor.STATE_KEY] = two_factor.DONE
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def department(db):
    return services.department_upsert(
        code="housing-services", name_ar="إدارة الخدمات الإسكانية", name_en="Housing services"
    )


def _make(username, roles, department=None, **extra):
    user = services.user_create(
        username=username, password=PASSWORD, roles=roles, actor=None, department=department, **extra
    )
    if two_factor.is_required_for(user):
        enrol_two_factor(user)
    return user


@pytest.fixture
def agent(db):
    return _make("agent", [Role.AGENT], full_name_ar="عائشة")


@pytest.fixture
def supervisor(db):
    return _make("supervisor", [Role.SUPERVISOR])


@pytest.fixture
def officer(db, department):
    return _make("officer", [Role.DEPARTMENT_OFFICER], department=department)


@pytest.fixture
def senior(db):
    return _make("senior", [Role.SENIOR_MANAGEMENT])


@pytest.fixture
def secretary(db):
    return _make("secretary", [Role.COMMITTEE_SECRETARY])


@pytest.fixture
def member(db):
    return _make("member", [Role.COMMITTEE_MEMBER])


@pytest.fixture
def admin_user(db):
    return _make("administrator", [Role.ADMINISTRATOR], is_superuser=True)


@pytest.fixture
def outsider(db):
    return _make("outsider", [])


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def login(client):
    """``login(user)`` signs the test client in as that persona (through the real form)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
