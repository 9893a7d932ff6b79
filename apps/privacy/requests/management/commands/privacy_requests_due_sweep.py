from django.core.management.base import BaseCommand

from apps.privacy.requests import services


class Command(BaseCommand):
    help = (
        "Flag data-subject requests near or past their due date and tell the officers (as the hourly task)."
    )

    def handle(self, *args, **options):
        counts = services.requests_due_sweep()
        self.stdout.write(f"due soon: {counts['near']}, overdue: {counts['overdue']}")
