"""The Celery application. Tasks live in each app's ``tasks.py`` with explicit names."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "housing_contact.settings.base")

app = Celery("housing_contact")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
