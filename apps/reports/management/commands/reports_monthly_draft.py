"""The previous month's statement draft and the managers' message, by hand (the beat runs
the same on the 1st at 07:00)."""

from django.core.management.base import BaseCommand

from apps.reports import services


class Command(BaseCommand):
    help = "Compute the previous month's statement draft and tell the managers (once)."

    def handle(self, *args, **options):
        record, told = services.statement_schedule()
        self.stdout.write(f"{record.month:%Y-%m}: {record.status}, managers told: {told}")
