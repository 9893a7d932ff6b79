from django.core.management.base import BaseCommand

from apps.notifications.services import notification_sweep


class Command(BaseCommand):
    help = "Hand queued notifications to the broker again and reclaim stuck ones (what the beat does every minute)."

    def handle(self, *args, **options):
        result = notification_sweep()
        self.stdout.write(
            f"reclaimed={result.reclaimed} abandoned={result.abandoned} handed_over={result.handed_over}"
        )
