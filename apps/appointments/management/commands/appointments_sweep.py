from django.core.management.base import BaseCommand

from apps.appointments import services


class Command(BaseCommand):
    help = "Mark no-shows past the grace period and queue the reminders due today (the beat does both)."

    def handle(self, *args, **options):
        marked = services.appointments_mark_no_shows()
        sent = services.appointments_send_reminders()
        self.stdout.write(f"{marked} no-show(s) marked, {sent} reminder(s) queued")
