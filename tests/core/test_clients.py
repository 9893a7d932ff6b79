"""The client address behind the load balancer, and what a client cannot fake."""

import pytest
from django.test import RequestFactory

from apps.core.clients import client_ip


def _request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_peer_is_the_client_and_the_header_is_ignored(settings):
    settings.HOUSING_TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_a_trusted_balancer_the_forwarded_client_is_used(settings):
    settings.HOUSING_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(_request("10.0.0.5", "198.51.100.1")) == "198.51.100.1"


def test_a_client_cannot_pick_its_address_by_prepending_to_the_header(settings):
    settings.HOUSING_TRUSTED_PROXIES = ["10.0.0.0/24"]
    # The balancer appends the real peer; whatever the client sent stands to its left.
    assert client_ip(_request("10.0.0.5", "1.2.3.4, 198.51.100.1")) == "198.51.100.1"


def test_chained_trusted_proxies_are_skipped(settings):
    settings.HOUSING_TRUSTED_PROXIES = ["10.0.0.0/24", "192.168.1.10"]
    assert client_ip(_request("10.0.0.5", "198.51.100.1, 192.168.1.10")) == "198.51.100.1"


def test_a_request_not_from_a_trusted_proxy_keeps_its_own_address(settings):
    settings.HOUSING_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@pytest.mark.parametrize("header", ["", "not-an-address", "10.0.0.9"])
def test_a_missing_or_useless_header_falls_back_to_the_peer(settings, header):
    settings.HOUSING_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(_request("10.0.0.5", header)) == "10.0.0.5"
