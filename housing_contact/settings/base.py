"""Settings for every environment, read from the environment.

How it is put together: every value that differs between machines comes from an
environment variable (see ``.env.example``), parsed strictly by ``envconfig`` so that a
missing or malformed value stops start-up naming the variable. ``test.py`` imports this
module and changes only what tests need. Domain settings are prefixed ``HOUSING_`` and are
read through ``django.conf.settings`` at call time, never at import time.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import fontpkg_noto_sans_arabic
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _
from redis.backoff import NoBackoff
from redis.retry import Retry

from housing_contact import envconfig

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = envconfig.get_bool("DEBUG", False)
# Without DEBUG a placeholder or short key stops start-up (envconfig.get_secret_key).
SECRET_KEY = envconfig.get_secret_key(
    "SECRET_KEY", debug=DEBUG, development_default="insecure-development-key-only"
)
ALLOWED_HOSTS = envconfig.get_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envconfig.get_origins("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "bootstrap",
    "phonenumber_field",
    "apps.core",
    "apps.accounts",
    "apps.citizens",
    "apps.sla",
    "apps.tickets",
    "apps.portal",
    "apps.committee",
    "apps.notifications",
    "apps.exports",
    "apps.contacts",
    "apps.escalations",
    "apps.appointments",
    "apps.campaigns",
    "channels",
    "apps.chat",
    "apps.reports",
    # Partners (apps/integrations): the shared partner outbox, then one app per partner.
    "apps.integrations.outbound",
    "apps.integrations.tawasul",
    "apps.integrations.sms",
    "apps.integrations.webhooks",
    "apps.integrations.mail",
    "apps.integrations.housing_feed",
    "apps.integrations.open311",
    # Personal-data governance (apps/privacy): the change history (pghistory triggers), the
    # data-protection officer's desk, citizens' requests (subject access, rectification,
    # objection) and retention.
    "pgtrigger",
    "pghistory",
    "apps.privacy.history",
    "apps.privacy.desk",
    "apps.privacy.requests",
    "apps.privacy.retention",
]

# The change history (apps/privacy/history): its triggers are registered in Python and
# installed by ``migrate`` (also in the test database), not written into other apps'
# migrations; the context's actor is resolved when a statement is sent.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = True
PGHISTORY_JSON_ENCODER = "apps.core.history.HistoryJSONEncoder"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.accounts.middleware.SessionIdleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who changed what through which door: the change history's context (apps/core/history.py).
    "apps.core.history.HistoryDoorMiddleware",
    "apps.accounts.middleware.LanguageMiddleware",
    # Staff signed in with a password but not yet with their second factor see only the
    # two-factor pages (apps/accounts/two_factor.py).
    "apps.accounts.middleware.TwoFactorMiddleware",
    "apps.core.middleware.PersonalDataNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "housing_contact.urls"
WSGI_APPLICATION = "housing_contact.wsgi.application"
ASGI_APPLICATION = "housing_contact.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.shell",
            ],
        },
    },
]

DATABASES = {"default": envconfig.get_database("DATABASE_URL")}
# Django's PostgreSQL backend, whose health check asks the socket before the server
# (apps/core/postgresql): no SELECT 1 round trip at the start of every request.
DATABASES["default"]["ENGINE"] = "apps.core.postgresql"
DATABASES["default"].setdefault("CONN_MAX_AGE", envconfig.get_int("DB_CONN_MAX_AGE", 60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
# Reports (apps/reports) read from a replica when one is given; everything else, and every
# write, stays on the primary (apps.reports.routers).
HOUSING_REPORTS_DATABASE = ""
if envconfig.get_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = envconfig.get_database("DATABASE_REPLICA_URL")
    DATABASES["replica"]["ENGINE"] = "apps.core.postgresql"
    DATABASES["replica"].setdefault("CONN_MAX_AGE", envconfig.get_int("DB_CONN_MAX_AGE", 60))
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 5
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    HOUSING_REPORTS_DATABASE = "replica"
DATABASE_ROUTERS = ["apps.reports.routers.ReportsReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = envconfig.get_redis("REDIS_URL")


def _cache_location(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme in ("redis+socket", "unix"):
        return f"unix://{parsed.path}"
    return url


# Redis is a cache and a counter store, never the only copy of anything intake needs: a
# Redis that refuses or does not answer within REDIS_TIMEOUT_MS costs a request at most
# about twice that per call (one retry), and each use falls back to PostgreSQL (permissions,
# sessions, rate limits: see apps/core/counters.py and README "Redis outage").
_REDIS_TIMEOUT = envconfig.get_int("REDIS_TIMEOUT_MS", 500) / 1000


def _channel_layer_host(url: str) -> str:
    """channels-redis takes a redis-py URL: the embedded Redis is a unix socket."""
    parsed = urlparse(url)
    if parsed.scheme in ("redis+socket", "unix"):
        return f"unix://{parsed.path}" + (f"?{parsed.query}" if parsed.query else "")
    return url


# Live chat (apps/chat): websockets through Django Channels, served by Daphne beside the
# WSGI web process; messages between processes go through channels-redis on REDIS_URL.
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            # redis-py's pools stop at 100 connections by default; a chat server with a few
            # hundred open websockets needs more at once (group_add / group_send / receive).
            "hosts": [
                {
                    "address": _channel_layer_host(REDIS_URL),
                    "max_connections": envconfig.get_int("HOUSING_CHAT_REDIS_MAX_CONNECTIONS", 1000),
                    # Longer than channels-redis' 5 s blocking read (BZPOPMIN): redis-py 8's
                    # default of 5 s made every consumer idle for 5 s die of a read timeout.
                    "socket_timeout": 30,
                    "socket_connect_timeout": 5,
                    # RESP2: under redis-py 8's default RESP3 channels-redis 4.3 delivered a
                    # consumer's messages late and out of order (measured by bench/chat_load).
                    "protocol": 2,
                }
            ],
            "prefix": envconfig.get_str("HOUSING_CHAT_LAYER_PREFIX", "hc-chat"),
            "capacity": 1000,
            "expiry": 60,
        },
    }
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _cache_location(REDIS_URL),
        "KEY_PREFIX": envconfig.get_str("CACHE_KEY_PREFIX", "hc"),
        "OPTIONS": {
            "socket_connect_timeout": _REDIS_TIMEOUT,
            "socket_timeout": _REDIS_TIMEOUT,
            "retry": Retry(NoBackoff(), 1),
        },
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with each user's permission set cached in Redis (apps/accounts/backends.py).
    "apps.accounts.backends.CachedPermissionsBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after this much inactivity. They live in PostgreSQL with a Redis copy that
# is read first (cached_db: no query to load one, nothing lost when Redis restarts).
# SessionIdleMiddleware pushes the expiry forward at most once a minute rather than
# writing the row on every request; the row and the Redis copy both expire, so a stolen
# cookie dies with them.
SESSION_ENGINE = "apps.accounts.sessions"  # cached_db that survives a Redis outage
SESSION_COOKIE_AGE = envconfig.get_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_REFRESH_SECONDS = envconfig.get_int("SESSION_REFRESH_SECONDS", 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Failed sign-ins (apps/accounts/lockout.py). Counted per username *and* client address —
# the real one, read through HOUSING_TRUSTED_PROXIES by apps.core.clients.client_ip — so a
# stranger can lock an account only for their own address: the sixth failure in a row within
# 15 minutes locks that username from that address for 15 minutes (attempts while locked are
# refused and not counted). Across all addresses a slower back-off holds instead of a lock:
# after HOUSING_LOGIN_ACCOUNT_FAILURES failures for one username within those 15 minutes, it
# accepts one attempt per HOUSING_LOGIN_ACCOUNT_BACKOFF_SECONDS, from anywhere.
AXES_FAILURE_LIMIT = envconfig.get_int("HOUSING_LOGIN_FAILURE_LIMIT", 6)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "apps.accounts.lockout.client_address"
AXES_HANDLER = "apps.accounts.lockout.LoginLockoutHandler"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
HOUSING_LOGIN_ACCOUNT_FAILURES = envconfig.get_int("HOUSING_LOGIN_ACCOUNT_FAILURES", 30)
HOUSING_LOGIN_ACCOUNT_BACKOFF_SECONDS = envconfig.get_int("HOUSING_LOGIN_ACCOUNT_BACKOFF_SECONDS", 60)
# Two-factor sign-in (django-otp: an authenticator app's TOTP codes, or a recovery code):
# required for these roles (keys of apps.accounts.roles.Role), optional for everyone else.
HOUSING_TWO_FACTOR_REQUIRED_ROLES = envconfig.get_list(
    "HOUSING_TWO_FACTOR_REQUIRED_ROLES",
    ["senior_management", "supervisor", "administrator", "data_protection_officer"],
)
OTP_TOTP_ISSUER = "Housing Contact"
AXES_VERBOSE = False

LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "hc_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
# Every cookie the app sets is HttpOnly (no script reads any: htmx gets the CSRF token from
# the page), SameSite=Lax, and Secure outside development. Set below with the HTTPS ones.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Bahrain"
USE_I18N = True
USE_TZ = True
# One date and number policy (apps/core/templatetags/dates.py): unambiguous month names, never
# 12/03/2026; Arabic-Indic digits on Arabic pages when HOUSING_ARABIC_INDIC_DIGITS is on.
FORMAT_MODULE_PATH = ["housing_contact.formats"]
HOUSING_ARABIC_INDIC_DIGITS = envconfig.get_bool("HOUSING_ARABIC_INDIC_DIGITS", False)

STATIC_URL = "static/"
STATIC_ROOT = Path(envconfig.get_str("STATIC_ROOT", str(BASE_DIR / "var" / "staticfiles")))
# The Arabic web font comes from the fontpkg-noto-sans-arabic wheel, served locally (no CDN).
STATICFILES_DIRS = [BASE_DIR / "static", ("fonts", Path(fontpkg_noto_sans_arabic.__file__).parent / "files")]
MEDIA_ROOT = Path(envconfig.get_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Files staff and citizens send (committee documents, minutes): never under a served URL.
HOUSING_PRIVATE_FILES_ROOT = Path(
    envconfig.get_str("HOUSING_PRIVATE_FILES_ROOT", str(BASE_DIR / "var" / "private"))
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security: production values by default; DEBUG (development only) relaxes the HTTPS ones.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envconfig.get_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = envconfig.get_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^chat/healthz$"]
# Content-Security-Policy on every answer (django-csp): scripts, styles, fonts and images
# from this site only; no inline script, style or event handler, no eval (htmx runs with
# allowEval off, see base.html); no plugin, no framing, forms post here only. Bootstrap's
# CSS draws its small icons from data: SVGs, hence img-src data:.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.authentication.LanguageTokenAuthentication",  # answers in the account's language
        # A session only once its two-factor step is done (apps/accounts/authentication.py).
        "apps.accounts.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
    # DRF's three, with the JSON one nesting at most 64 deep (apps/core/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Housing Contact API",
    "DESCRIPTION": "Tickets, contacts, citizens and tracking for the housing ministry's contact centre.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The docs page's JavaScript and CSS are served from the sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for a choice set that several fields share.
    "ENUM_NAME_OVERRIDES": {
        "SlaTargetUnitEnum": "apps.sla.models.PolicyVersion.UnitChoices",
        "TicketStatusEnum": "apps.tickets.workflow.Status.choices",
        "UycCaseStatusEnum": "apps.escalations.workflow.Status.choices",
        "ContactChannelEnum": "apps.sla.keys.CHANNELS",
        "NotificationChannelEnum": "apps.notifications.choices.Channel.choices",
        "NotificationStateEnum": "apps.notifications.choices.State.choices",
        "NotificationLanguageEnum": "apps.notifications.choices.Language.choices",
        "TicketKindEnum": "apps.sla.keys.KINDS",
        "CampaignKindEnum": "apps.campaigns.models.Kind.choices",
        "CampaignStatusEnum": "apps.campaigns.models.CampaignStatus.choices",
        "CampaignTargetStatusEnum": "apps.campaigns.models.TargetStatus.choices",
        "CampaignDispositionEnum": "apps.campaigns.models.Disposition.choices",
    },
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# Above the longest task, so a late-acked task is not redelivered while still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {
    # Hand over queued notifications the broker lost or never got; reclaim stuck ones.
    "notifications.sweep": {"task": "notifications.sweep", "schedule": 60.0},
    # Stored Idempotency-Key answers past their time to live, and attachment files a failed
    # transaction left without a row: both swept once a night.
    "core.idempotency_purge": {"task": "core.idempotency_purge", "schedule": 24 * 3600},
    "tickets.sweep_orphan_files": {"task": "tickets.sweep_orphan_files", "schedule": 24 * 3600},
    # Rate counters kept in PostgreSQL during a Redis outage, once their window is over.
    "core.counters_purge": {"task": "core.counters_purge", "schedule": 3600},
    # Inbound e-mail: the mailbox read every two minutes (apps/integrations/mail); housing
    # files dropped as CSV by the housing application system, imported every ten minutes.
    "integrations_mail.fetch": {"task": "integrations_mail.fetch", "schedule": 120.0},
    "integrations_housing_feed.import_drops": {
        "task": "integrations_housing_feed.import_drops",
        "schedule": 600.0,
    },
    # SLA clocks: at risk, breached, second level (apps/sla/sweeps.py), every five minutes;
    # each department's digest at 06:30 Bahrain time on working days.
    "sla.sweep": {"task": "sla.sweep", "schedule": 300.0},
    "sla.digest": {
        "task": "sla.digest",
        "schedule": crontab(hour=6, minute=30, day_of_week="sun,mon,tue,wed,thu"),
    },
    # Appointments: reminders for the next working day (hourly in the day: the service
    # decides which day is the working day before, and sends each once); no-shows after the
    # grace period, every ten minutes.
    "appointments.remind": {"task": "appointments.remind", "schedule": crontab(minute=5, hour="8-20")},
    "appointments.mark_no_shows": {"task": "appointments.mark_no_shows", "schedule": 600.0},
    # Campaigns: targets held by an agent for over 30 minutes go back on the call list.
    "campaigns.release_stale": {"task": "campaigns.release_stale", "schedule": 300.0},
    # Data-subject requests near or past their legal due date: flagged, officers told (hourly).
    "privacy.requests_due_sweep": {"task": "privacy.requests_due_sweep", "schedule": 3600.0},
    # The previous month's statement draft, and the managers told, on the 1st at 07:00.
    # Partner deliveries (apps/integrations/outbound): hand over what the broker lost, reclaim
    # stuck claims, forget old request signatures.
    "integrations.outbound.sweep": {"task": "integrations.outbound.sweep", "schedule": 60.0},
    # Retention (apps/privacy/retention): the active policies applied in batches, at 02:30.
    "privacy.retention_sweep": {"task": "privacy.retention_sweep", "schedule": crontab(hour=2, minute=30)},
    # Exports (apps/exports): background jobs left waiting handed over again, expired files removed.
    "exports.sweep": {"task": "exports.sweep", "schedule": 300.0},
    "reports.monthly_draft": {
        "task": "reports.monthly_draft",
        "schedule": crontab(day_of_month=1, hour=7, minute=0),
    },
}

PHONENUMBER_DEFAULT_REGION = "BH"
PHONENUMBER_DEFAULT_FORMAT = "E164"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envconfig.get_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

HOUSING_PUBLIC_BASE_URL = envconfig.get_str("HOUSING_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# The OpenAPI schema and docs page: signed-in staff only unless this is on.
HOUSING_API_DOCS_PUBLIC = envconfig.get_bool("HOUSING_API_DOCS_PUBLIC", False)
# The longest free text (notes, replies, messages, decisions...) a form or the API accepts.
HOUSING_TEXT_MAX_CHARS = envconfig.get_int("HOUSING_TEXT_MAX_CHARS", 10_000)
# Calendar days a department has to answer a follow-up referred by the contact centre.
# A placeholder until the SLA engine computes due dates in working time (issue 5).
# Retention: the legal minimum per kind of record, in months, over the defaults in
# apps/privacy/retention/kinds.py (DEFAULT_MINIMUMS), e.g. "closed_tickets=72,outbox=18".
HOUSING_RETENTION_MINIMUMS = envconfig.get_list("HOUSING_RETENTION_MINIMUMS", [])
HOUSING_FOLLOWUP_DAYS = envconfig.get_int("HOUSING_FOLLOWUP_DAYS", 7)
# A contact from the same citizen on the same purpose within this many calendar days of an
# earlier one (any channel) is a repeat contact (apps/contacts/repeats.py).
HOUSING_REPEAT_CONTACT_DAYS = envconfig.get_int("HOUSING_REPEAT_CONTACT_DAYS", 7)
# Rows accepted in one telephony JSON batch, and in one CSV upload.
HOUSING_CONTACT_BATCH_MAX = envconfig.get_int("HOUSING_CONTACT_BATCH_MAX", 1000)
# Exports of the staff lists (apps/exports): over BACKGROUND_ROWS rows an export is written in
# the background; over MAX_ROWS it needs exports.export_large; files are kept KEEP_DAYS days.
HOUSING_EXPORT_BACKGROUND_ROWS = envconfig.get_int("HOUSING_EXPORT_BACKGROUND_ROWS", 5_000)
HOUSING_EXPORT_MAX_ROWS = envconfig.get_int("HOUSING_EXPORT_MAX_ROWS", 50_000)
HOUSING_EXPORT_KEEP_DAYS = envconfig.get_int("HOUSING_EXPORT_KEEP_DAYS", 7)
HOUSING_CONTACT_CSV_MAX_ROWS = envconfig.get_int("HOUSING_CONTACT_CSV_MAX_ROWS", 20000)
# Tickets one bulk action on the staff list (or POST /api/v1/tickets/bulk/) may change at once.
HOUSING_BULK_MAX_TICKETS = envconfig.get_int("HOUSING_BULK_MAX_TICKETS", 200)

# Ticket attachments live outside the web root (nothing serves this folder); only a view
# that checks permission reads them.
HOUSING_ATTACHMENTS_ROOT = Path(
    envconfig.get_str("HOUSING_ATTACHMENTS_ROOT", str(BASE_DIR / "var" / "private" / "attachments"))
)
HOUSING_TICKET_ATTACHMENT_MAX_BYTES = envconfig.get_int(
    "HOUSING_TICKET_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024
)
HOUSING_TICKET_ATTACHMENTS_PER_TICKET = envconfig.get_int("HOUSING_TICKET_ATTACHMENTS_PER_TICKET", 10)
# Tracking a ticket: failed attempts allowed per address and per review number within the
# window before a lock-out, and the least time every mismatch answer takes.
# The load balancers' addresses or networks: behind them, rate limits read the client's
# address from X-Forwarded-For (apps/core/clients.py). Empty: REMOTE_ADDR is the client.
HOUSING_TRUSTED_PROXIES = envconfig.get_list("HOUSING_TRUSTED_PROXIES", [])
HOUSING_TRACK_WINDOW_SECONDS = envconfig.get_int("HOUSING_TRACK_WINDOW_SECONDS", 15 * 60)
HOUSING_TRACK_MAX_FAILURES_PER_IP = envconfig.get_int("HOUSING_TRACK_MAX_FAILURES_PER_IP", 20)
HOUSING_TRACK_MAX_FAILURES_PER_NUMBER = envconfig.get_int("HOUSING_TRACK_MAX_FAILURES_PER_NUMBER", 5)
HOUSING_TRACK_MISMATCH_SECONDS = float(envconfig.get_str("HOUSING_TRACK_MISMATCH_SECONDS", "0.25"))
# Portal submissions allowed per address per hour.
HOUSING_PORTAL_SUBMISSIONS_PER_HOUR = envconfig.get_int("HOUSING_PORTAL_SUBMISSIONS_PER_HOUR", 10)
# Data-subject requests (apps/privacy/requests): the legal deadline in working days of the
# business calendar, the working days before it a request is "due soon", and how long a
# one-time code opens the citizen's page on the portal.
HOUSING_PRIVACY_REQUEST_WORKING_DAYS = envconfig.get_int("HOUSING_PRIVACY_REQUEST_WORKING_DAYS", 15)
HOUSING_PRIVACY_REQUEST_WARN_DAYS = envconfig.get_int("HOUSING_PRIVACY_REQUEST_WARN_DAYS", 3)
HOUSING_PRIVACY_PORTAL_SESSION_MINUTES = envconfig.get_int("HOUSING_PRIVACY_PORTAL_SESSION_MINUTES", 15)
# One-time codes by SMS (apps/core/otp.py): digits, lifetime, tries; per window, codes per
# number and per address, and wrong codes per address before a lock-out.
HOUSING_OTP_DIGITS = envconfig.get_int("HOUSING_OTP_DIGITS", 6)
HOUSING_OTP_TTL_SECONDS = envconfig.get_int("HOUSING_OTP_TTL_SECONDS", 300)
HOUSING_OTP_MAX_ATTEMPTS = envconfig.get_int("HOUSING_OTP_MAX_ATTEMPTS", 3)
HOUSING_OTP_WINDOW_SECONDS = envconfig.get_int("HOUSING_OTP_WINDOW_SECONDS", 3600)
HOUSING_OTP_SENDS_PER_RECIPIENT = envconfig.get_int("HOUSING_OTP_SENDS_PER_RECIPIENT", 3)
HOUSING_OTP_SENDS_PER_IP = envconfig.get_int("HOUSING_OTP_SENDS_PER_IP", 10)
HOUSING_OTP_FAILURES_PER_IP = envconfig.get_int("HOUSING_OTP_FAILURES_PER_IP", 10)
# "Under Your Command": the decision window when no SLA policy covers a case (calendar
# days), and the working days a department has to answer a request for information.
# A ticket still late at the SLA engine's second escalation level opens an "Under Your
# Command" case by itself (source "missed deadline") when this is on.
HOUSING_SLA_BREACH_OPENS_UYC = envconfig.get_bool("HOUSING_SLA_BREACH_OPENS_UYC", False)
HOUSING_UYC_DEFAULT_DAYS = envconfig.get_int("HOUSING_UYC_DEFAULT_DAYS", 30)
HOUSING_UYC_INFO_REQUEST_WORKING_DAYS = envconfig.get_int("HOUSING_UYC_INFO_REQUEST_WORKING_DAYS", 5)
# A repeated Idempotency-Key is answered from the first response for this long.
HOUSING_IDEMPOTENCY_TTL_SECONDS = envconfig.get_int("HOUSING_IDEMPOTENCY_TTL_SECONDS", 24 * 3600)

# Notifications (apps/notifications/conf.py lists every HOUSING_NOTIFY_* / HOUSING_SMS_* knob
# and its default). SMS: the file backend writes var/sms/<number>.jsonl in development; in
# production the generic HTTP gateway, configured here.
HOUSING_SMS_BACKEND = envconfig.get_str(
    "HOUSING_SMS_BACKEND",
    "apps.notifications.backends.file.FileSmsBackend"
    if DEBUG
    else "apps.notifications.backends.http.HttpSmsBackend",
)
HOUSING_SMS_FILE_DIR = envconfig.get_str("HOUSING_SMS_FILE_DIR", str(BASE_DIR / "var" / "sms"))
HOUSING_SMS_URL = envconfig.get_str("HOUSING_SMS_URL", "")
HOUSING_SMS_USERNAME = envconfig.get_str("HOUSING_SMS_USERNAME", "")
HOUSING_SMS_PASSWORD = envconfig.get_str("HOUSING_SMS_PASSWORD", "")
HOUSING_SMS_API_TOKEN = envconfig.get_str("HOUSING_SMS_API_TOKEN", "")
HOUSING_SMS_SENDER_ID = envconfig.get_str("HOUSING_SMS_SENDER_ID", "MOH")
HOUSING_SMS_TIMEOUT_SECONDS = float(envconfig.get_int("HOUSING_SMS_TIMEOUT_SECONDS", 10))

# E-mail: SMTP in production; in development, files under var/mail.
EMAIL_BACKEND = envconfig.get_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = envconfig.get_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = envconfig.get_str("EMAIL_HOST", "localhost")
EMAIL_PORT = envconfig.get_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = envconfig.get_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envconfig.get_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envconfig.get_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = envconfig.get_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = envconfig.get_str("DEFAULT_FROM_EMAIL", "Ministry of Housing <no-reply@housing.gov.bh>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Live chat and video calls (apps/chat/conf.py lists every HOUSING_CHAT_* knob and its default).
# The websocket port when it differs from the page's (development: Daphne on 8001 beside
# runserver on 8000); 0 = the page's own origin (production: the proxy routes /ws/ to chat).
HOUSING_CHAT_WS_PORT = envconfig.get_int("HOUSING_CHAT_WS_PORT", 0)
HOUSING_CHAT_AGENT_MAX_CHATS = envconfig.get_int("HOUSING_CHAT_AGENT_MAX_CHATS", 3)
# Staffed round the clock; otherwise chat opens in the business calendar's working hours.
HOUSING_CHAT_OPEN_ALWAYS = envconfig.get_bool("HOUSING_CHAT_OPEN_ALWAYS", False)
HOUSING_VIDEO_MEETING_URL = envconfig.get_str(
    "HOUSING_VIDEO_MEETING_URL", "https://meet.housing.gov.bh/{room}"
)
# Sites allowed to frame the chat panel of the embeddable snippet (CSP frame-ancestors).
HOUSING_CHAT_EMBED_ORIGINS = envconfig.get_list("HOUSING_CHAT_EMBED_ORIGINS", [])

# In development, serve static files straight from the apps and packages.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Partners' shared secrets for signed requests (apps.integrations.signing), newest first; two
# at once while one is rotated. Each partner's app reads its own entry (webhook
# subscriptions each carry their own secret, not one from here).
HOUSING_INTEGRATION_SECRETS = {
    partner: envconfig.get_list(f"HOUSING_{partner.upper()}_SECRETS", [])
    for partner in ("tawasul", "sms", "housing_feed")
}
# Tawasul (apps/integrations/tawasul/README.md): where our acknowledgements, replies and status
# changes go, and the optional polling of its message list (off unless the interval is > 0).
HOUSING_TAWASUL_OUTBOUND_URL = envconfig.get_str("HOUSING_TAWASUL_OUTBOUND_URL", "")
HOUSING_TAWASUL_POLL_URL = envconfig.get_str("HOUSING_TAWASUL_POLL_URL", "")
HOUSING_TAWASUL_POLL_SECONDS = envconfig.get_int("HOUSING_TAWASUL_POLL_SECONDS", 0)
if HOUSING_TAWASUL_POLL_SECONDS > 0:
    CELERY_BEAT_SCHEDULE["integrations.tawasul.poll"] = {
        "task": "integrations.tawasul.poll",
        "schedule": float(HOUSING_TAWASUL_POLL_SECONDS),
    }

# Inbound e-mail (apps/integrations/mail): the mailbox read over IMAP with TLS. No host, no
# fetching. HOUSING_MAIL_IMAP_CA_FILE trusts a private certificate authority; the system's
# otherwise. Messages over HOUSING_MAIL_MAX_BYTES get a polite refusal; a sender who sends
# more than HOUSING_MAIL_FLOOD_LIMIT messages within HOUSING_MAIL_FLOOD_WINDOW_SECONDS is
# throttled (kept, not filed, not answered).
HOUSING_MAIL_IMAP_HOST = envconfig.get_str("HOUSING_MAIL_IMAP_HOST", "")
HOUSING_MAIL_IMAP_PORT = envconfig.get_int("HOUSING_MAIL_IMAP_PORT", 993)
HOUSING_MAIL_IMAP_USER = envconfig.get_str("HOUSING_MAIL_IMAP_USER", "")
HOUSING_MAIL_IMAP_PASSWORD = envconfig.get_str("HOUSING_MAIL_IMAP_PASSWORD", "")
HOUSING_MAIL_IMAP_FOLDER = envconfig.get_str("HOUSING_MAIL_IMAP_FOLDER", "INBOX")
HOUSING_MAIL_IMAP_CA_FILE = envconfig.get_str("HOUSING_MAIL_IMAP_CA_FILE", "")
HOUSING_MAIL_MAX_BYTES = envconfig.get_int("HOUSING_MAIL_MAX_BYTES", 15 * 1024 * 1024)
HOUSING_MAIL_FLOOD_LIMIT = envconfig.get_int("HOUSING_MAIL_FLOOD_LIMIT", 10)
HOUSING_MAIL_FLOOD_WINDOW_SECONDS = envconfig.get_int("HOUSING_MAIL_FLOOD_WINDOW_SECONDS", 3600)
HOUSING_MAIL_TICKET_KIND = envconfig.get_str("HOUSING_MAIL_TICKET_KIND", "inquiry")

# The housing-file feed (apps/integrations/housing_feed): CSV files dropped in this folder are
# imported on a schedule and moved to its "processed" (or "failed") subfolder. Empty: none.
HOUSING_FEED_DROP_DIR = envconfig.get_str("HOUSING_FEED_DROP_DIR", "")
# Tell the citizen when the housing system changes their file's status (template
# "housing_file.status_changed"); off by default.
HOUSING_FEED_NOTIFY_STATUS = envconfig.get_bool("HOUSING_FEED_NOTIFY_STATUS", False)

# Open311 GeoReport v2 (apps/integrations/open311): the API keys that may POST requests.
HOUSING_OPEN311_API_KEYS = envconfig.get_list("HOUSING_OPEN311_API_KEYS", [])

# The data-protection officer's desk (apps/privacy/desk): a member of staff who opens more
# citizens' files outside their cases in one day than this raises an alert (see
# apps/privacy/desk/alerts.py for what "outside their cases" means); swept every 30 minutes.
HOUSING_PRIVACY_UNUSUAL_READS_PER_DAY = envconfig.get_int("HOUSING_PRIVACY_UNUSUAL_READS_PER_DAY", 20)
CELERY_BEAT_SCHEDULE["privacy_desk.unusual_reading_sweep"] = {
    "task": "privacy_desk.unusual_reading_sweep",
    "schedule": 30 * 60.0,
}
