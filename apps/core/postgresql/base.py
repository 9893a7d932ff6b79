"""Django's PostgreSQL backend, with a health check that does not cost a round trip.

With ``CONN_HEALTH_CHECKS`` Django checks a persistent connection before the first query of
every request, by sending ``SELECT 1``: one round trip per request, a tenth of a ticket
lookup's time. Here the check first asks the operating system whether the server has said
anything since the last answer (a zero-timeout ``select`` on the socket). An idle connection
to a live server has nothing to read; a server that restarted, or a backend terminated by
an administrator, has sent its goodbye (an error message, then the end of the stream), and
only then is the real ``SELECT 1`` sent, which fails and makes Django open a new connection.

What this cannot see is a server gone without a word (a host switched off, a cable cut):
the request's first query fails, as any query in flight would, and Django drops the
connection at the end of that request (``errors_occurred``, then the full check).
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        raw = self.connection
        if raw is None or raw.closed or raw.broken:
            return False
        if self.errors_occurred or raw.info.transaction_status != TransactionStatus.IDLE:
            return super().is_usable()  # something went wrong on it: ask the server
        try:
            unasked, _, _ = select.select([raw.pgconn.socket], [], [], 0)
        except (OSError, ValueError):  # the socket is gone
            return False
        # Something to read that nobody asked for: the server's goodbye (or a notice); the
        # round trip tells which.
        return super().is_usable() if unasked else True
