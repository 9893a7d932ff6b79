"""Demo data, assembled from every app.

Each app that has demo data gives a ``seed.py`` with ``def seed(stdout) -> None``; the
``seed_demo`` command runs them in ``INSTALLED_APPS`` order. Every seeder is idempotent:
it looks up by a natural key before creating, so a second run adds nothing.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps


def seeders():
    for config in apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        module_name = f"{config.name}.seed"
        if find_spec(module_name) is not None:
            yield config.label, import_module(module_name).seed
