import pytest

from apps.accounts import services as account_services
from apps.accounts.roles import Role

from .factories import CategoryFactory, CitizenFactory, TicketFactory


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.HOUSING_ATTACHMENTS_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _clean_tracking_counters():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def citizen(db):
    return CitizenFactory(cpr="880412345", name_ar="أحمد علي", phones=["3600 1234"])


@pytest.fixture
def ticket(agent, citizen):
    return TicketFactory(citizen=citizen, actor=agent)


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


@pytest.fixture
def category(db, department):
    parent = CategoryFactory(code="housing-request-status", name_ar="حالة الطلب الإسكاني", name_en="Status")
    return CategoryFactory(
        code="status-delay",
        name_ar="تأخر الطلب",
        name_en="Delay",
        parent=parent,
        default_department=department,
    )


@pytest.fixture
def make_ticket(agent):
    def _make(**kwargs):
        kwargs.setdefault("actor", agent)
        return TicketFactory(**kwargs)

    return _make


@pytest.fixture
def api():
    """``api(user)`` gives a DRF client signed in as that persona (None: anonymous)."""
    from rest_framework.test import APIClient

    def _client(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return _client
