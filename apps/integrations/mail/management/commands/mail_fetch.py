from django.core.management.base import BaseCommand, CommandError

from apps.integrations.mail import services


class Command(BaseCommand):
    help = "Read the inbound mailbox over IMAP and file the new messages (what the beat runs)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="File at most this many messages.")

    def handle(self, *args, **options):
        try:
            result = services.mail_fetch(limit=options["limit"])
        except services.MailboxUnavailable as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(" ".join(f"{name}={count}" for name, count in result.as_dict().items()))
