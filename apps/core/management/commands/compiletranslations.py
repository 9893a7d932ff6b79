"""Compile every .po catalogue of the project into .mo, without GNU gettext.

Django's ``compilemessages`` needs the ``msgfmt`` program, which a fresh machine with only
Python and a C compiler does not have; ``polib`` writes the same .mo files.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogues() -> list[Path]:
    roots = [Path(p) for p in settings.LOCALE_PATHS] + sorted((settings.BASE_DIR / "apps").glob("**/locale"))
    return sorted(po for root in roots if root.exists() for po in root.glob("*/LC_MESSAGES/*.po"))


class Command(BaseCommand):
    help = "Compile the project's .po translation catalogues into .mo files (pure Python)."

    def handle(self, *args, **options):
        compiled = 0
        for po_path in catalogues():
            try:
                catalogue = polib.pofile(str(po_path))
            except (OSError, ValueError) as exc:
                raise CommandError(f"{po_path}: {exc}") from exc
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            catalogue.save_as_mofile(str(mo_path))
            compiled += 1
        self.stdout.write(f"compiletranslations: {compiled} catalogue(s) compiled")
