"""Strict reading of settings from the environment.

django-environ parses the values; this module adds what it leaves out: a value that is
present but malformed (``DEBUG=maybe``, ``DATABASE_URL=mysql://…``) stops start-up with
an ``ImproperlyConfigured`` that names the setting, instead of silently falling back.
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

env = environ.Env()


def _raw(name: str) -> str | None:
    return os.environ.get(name)


def get_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {value!r}.")


def get_str(name: str, default: str | None = None) -> str:
    value = _raw(name)
    if value is None or value.strip() == "":
        if default is None:
            raise ImproperlyConfigured(f"{name} is required: set it in the environment (see .env.example).")
        return default
    return value.strip()


def get_int(name: str, default: int) -> int:
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def get_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def get_origins(name: str, default: list[str]) -> list[str]:
    origins = get_list(name, default)
    for origin in origins:
        parsed = urlparse(origin)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ImproperlyConfigured(
                f"{name} entries must be origins such as https://contact.example.bh, not {origin!r}."
            )
    return origins


# Values that stand in for a secret key but are not one: the .env.example placeholder and
# the development default. Matched case-insensitively, as typed or with surrounding spaces.
PLACEHOLDER_SECRET_KEYS = frozenset(
    {"required-change-me", "change-me", "changeme", "insecure-development-key-only"}
)
SECRET_KEY_MIN_LENGTH = 50


def get_secret_key(name: str = "SECRET_KEY", *, debug: bool, development_default: str) -> str:
    """The secret key; without ``DEBUG`` it must be set, not a placeholder, and long.

    Sessions, password-reset links and the two-factor secrets' signatures all rest on it: a
    deployment that forgot to replace the example value would sign with a key anyone can read
    in the repository.
    """
    if debug:
        return get_str(name, development_default)
    value = get_str(name)
    if value.lower() in PLACEHOLDER_SECRET_KEYS or value.lower().startswith("django-insecure"):
        raise ImproperlyConfigured(
            f"{name} is still the example placeholder ({value!r}): set a long random value "
            f'(python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    if len(value) < SECRET_KEY_MIN_LENGTH:
        raise ImproperlyConfigured(
            f"{name} is too short ({len(value)} characters): with DEBUG off it needs at least "
            f"{SECRET_KEY_MIN_LENGTH} random characters."
        )
    return value


def get_database(name: str = "DATABASE_URL") -> dict:
    url = get_str(name)
    scheme = urlparse(url).scheme
    if scheme not in ("postgres", "postgresql", "pgsql"):
        raise ImproperlyConfigured(
            f"{name} must be a PostgreSQL URL (postgres://user:password@host:port/name), not {scheme or url!r}."
        )
    try:
        config = env.db_url_config(url)
    except Exception as exc:  # django-environ raises several types for a bad URL
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} must name a database (…/housing_contact).")
    return config


def get_redis(name: str = "REDIS_URL") -> str:
    url = get_str(name)
    if urlparse(url).scheme not in ("redis", "rediss", "redis+socket", "unix"):
        raise ImproperlyConfigured(f"{name} must be a Redis URL (redis://host:6379/0), not {url!r}.")
    return url
