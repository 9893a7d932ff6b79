"""Shared fixtures: named personas, so permission tests read like sentences.

agent, supervisor, officer (department officer), senior (senior management), secretary
(committee secretary), member (committee member), admin_user (administrator) and
outsider (a staff account with no role).
"""

import pytest

from apps.accounts import services
from apps.accounts.roles import Role

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def department(db):
    return services.department_upsert(
        code="housing-services", name_ar="إدارة الخدمات الإسكانية", name_en="Housing services"
    )


def _make(username, roles, department=None, **extra):
    return services.user_create(
        username=username, password=PASSWORD, roles=roles, actor=None, department=department, **extra
    )


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
