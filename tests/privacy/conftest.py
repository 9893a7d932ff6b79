"""Fixtures of the privacy tests (each part may keep its own in a module of its own)."""

import pytest

from apps.accounts.roles import Role
from apps.citizens import services as citizen_services


@pytest.fixture
def dpo(db):
    from tests.conftest import _make

    return _make("dpo", [Role.DATA_PROTECTION_OFFICER], full_name_ar="مسؤول حماية البيانات")


@pytest.fixture
def citizen(agent):
    return citizen_services.citizen_create(
        cpr="880412345", name_ar="أحمد علي", phones=["3600 1234"], actor=agent
    )


from tests.privacy.requests_support import *  # noqa: E402, F403
