import gc
import os

from django.core.wsgi import get_wsgi_application

from apps.core.handover import start_relay

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "housing_contact.settings.base")
application = get_wsgi_application()


def _load_what_workers_share() -> None:
    """Every view imported, and each language's message catalogues and URL reverse look-up
    built, now: a gunicorn master that loads the application forks workers that share them
    instead of building them at their first request in each language (measured in gunicorn:
    a worker's first creation through the API 115-118 ms before, 90-100 ms after; the next
    ones 6-10 ms). A namespace's own look-up is still built at its first ``reverse``."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every view
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018


def _settle_garbage_collector() -> None:
    """Keep Python's cyclic garbage collector off what the process holds for good.

    Once the URLs (and so every view, form and serializer module) are imported, the ~270,000
    objects of a loaded process live as long as it does; ``gc.freeze`` takes them out of
    every later collection, so a full collection no longer walks them all. A request
    allocates thousands of short-lived objects: a first generation of 5,000 rather than 700
    lets most of them go by reference counting before a collection looks. Measured in
    process (bench/PROFILE-issue20.md): the collector's time per ticket creation 0.84 → 0.32
    ms, per staff list page 1.27 → 0.62 ms.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(5000, *gc.get_threshold()[1:])


_load_what_workers_share()
_settle_garbage_collector()

# The outboxes hand their committed rows to Celery from a thread of each server process,
# not from the request's (apps/core/handover.py).
start_relay()
