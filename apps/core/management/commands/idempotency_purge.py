from django.core.management.base import BaseCommand

from apps.core.idempotency import idempotency_purge


class Command(BaseCommand):
    help = "Delete stored Idempotency-Key answers older than HOUSING_IDEMPOTENCY_TTL_SECONDS."

    def handle(self, *args, **options):
        self.stdout.write(f"idempotency_purge: {idempotency_purge()} record(s) deleted")
