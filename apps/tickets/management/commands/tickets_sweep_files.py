"""Delete attachment files that no row points to (left by a transaction that failed after
the file was written). Only files older than an hour, so uploads in flight are safe."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand

from apps.tickets.attachments import storage
from apps.tickets.models import TicketAttachment


class Command(BaseCommand):
    help = "Delete stored attachment files that belong to no attachment row."

    def add_arguments(self, parser):
        parser.add_argument("--min-age-seconds", type=int, default=3600)

    def handle(self, *args, min_age_seconds, **options):
        root = Path(storage().location)
        if not root.exists():
            self.stdout.write("tickets_sweep_files: nothing stored yet")
            return
        cutoff = time.time() - min_age_seconds
        on_disk = {
            str(p.relative_to(root)): p for p in root.rglob("*") if p.is_file() and p.stat().st_mtime < cutoff
        }
        known = set(TicketAttachment.objects.filter(file__in=list(on_disk)).values_list("file", flat=True))
        removed = 0
        for name, path in on_disk.items():
            if name not in known:
                path.unlink(missing_ok=True)
                removed += 1
        self.stdout.write(f"tickets_sweep_files: {removed} orphan file(s) removed, {len(known)} kept")
