"""The exports' settings, read when used (never at import), with their defaults."""

from pathlib import Path

from django.conf import settings

DEFAULTS = {
    # Above this many rows an export is written in the background and offered for download.
    "HOUSING_EXPORT_BACKGROUND_ROWS": 5_000,
    # Above this many rows an export needs exports.export_large.
    "HOUSING_EXPORT_MAX_ROWS": 50_000,
    # Days a background export's file is kept before the sweep removes it.
    "HOUSING_EXPORT_KEEP_DAYS": 7,
    # A job still waiting this many seconds after it was asked for is handed over again.
    "HOUSING_EXPORT_REQUEUE_SECONDS": 120,
    # A job "being written" for this long lost its worker: it goes back to waiting.
    "HOUSING_EXPORT_STALE_SECONDS": 3600,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])


def root() -> Path:
    configured = getattr(settings, "HOUSING_EXPORTS_ROOT", None)
    if configured:
        return Path(configured)
    return Path(settings.HOUSING_PRIVATE_FILES_ROOT) / "exports"
