from django.core.management.base import BaseCommand

from apps.sla import sweeps


class Command(BaseCommand):
    help = "Mark at-risk, breached and second-level SLA clocks and send the notices (what the beat runs)."

    def add_arguments(self, parser):
        parser.add_argument("--no-send", action="store_true", help="Decide only; leave the notices pending.")

    def handle(self, *args, **options):
        result = sweeps.sla_sweep()
        sent = 0 if options["no_send"] else sweeps.sla_notify_drain()
        self.stdout.write(
            f"skipped={result.skipped} breached={result.breached} at_risk={result.at_risk} "
            f"second_level={result.second_level} sent={sent}"
        )
