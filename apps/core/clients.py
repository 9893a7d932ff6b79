"""Who is asking: the client address used for rate limits and lock-outs.

Behind the ministry's load balancer every request arrives from the balancer's address, so
``REMOTE_ADDR`` alone would put every citizen into one rate-limit bucket (and lock them
out together). The balancers' own addresses are listed in ``HOUSING_TRUSTED_PROXIES``
(addresses or networks); when a request comes from one of them, the client is the
right-most address of ``X-Forwarded-For`` that is not itself a trusted proxy. A header
sent by a client that is not behind a trusted proxy is never read, so nobody can choose
their own bucket by sending one.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(getattr(settings, "HOUSING_TRUSTED_PROXIES", ()) or ()))
    if networks and _trusted(_address(remote), networks):
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                break  # a malformed hop: stop at the last address we could trust
            if not _trusted(address, networks):
                return str(address)
    return remote or "unknown"
