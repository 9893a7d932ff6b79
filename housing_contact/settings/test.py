"""Test settings: base settings plus what only tests need.

Nothing runs eagerly here that production runs asynchronously: Celery stays a real broker
client, and a test that wants a task run calls it (or starts a worker) itself.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# SMS to files (a per-run directory may be given by a test that starts its own worker).
os.environ.setdefault("HOUSING_SMS_BACKEND", "apps.notifications.backends.file.FileSmsBackend")
os.environ.setdefault(
    "HOUSING_SMS_FILE_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "var", "test-sms")
)

from .base import *  # noqa: E402,F403
from .base import CACHES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES["default"]["KEY_PREFIX"] = f"hc-test-{os.getpid()}"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
HOUSING_ATTACHMENTS_ROOT = BASE_DIR / "var" / "test-private" / "attachments"  # noqa: F405
# Mismatch answers keep their equal floor, shortened so the suite stays quick.
HOUSING_TRACK_MISMATCH_SECONDS = 0.01
HOUSING_PRIVATE_FILES_ROOT = BASE_DIR / "var" / "test-private"  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# Each test run its own channel-layer keys on the shared Redis (a browser test's Daphne
# subprocess is given this run's prefix through the environment).
if "HOUSING_CHAT_LAYER_PREFIX" not in os.environ:
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"hc-chat-test-{os.getpid()}"  # noqa: F405
