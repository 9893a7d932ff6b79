from pathlib import Path

from django.core.management.base import BaseCommand

from apps.integrations.housing_feed import services


class Command(BaseCommand):
    # The change history files what this command changes under door "import".
    history_door = "import"
    help = "Import the housing files dropped as CSV (HOUSING_FEED_DROP_DIR), or the files named."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="CSV files to import as they are (not moved).")

    def handle(self, *args, **options):
        if options["paths"]:
            for name in options["paths"]:
                for batch in services.housing_feed_import_csv(path=Path(name)):
                    self.stdout.write(
                        f"{name}: created={batch.created} updated={batch.updated} "
                        f"unchanged={batch.unchanged} rejected={batch.rejected}"
                    )
            return
        counts = services.housing_feed_import_drops()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
