from datetime import timedelta

from django.core.management.base import BaseCommand

from apps.campaigns import services


class Command(BaseCommand):
    help = "Put back on the call list the targets an agent has held for too long (the beat runs it every 5 minutes)."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=30)

    def handle(self, *args, minutes: int, **options):
        released = services.targets_release_stale(older_than=timedelta(minutes=minutes))
        self.stdout.write(f"campaigns_release_stale: {released} target(s) released")
