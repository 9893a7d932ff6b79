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
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

GENERATION_KEY = "auth:perms:generation"


def _user_key(user_pk) -> str:
    return f"auth:perms:user:{user_pk}"


def forget_user(user_pk) -> None:
    cache.delete(_user_key(user_pk))


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
            # One round trip: the generation and the user's entry, which records the
            # generation it was computed under and is void once that has moved on.
            key = _user_key(user_obj.pk)
            found = cache.get_many([GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY) or 0
            entry = found.get(key)
            if entry is not None and entry[0] == generation:
                permissions = entry[1]
            else:
                permissions = frozenset(super().get_all_permissions(user_obj))
                cache.set(key, (generation, permissions), getattr(settings, "PERMISSION_CACHE_SECONDS", 300))
            user_obj._perm_cache = set(permissions)
        return user_obj._perm_cache
