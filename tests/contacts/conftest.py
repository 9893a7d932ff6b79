import pytest
from rest_framework.authtoken.models import Token

from apps.accounts import services as account_services
from apps.accounts.roles import Role
from apps.citizens import services as citizen_services

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def telephony(db):
    """The PBX's API account: it may post call records and nothing else."""
    return account_services.user_create(username="pbx", password=PASSWORD, roles=[Role.TELEPHONY], actor=None)


@pytest.fixture
def pbx_client(telephony):
    from rest_framework.test import APIClient

    client = APIClient()
    token, _created = Token.objects.get_or_create(user=telephony)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api_as():
    from rest_framework.test import APIClient

    def _client(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _client


@pytest.fixture
def citizen(agent):
    return citizen_services.citizen_create(
        cpr="880412345", name_ar="أحمد علي", name_en="Ahmed Ali", phones=["3600 1234"], actor=agent
    )
