"""Run the fake Tawasul on loopback for development; print what it receives."""

from __future__ import annotations

import json
import time

import httpx
from django.core.management.base import BaseCommand

from apps.integrations.tawasul.fake import FakeTawasul, sample_message


class Command(BaseCommand):
    help = (
        "Start a fake Tawasul on 127.0.0.1 that records the product's signed deliveries (point "
        "HOUSING_TAWASUL_OUTBOUND_URL at it) and can send a signed sample message to the webhook."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument(
            "--secret", default="fake-tawasul-secret", help="Also put it in HOUSING_TAWASUL_SECRETS."
        )
        parser.add_argument(
            "--send-to",
            default="",
            help="The product's webhook URL, e.g. http://127.0.0.1:8000/api/v1/integrations/tawasul/messages",
        )
        parser.add_argument("--reference", default="TW-DEV-000001")
        parser.add_argument("--kind", default="complaint", choices=["complaint", "inquiry", "suggestion"])
        parser.add_argument("--fail", type=int, default=0, help="Answer the first N deliveries with 500.")
        parser.add_argument(
            "--seconds", type=float, default=0, help="Stop after this long (0: until Ctrl-C)."
        )

    def handle(self, *args, **options):
        fake = FakeTawasul(secret=options["secret"], port=options["port"]).start()
        if options["fail"]:
            fake.fail_next(options["fail"])
        self.stdout.write(
            f"fake Tawasul listening on {fake.url} (secret {options['secret']!r}); Ctrl-C stops it"
        )
        if options["send_to"]:
            try:
                response = fake.send(
                    options["send_to"], sample_message(options["reference"], options["kind"])
                )
            except httpx.HTTPError as error:
                self.stderr.write(f"could not send {options['reference']} to {options['send_to']}: {error}")
            else:
                self.stdout.write(f"sent {options['reference']}: {response.status_code} {response.text}")
        seen = 0
        started = time.monotonic()
        try:
            while not options["seconds"] or time.monotonic() - started < options["seconds"]:
                time.sleep(0.2)
                for item in fake.received[seen:]:
                    body = json.dumps(item.json, ensure_ascii=False) if item.body else ""
                    self.stdout.write(
                        f"{item.method} {item.path} -> {item.status} signature={'ok' if item.signature_valid else 'BAD'} {body}"
                    )
                seen = len(fake.received)
        except KeyboardInterrupt:
            pass
        finally:
            fake.stop()
