from django.core.management.base import BaseCommand

from apps.sla import sweeps


class Command(BaseCommand):
    help = "Send each department's morning SLA digest (once a day; a second run sends nothing)."

    def handle(self, *args, **options):
        self.stdout.write(f"digests={sweeps.sla_digest()}")
