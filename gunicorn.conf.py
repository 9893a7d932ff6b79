"""gunicorn's settings, read from the working directory by the Docker image and the benchmarks.

Each value can be changed by the environment (see .env.example) or on the command line.
Threaded workers let a worker wait on PostgreSQL for one request while serving another,
and keep connections alive behind the load balancer.
"""

import os

wsgi_app = "housing_contact.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# The master loads the application once and forks its workers from it: a recycled worker
# is a fork, not a second of CPU re-importing Django and every view (measured: 1.2 s per
# worker), and the workers share the pages of what the master froze out of the garbage
# collector (housing_contact/wsgi.py). Nothing at import opens a database connection;
# the outbox relay thread is started again in each worker (apps/core/handover.py).
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() not in ("0", "false", "no")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None


def _accept_balance():
    """``housing_contact/accept_balance.py``, loaded by its path: the benchmarks serve another
    application (the peer's) from another virtualenv under this same file."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent / "housing_contact" / "accept_balance.py"
    spec = importlib.util.spec_from_file_location("housing_contact_accept_balance", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    backoff_ms = float(os.environ.get("GUNICORN_ACCEPT_BACKOFF_MS", module.BACKOFF_SECONDS * 1000))
    return module.Balance(backoff=backoff_ms / 1000)


# Keep-alive connections spread over the workers instead of piling up on the one that
# answered last (housing_contact/accept_balance.py says why and how).
_balance = _accept_balance()
pre_fork = _balance.pre_fork
post_worker_init = _balance.post_worker_init
child_exit = _balance.child_exit
