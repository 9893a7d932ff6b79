"""Django's model backend, with each user's permission set kept in Redis.

Every staff page asks ``has_perm`` (navigation, buttons, the view's own check); the stock
backend answers with two queries per request (the user's own and their groups'
permissions). Here the set is read from the cache instead and computed only on a miss.

Invalidation: changing a user's groups or own permissions drops that user's entry; changing
a group's permissions, or any group or permission row, moves a generation counter; each
entry records the generation it was computed under and is void once it has moved, so all
entries go at once. The counter and the entry are read together (one Redis round trip). An entry also expires after
``PERMISSION_CACHE_SECONDS`` (default 300), the bound on staleness for a change made behind
Django's back (raw SQL). ``is_active`` and ``is_superuser`` are read from the user row as
before, so deactivating someone takes effect on their next request.

Redis away (refused, or no answer within ``REDIS_SOCKET_TIMEOUT``): the permission set is
read from PostgreSQL as the stock backend does, so staff keep working. An invalidation that
cannot reach Redis is logged; an entry it should have dropped lives at most
``PERMISSION_CACHE_SECONDS`` after Redis returns, the same bound as for a change made behind
Django's back.
"""

import logging

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from redis.exceptions import RedisError

from apps.core import config_cache

logger = logging.getLogger(__name__)

GENERATION_KEY = "auth:perms:generation"


def _user_key(user_pk) -> str:
    return f"auth:perms:user:{user_pk}"


def _unreachable(error: Exception, what: str) -> None:
    logger.warning("permissions cache: Redis unavailable (%s: %s); %s", type(error).__name__, error, what)


def forget_user(user_pk) -> None:
    try:
        cache.delete(_user_key(user_pk))
    except RedisError as error:
        _unreachable(error, f"user {user_pk}'s entry not dropped")


def forget_everyone() -> None:
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # no counter yet
            cache.set(GENERATION_KEY, 1, timeout=None)
    except RedisError as error:
        _unreachable(error, "generation not moved")


class CachedPermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            # One round trip: the generation and the user's entry, which records the
            # generation it was computed under and is void once that has moved on.
            # In a request, the configuration's version keys come in the same round trip.
            key, versions = _user_key(user_obj.pk), config_cache.request_versions_wanted()
            try:
                found = cache.get_many([GENERATION_KEY, key, *versions])
            except RedisError as error:
                _unreachable(error, "reading permissions from the database")
                user_obj._perm_cache = set(super().get_all_permissions(user_obj))
                return user_obj._perm_cache
            if versions:
                config_cache.request_versions_read(found)
            generation = found.get(GENERATION_KEY) or 0
            entry = found.get(key)
            if entry is not None and entry[0] == generation:
                permissions = entry[1]
            else:
                permissions = frozenset(super().get_all_permissions(user_obj))
                try:
                    cache.set(
                        key, (generation, permissions), getattr(settings, "PERMISSION_CACHE_SECONDS", 300)
                    )
                except RedisError as error:
                    _unreachable(error, "entry not stored")
            user_obj._perm_cache = set(permissions)
        return user_obj._perm_cache
