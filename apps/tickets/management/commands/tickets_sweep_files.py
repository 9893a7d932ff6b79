"""Delete attachment files that no row points to (see services.attachment_sweep_orphans)."""

from django.core.management.base import BaseCommand

from apps.tickets.services import attachment_sweep_orphans


class Command(BaseCommand):
    help = "Delete stored attachment files that belong to no attachment row."

    def add_arguments(self, parser):
        parser.add_argument("--min-age-seconds", type=int, default=3600)

    def handle(self, *args, min_age_seconds, **options):
        removed, kept = attachment_sweep_orphans(min_age_seconds=min_age_seconds)
        self.stdout.write(f"tickets_sweep_files: {removed} orphan file(s) removed, {kept} kept")
