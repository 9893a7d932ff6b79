"""Django's model backend, with each user's permission set kept in Redis.

Every staff page asks ``has_perm`` (navigation, buttons, the view's own check); the stock
backend answers with two queries per request (the user's own and their groups'
permissions). Here the set is read from the cache instead and computed only on a miss.

Invalidation: changing a user's groups or own permissions drops that user's entry; changing
a group's permissions, or any group or permission row, moves a generation counter that is
part of every key, so all entries go at once. An entry also expires after
``PERMISSION_CACHE_SECONDS`` (default 300), the bound on staleness for a change made behind
Django's back (raw SQL). ``is_active`` and ``is_superuser`` are read from the user row as
before, so deactivating someone takes effect on their next request.
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

GENERATION_KEY = "auth:perms:generation"


def _key(user_pk) -> str:
    generation = cache.get(GENERATION_KEY) or 0
    return f"auth:perms:{generation}:{user_pk}"


def forget_user(user_pk) -> None:
    cache.delete(_key(user_pk))


def forget_everyone() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no counter yet
        cache.set(GENERATION_KEY, 1, timeout=None)


class CachedPermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            key = _key(user_obj.pk)
            permissions = cache.get(key)
            if permissions is None:
                permissions = super().get_all_permissions(user_obj)
                cache.set(key, frozenset(permissions), getattr(settings, "PERMISSION_CACHE_SECONDS", 300))
            user_obj._perm_cache = set(permissions)
        return user_obj._perm_cache
