"""Housing Contact: the citizen contact and complaints platform of a housing ministry."""

from .celery import app as celery_app

__all__ = ["celery_app"]
