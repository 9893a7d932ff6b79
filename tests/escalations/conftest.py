from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache

from apps.accounts import services as account_services
from apps.accounts.roles import Role
from apps.sla.seed import seed_policies

from .factories import citizen_case, staff_case


@pytest.fixture(autouse=True)
def _isolated(db, settings, tmp_path):
    """Fresh Redis counters, the default SLA policies, SMS written under the test's folder."""
    settings.HOUSING_ATTACHMENTS_ROOT = tmp_path / "private"
    settings.HOUSING_SMS_FILE_DIR = str(tmp_path / "sms")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    with time_machine.travel(datetime(2020, 1, 1, tzinfo=UTC)):  # in force for any test's date
        seed_policies()
    yield
    cache.clear()


@pytest.fixture
def senior2(db):
    return account_services.user_create(
        username="senior2",
        password="x" * 12,
        roles=[Role.SENIOR_MANAGEMENT],
        actor=None,
        full_name_ar="سلمان",
    )


@pytest.fixture
def deputy(db):
    """A member of staff with no role of the office: sees cases only through a delegation."""
    return account_services.user_create(
        username="deputy", password="x" * 12, roles=[Role.SUPERVISOR], actor=None, full_name_ar="نائب"
    )


@pytest.fixture
def case(agent):
    return staff_case(actor=agent)


@pytest.fixture
def uyc_case(db):
    return citizen_case()


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    def _client(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return _client


@pytest.fixture
def other_department(db):
    return account_services.department_upsert(
        code="maintenance", name_ar="إدارة الصيانة", name_en="Maintenance"
    )


@pytest.fixture
def other_officer(db, other_department):
    return account_services.user_create(
        username="officer2",
        password="x" * 12,
        roles=[Role.DEPARTMENT_OFFICER],
        actor=None,
        department=other_department,
    )
