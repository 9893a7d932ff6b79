"""Mark the repeat contacts already stored (``apps/contacts/repeats.py``): idempotent, resumable."""

from django.core.management.base import BaseCommand, CommandError

from apps.contacts import repeats


class Command(BaseCommand):
    history_door = "command"
    help = (
        "Mark every stored contact that repeats the same citizen's contact on the same purpose "
        "within HOUSING_REPEAT_CONTACT_DAYS calendar days (keyset batches by id; safe to run again)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000, help="contacts per transaction")
        parser.add_argument("--after", type=int, default=0, help="resume after this contact id")

    def handle(self, *args, batch_size, after, **options):
        if batch_size < 1 or after < 0:
            raise CommandError("--batch-size must be at least 1 and --after not negative")

        def log(last_id, counts):
            if options.get("verbosity", 1) > 1:
                self.stdout.write(f"after={last_id} checked={counts['checked']} changed={counts['changed']}")

        counts = repeats.contacts_flag_repeats_all(batch_size=batch_size, after_id=after, log=log)
        self.stdout.write(
            f"checked={counts['checked']} changed={counts['changed']} batches={counts['batches']}"
        )
