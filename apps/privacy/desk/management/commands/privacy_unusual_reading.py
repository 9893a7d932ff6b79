from django.core.management.base import BaseCommand

from apps.privacy.desk import alerts


class Command(BaseCommand):
    help = (
        "Raise the alerts about staff who opened more citizens' files outside their cases in a day "
        "than HOUSING_PRIVACY_UNUSUAL_READS_PER_DAY (the beat runs it every 30 minutes); idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=2, help="How many days back, today included (default 2)."
        )

    def handle(self, *args, days, **options):
        result = alerts.unusual_reading_sweep(days=max(1, days))
        self.stdout.write(f"{result.alerts} alert(s) counted over {result.days} day(s), {result.raised} new")
