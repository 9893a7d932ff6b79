import pytest
from django.core.cache import cache

from tests.tickets.factories import CitizenFactory, TicketFactory


@pytest.fixture(autouse=True)
def _isolated(db, settings, tmp_path):
    settings.HOUSING_ATTACHMENTS_ROOT = tmp_path / "private"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def citizen(db):
    return CitizenFactory(cpr="880412345", name_ar="أحمد علي", phones=["3600 1234"])


@pytest.fixture
def ticket(agent, citizen):
    return TicketFactory(citizen=citizen, actor=agent)
