from django.core.management.base import BaseCommand

from apps.integrations.outbound.services import delivery_deliver_due, delivery_sweep


class Command(BaseCommand):
    help = "Hand pending partner deliveries to the broker again and reclaim stuck ones (what the beat does every minute)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--deliver",
            action="store_true",
            help="Post the due deliveries from this process instead of the broker.",
        )

    def handle(self, *args, **options):
        if options["deliver"]:
            outcomes = delivery_deliver_due()
            counts: dict[str, int] = {}
            for outcome in outcomes.values():
                counts[outcome.status] = counts.get(outcome.status, 0) + 1
            self.stdout.write(" ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "nothing due")
            return
        result = delivery_sweep()
        self.stdout.write(
            f"reclaimed={result.reclaimed} abandoned={result.abandoned} handed_over={result.handed_over}"
        )
