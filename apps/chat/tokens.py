"""The signed token that binds a chat to the browser that asked for it.

The token carries the chat's id and its random key, signed with SECRET_KEY: a forged or
altered token fails the signature, and a token of one chat never opens another (the key
must match the chat's). The browser keeps it (localStorage) to resume after a reload.
"""

from __future__ import annotations

import secrets

from django.core import signing

SALT = "chat.citizen"
MAX_AGE = 7 * 24 * 3600


def new_key() -> str:
    return secrets.token_urlsafe(32)


def make(chat) -> str:
    return signing.dumps({"c": chat.pk, "k": chat.key}, salt=SALT, compress=False)


def read(token: str) -> tuple[int, str] | None:
    """The (chat id, key) a token names, or None when it is not one of ours."""
    if not isinstance(token, str) or len(token) > 300:
        return None
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        return int(data["c"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
