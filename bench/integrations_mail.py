"""Inbound e-mail: 1,000 messages fetched over IMAP (TLS, loopback dovecot) and filed.

    python -m bench.integrations_mail
    HC_BENCH_MAILS=200 python -m bench.integrations_mail

Target (issue 17): 1,000 e-mails fetched and filed < 60 s. A dovecot of its own is started on
127.0.0.1 (the tests' fixture, ``tests/integrations/dovecot.py``), 200 citizens with e-mail
addresses are on file, and 1,000 messages are appended to the mailbox first (not timed): nine
in ten new requests (some with a PDF attachment), one in ten replies carrying the review
number of the sender's earlier ticket. Then one ``mail_fetch`` is timed: fetch, parse, file
(tickets, attachments, acknowledgements in the outbox), mark seen. A second fetch with the
state reset checks that nothing is filed twice. Figures go to bench/results/integrations_mail.json.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from bench import loaddriver as ld

MAILS = int(os.environ.get("HC_BENCH_MAILS", "1000"))
CITIZENS = 200
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _message(i: int, sender: str, subject: str, body: str, attach: bool) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "contact@housing.gov.bh"
    message["Subject"] = subject
    message["Message-ID"] = f"<bench-{i}-{time.time_ns()}@example.bh>"
    message["Date"] = "Thu, 03 Dec 2026 09:00:00 +0300"
    message.set_content(body)
    if attach:
        message.add_attachment(PDF, maintype="application", subtype="pdf", filename=f"letter-{i}.pdf")
    return message.as_bytes()


def main() -> None:
    os.environ["HOUSING_MAIL_FLOOD_LIMIT"] = "100000"
    os.environ["HOUSING_ATTACHMENTS_ROOT"] = str(ld.WORK_DIR / "attachments")
    ld.prepare(seed=False)
    from django.conf import settings
    from django.db import connection

    from apps.citizens import services as citizen_services
    from apps.citizens.models import Citizen
    from apps.integrations.mail import services
    from apps.integrations.mail.models import InboundEmail, MailboxState
    from apps.tickets.models import Ticket
    from tests.integrations.dovecot import Dovecot

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE integrations_mail_inboundemail, integrations_mail_mailboxstate")
    senders = []
    for i in range(CITIZENS):
        email = f"bench-mail-{i}@example.bh"
        if not Citizen.objects.filter(email=email).exists():
            citizen_services.citizen_create(
                cpr=f"5{i:08d}",
                name_ar=f"مرسل {i}",
                email=email,
                phones=[f"+9733{7000000 + i:07d}"],
                actor=None,
            )
        senders.append(email)
    earlier = {}
    for ticket in Ticket.objects.filter(citizen__email__in=senders, channel="email").select_related(
        "citizen"
    ):
        earlier.setdefault(ticket.citizen.email, ticket.review_number)

    base = Path(tempfile.gettempdir())
    server = Dovecot(base).start()
    try:
        for name, value in server.settings.items():
            setattr(settings, name, value)
        messages, replies = [], 0
        for i in range(MAILS):
            sender = senders[i % CITIZENS]
            if i % 10 == 9 and sender in earlier:
                subject, body = f"Re: {earlier[sender]}", f"متابعة لطلبي رقم {earlier[sender]}"
                replies += 1
            else:
                subject, body = f"طلب رقم {i}", "السلام عليكم، أرجو إفادتي عن حالة طلبي الإسكاني. " * 5
            messages.append(_message(i, sender, subject, body, attach=i % 5 == 0))
        t0 = time.perf_counter()
        server.deliver(*messages)
        deliver_seconds = time.perf_counter() - t0
        before = Ticket.objects.count()
        t0 = time.perf_counter()
        result = services.mail_fetch()
        fetch_seconds = time.perf_counter() - t0
        filed = Ticket.objects.count() - before
        MailboxState.objects.update(last_uid=0, uidvalidity=0)
        t0 = time.perf_counter()
        again = services.mail_fetch()
        refetch_seconds = time.perf_counter() - t0
        twice = Ticket.objects.count() - before - filed
    finally:
        server.stop()
    load = [round(x, 2) for x in os.getloadavg()]
    payload = {
        "bench": "integrations_mail",
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": ld._git_commit(),
        "machine": {"cpus": os.cpu_count(), "load_average": load},
        "messages": MAILS,
        "replies_expected": replies,
        "deliver_seconds": round(deliver_seconds, 2),
        "fetch_and_file_seconds": round(fetch_seconds, 2),
        "messages_per_second": round(MAILS / fetch_seconds, 1),
        "outcomes": result.as_dict(),
        "new_tickets": filed,
        "refetch_seconds": round(refetch_seconds, 2),
        "refetch_records_found": again.as_dict(),  # the earlier records, returned unchanged
        "tickets_filed_twice": twice,
        "records": InboundEmail.objects.count(),
    }
    ld.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (ld.RESULTS_DIR / "integrations_mail.json").write_text(json.dumps(payload, indent=2) + "\n")
    print(
        f"integrations_mail: {MAILS} fetched and filed in {fetch_seconds:.1f}s ({MAILS / fetch_seconds:.0f}/s) "
        f"{result.as_dict()} | refetch {refetch_seconds:.1f}s, filed twice {twice} | load {load}",
        flush=True,
    )


if __name__ == "__main__":
    main()
