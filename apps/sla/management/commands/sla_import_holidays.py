"""Import Bahrain's official holidays for one or more years (idempotent)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.sla import services


class Command(BaseCommand):
    # The change history files what this command changes under door "import".
    history_door = "import"
    help = "Materialise the official holidays of the given years (default: this year and the next)."

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int, help="years to import, e.g. 2026 2027")

    def handle(self, *args, years, **options):
        today = timezone.localdate()
        for year in years or [today.year, today.year + 1]:
            if not 1972 <= year <= 2100:
                raise CommandError(f"{year}: choose a year between 1972 and 2100")
            try:
                result = services.holiday_import_year(year=year, actor=None)
            except ApplicationError as error:
                raise CommandError(f"{year}: {error.message} {error.details}") from error
            self.stdout.write(
                f"{year}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
                f"{result.kept} kept as confirmed, {result.removed} removed"
            )
