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
