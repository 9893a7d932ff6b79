from django.core.management.base import BaseCommand

from apps.integrations.tawasul.services import tawasul_poll


class Command(BaseCommand):
    help = (
        "Fetch Tawasul's new messages once and file each as a ticket (what the beat does when polling is on)."
    )

    def handle(self, *args, **options):
        result = tawasul_poll()
        self.stdout.write(
            f"fetched={result.fetched} created={result.created} existing={result.existing} refused={result.refused}"
        )
