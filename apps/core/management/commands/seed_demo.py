from django.core.management.base import BaseCommand
from django.db import transaction

from apps.core.seeding import seeders


class Command(BaseCommand):
    help = "Load the demo data of every app (idempotent: a second run adds nothing)."

    def handle(self, *args, **options):
        for label, seed in seeders():
            with transaction.atomic():
                seed(self.stdout)
            self.stdout.write(f"seed_demo: {label} ready")
