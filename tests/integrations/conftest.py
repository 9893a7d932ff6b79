import pytest

from apps.integrations.tawasul.fake import FakeTawasul

SECRET = "fake-tawasul-secret"


@pytest.fixture
def fake_tawasul():
    fake = FakeTawasul(secret=SECRET).start()
    yield fake
    fake.stop()


@pytest.fixture
def tawasul_settings(settings, fake_tawasul):
    settings.HOUSING_INTEGRATION_SECRETS = {
        **(settings.HOUSING_INTEGRATION_SECRETS or {}),
        "tawasul": [SECRET],
    }
    settings.HOUSING_TAWASUL_OUTBOUND_URL = f"{fake_tawasul.url}/hc/events"
    settings.HOUSING_TAWASUL_POLL_URL = f"{fake_tawasul.url}/messages"
    settings.HOUSING_OUTBOUND_TIMEOUT_SECONDS = 5.0
    return settings


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.HOUSING_ATTACHMENTS_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _forget_subscriptions():
    """A test's subscriptions go with its rollback: the process's copy goes with them."""
    yield
    from apps.integrations.webhooks.selectors import subscriptions_cache

    subscriptions_cache.forget()
