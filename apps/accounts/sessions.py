"""Sessions in PostgreSQL with a Redis copy read first — and PostgreSQL alone while Redis is away.

Django's ``cached_db`` store already falls back to the database when reading the copy fails,
but then raises when writing the copy back (and when deleting it on sign-out). Here every
operation on the copy that Redis refuses or does not answer in time is logged and skipped:
the row in PostgreSQL is the session, so staff stay signed in through an outage and nothing
is lost.

One case is weaker than with Redis up: a sign-out during the outage deletes the row but
cannot delete the copy. If Redis comes back with that copy, the old cookie opens pages again
until the session's next refresh (``SessionIdleMiddleware``, at most
``SESSION_REFRESH_SECONDS``, 60 s, of use), whose save finds no row: the copy is deleted
then and the session is over.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _skipped(error: Exception, what: str) -> None:
    logger.warning("sessions: Redis unavailable (%s: %s); %s", type(error).__name__, error, what)


class SessionStore(CachedDBStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except RedisError as error:
            _skipped(error, "reading the session from the database")
            s = self._get_session_from_db()
            return self.decode(s.session_data) if s else {}
        if data is not None:
            return data
        s = self._get_session_from_db()
        if not s:
            return {}
        data = self.decode(s.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=s.expire_date))
        except RedisError as error:
            _skipped(error, "copy not stored")
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except RedisError as error:
            _skipped(error, "checking the database only")
        return super(CachedDBStore, self).exists(session_key)

    def save(self, must_create=False):
        try:
            super().save(must_create)
        except UpdateError:
            # The row is gone (signed out, perhaps while Redis was away and its copy could not
            # be deleted): drop the copy too, so it cannot keep the session open.
            try:
                self._cache.delete(self.cache_key)
            except RedisError as error:
                _skipped(error, "stale copy not deleted")
            raise

    def delete(self, session_key=None):
        try:
            super().delete(session_key)
        except RedisError as error:
            # The database row is already deleted (the parent deletes it before the copy).
            _skipped(error, "copy not deleted")

    def cycle_key(self):
        """A new key for the same session (the second factor does this): the record of whose
        session it is (``accounts.StaffSession``) follows it."""
        old_key = self.session_key
        super().cycle_key()
        user_id = self.get("_auth_user_id")
        if user_id and self.session_key and old_key != self.session_key:
            from apps.accounts.models import StaffSession

            StaffSession.objects.filter(session_key=old_key).delete()
            StaffSession.objects.get_or_create(session_key=self.session_key, defaults={"user_id": user_id})


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    """Record the new session as ``user``'s; forget their sessions that have ended since."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from apps.accounts.models import StaffSession

    session = getattr(request, "session", None)
    if session is None or user is None or user.pk is None:
        return
    if session.session_key is None:
        session.save()
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    StaffSession.objects.filter(user=user).exclude(session_key__in=live).delete()
    StaffSession.objects.update_or_create(session_key=session.session_key, defaults={"user": user})


def on_user_logged_out(sender, request, user, **kwargs) -> None:
    from apps.accounts.models import StaffSession

    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        StaffSession.objects.filter(session_key=session.session_key).delete()
