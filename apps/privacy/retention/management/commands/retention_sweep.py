from django.core.management.base import BaseCommand, CommandError

from apps.core.errors import ApplicationError
from apps.privacy.retention.kinds import ORDER
from apps.privacy.retention.services import DEFAULT_BATCH_SIZE, retention_sweep


class Command(BaseCommand):
    help = "Apply the retention policies (anonymise, delete, purge) in batches; --dry-run only counts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be done; change nothing."
        )
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)

    def handle(self, *args, dry_run=False, batch_size=DEFAULT_BATCH_SIZE, **options):
        try:
            run = retention_sweep(dry_run=dry_run, batch_size=batch_size)
        except ApplicationError as error:
            raise CommandError(str(error.message)) from error
        label = "dry run" if dry_run else "sweep"
        for kind in ORDER:
            if kind not in run.counts:
                continue
            row = run.counts[kind]
            note = " (refused: below the legal minimum)" if row.get("refused") else ""
            self.stdout.write(f"{kind}: {row['count']}{note}")
        self.stdout.write(f"retention {label} #{run.pk}: {run.total} record(s)")
