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
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
