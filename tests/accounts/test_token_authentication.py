"""Token authentication (``LanguageTokenAuthentication``) refuses what the REST framework's
own refuses, with its messages: an unknown token, a deactivated account."""

import pytest
from django.utils import translation
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from apps.accounts.authentication import LanguageTokenAuthentication


def _refusal(authentication, key):
    with translation.override("en"), pytest.raises(exceptions.AuthenticationFailed) as refused:
        authentication.authenticate_credentials(key)
    return str(refused.value.detail)


def test_a_known_token_of_an_active_account_is_its_user(agent):
    token = Token.objects.create(user=agent)
    user, found = LanguageTokenAuthentication().authenticate_credentials(token.key)
    assert user == agent and found == token


def test_an_unknown_token_is_refused_as_the_rest_framework_refuses_it(db):
    message = _refusal(LanguageTokenAuthentication(), "0" * 40)
    assert message == _refusal(TokenAuthentication(), "0" * 40) == "Invalid token."


def test_a_deactivated_accounts_token_is_refused_as_the_rest_framework_refuses_it(agent):
    token = Token.objects.create(user=agent)
    type(agent).objects.filter(pk=agent.pk).update(is_active=False)
    message = _refusal(LanguageTokenAuthentication(), token.key)
    assert message == _refusal(TokenAuthentication(), token.key) == "User inactive or deleted."


def test_an_unknown_token_gets_a_401(client, db):
    response = client.get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Token {'0' * 40}")
    assert response.status_code == 401
