"""The notifications app's settings, with their defaults, read at call time.

Every value can be overridden in Django settings under the same name. Nothing here is
read at import time, so ``override_settings`` and per-process environments both work.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings

DEFAULTS = {
    # A queued row not picked up by a worker this long after it was handed to the broker
    # is handed over again by the sweep (the broker lost it, or was down).
    "HOUSING_NOTIFY_REQUEUE_AFTER_SECONDS": 60,
    # A row left in "sending" this long is reclaimed. Longer than the Celery hard time
    # limit (300 s), so the worker that claimed it has certainly been stopped.
    "HOUSING_NOTIFY_CLAIM_TIMEOUT_SECONDS": 600,
    # Attempts towards the provider before a transiently failing row is given up.
    "HOUSING_NOTIFY_MAX_ATTEMPTS": 5,
    # Back-off after the n-th failed attempt: base * 2**(n-1), capped; the cap stays below
    # the broker's visibility timeout so a countdown task is never redelivered early.
    "HOUSING_NOTIFY_RETRY_BASE_SECONDS": 30,
    "HOUSING_NOTIFY_RETRY_MAX_SECONDS": 1800,
    # How many queued rows one sweep hands to the broker.
    "HOUSING_NOTIFY_SWEEP_BATCH": 2000,
    # Rows handed over together travel as one task of at most this many ids (one claim,
    # one Celery message for them all); a worker records successes this many at a time.
    "HOUSING_NOTIFY_TASK_BATCH": 50,
    "HOUSING_NOTIFY_RECORD_EVERY": 25,
    # Quiet hours for SMS to citizens, local time: non-urgent messages wait until the end.
    "HOUSING_SMS_QUIET_START": time(21, 0),
    "HOUSING_SMS_QUIET_END": time(7, 0),
    "HOUSING_SMS_QUIET_TIMEZONE": "Asia/Bahrain",
    # SMS gateway: the backend class and, for the HTTP gateway, how to reach it.
    "HOUSING_SMS_BACKEND": "apps.notifications.backends.file.FileSmsBackend",
    "HOUSING_SMS_FILE_DIR": None,  # None: <BASE_DIR>/var/sms
    "HOUSING_SMS_URL": "",
    "HOUSING_SMS_USERNAME": "",
    "HOUSING_SMS_PASSWORD": "",
    "HOUSING_SMS_API_TOKEN": "",
    "HOUSING_SMS_SENDER_ID": "MOH",
    "HOUSING_SMS_TIMEOUT_SECONDS": 10.0,
    "HOUSING_SMS_MESSAGE_ID_FIELD": "message_id",
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
