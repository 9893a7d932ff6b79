"""Staff passwords: Django's validators, at least 12 characters, no common passwords."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from apps.accounts import services
from apps.accounts.roles import Role
from apps.accounts.seed import DEMO_PASSWORD
from apps.core.errors import ValidationFailed
from tests.conftest import PASSWORD


@pytest.mark.parametrize("weak", ["agent12345", "P@ssw0rd!!", "password1234", "12345678901234"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_eleven_characters_are_too_few_and_twelve_are_enough():
    with pytest.raises(ValidationError):
        validate_password("kq7-vz2-mw9")
    validate_password("kq7-vz2-mw9x")


def test_the_demo_and_test_passwords_pass_the_validators():
    validate_password(DEMO_PASSWORD)
    validate_password(PASSWORD)


def test_creating_a_staff_member_with_a_weak_password_is_refused_and_saves_nothing(db):
    from apps.accounts.models import User

    with pytest.raises(ValidationFailed) as error:
        services.user_create(username="newagent", password="agent12345", roles=[Role.AGENT], actor=None)
    assert error.value.code == "weak_password"
    assert not User.objects.filter(username="newagent").exists()
