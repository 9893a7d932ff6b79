"""Inbound e-mail, end to end against a real IMAP server (dovecot on loopback, TLS)."""

from __future__ import annotations

from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.citizens.selectors import citizen_by_email
from apps.integrations.mail import services
from apps.integrations.mail.models import InboundEmail, MailboxState
from apps.notifications.models import Notification
from apps.sla.models import Pause
from apps.tickets import services as ticket_services
from apps.tickets.models import Ticket, TicketAttachment, TicketEvent
from apps.tickets.workflow import Status
from tests.tickets.factories import EXE_BYTES, PDF_BYTES, CitizenFactory

pytest_plugins = ["tests.integrations.dovecot"]  # the loopback dovecot and its mailbox

SENDER = "fatima@example.bh"
Outcome = InboundEmail.Outcome


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.HOUSING_ATTACHMENTS_ROOT = tmp_path / "private"


@pytest.fixture
def citizen(db):
    return CitizenFactory(cpr="880412345", name_ar="فاطمة حسن", email=SENDER, phones=["3600 1234"])


_counter = iter(range(1, 1_000_000))


def mail(
    *,
    sender: str = SENDER,
    subject: str | None = "تأخر طلبي الإسكاني",
    body: str = "السلام عليكم، تقدمت بطلب إسكاني منذ سنوات ولم يصلني رد.",
    headers: dict | None = None,
    attachments: tuple = (),
    message_id: str | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = f"Fatima <{sender}>"
    message["To"] = "contact@housing.gov.bh"
    if subject is not None:
        message["Subject"] = subject
    message["Date"] = "Thu, 03 Dec 2026 09:00:00 +0300"
    message["Message-ID"] = message_id or f"<m{next(_counter)}@example.bh>"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for name, content, maintype, subtype in attachments:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def fetch(**kwargs) -> dict:
    return services.mail_fetch(**kwargs).as_dict()


# --- a new message ------------------------------------------------------------------------


def test_a_citizens_message_becomes_an_email_ticket_with_its_attachments_and_an_acknowledgement(
    mailbox, citizen
):
    mailbox.deliver(
        mail(
            attachments=(
                ("خطاب.pdf", PDF_BYTES, "application", "pdf"),
                ("virus.pdf", EXE_BYTES, "application", "pdf"),
            )
        )
    )
    assert fetch() == {"seen": 1, "filed": 1}
    ticket = Ticket.objects.get()
    assert ticket.channel == Ticket.Channel.EMAIL and ticket.citizen == citizen
    assert ticket.subject == "تأخر طلبي الإسكاني" and "ولم يصلني رد" in ticket.description
    files = TicketAttachment.objects.filter(ticket=ticket)
    assert [(f.original_name, f.source) for f in files] == [("خطاب.pdf", TicketAttachment.Source.CITIZEN)]
    record = InboundEmail.objects.get()
    assert record.ticket == ticket and "virus.pdf" in record.note and bytes(record.raw).startswith(b"From:")
    acknowledgement = Notification.objects.get(event="ticket.received", channel="email")
    assert acknowledgement.to_email == SENDER
    assert mailbox.count(criterion="UNSEEN") == 0


def test_fetching_twice_files_once(mailbox, citizen):
    mailbox.deliver(mail(), mail())
    assert fetch()["filed"] == 2
    # Start again from the first UID, as after a lost state or a renumbered folder.
    MailboxState.objects.update(last_uid=0, uidvalidity=0)
    assert fetch() == {"seen": 2, "filed": 2}
    assert Ticket.objects.count() == 2 and InboundEmail.objects.count() == 2
    # The same message delivered twice (two UIDs, one Message-ID) is filed once too.
    mailbox.deliver(mail(message_id="<same@example.bh>"), mail(message_id="<same@example.bh>"))
    fetch()
    assert Ticket.objects.count() == 3


def test_the_management_command_fetches_and_reports_what_it_did(mailbox, citizen, capsys):
    mailbox.deliver(mail())
    call_command("mail_fetch")
    assert "filed=1" in capsys.readouterr().out
    assert Ticket.objects.filter(channel="email").count() == 1


def test_an_unreachable_mailbox_is_a_clear_error_and_files_nothing(settings, db):
    settings.HOUSING_MAIL_IMAP_HOST, settings.HOUSING_MAIL_IMAP_PORT = "127.0.0.1", 9
    with pytest.raises(CommandError, match="تعذّر الوصول إلى صندوق البريد"):
        call_command("mail_fetch")
    assert not InboundEmail.objects.exists()


# --- replies ------------------------------------------------------------------------------


def _awaiting(ticket, agent):
    ticket_services.ticket_transition(ticket=ticket, to_status=Status.ACKNOWLEDGED, actor=agent)
    ticket_services.ticket_transition(ticket=ticket, to_status=Status.IN_PROGRESS, actor=agent)
    return ticket_services.ticket_transition(
        ticket=ticket, to_status=Status.AWAITING_CITIZEN, actor=agent, reason="نحتاج صورة العقد"
    )


def test_a_reply_carrying_the_review_number_joins_the_senders_ticket_and_resumes_it(mailbox, citizen, agent):
    mailbox.deliver(mail())
    fetch()
    ticket = _awaiting(Ticket.objects.get(), agent)
    assert Pause.objects.filter(ticket=ticket, ended_at__isnull=True).exists()
    mailbox.deliver(
        mail(
            subject=f"Re: استلمنا طلبك — رقم المراجعة {ticket.review_number}",
            body="مرفق صورة العقد كما طلبتم.",
            attachments=(("عقد.pdf", PDF_BYTES, "application", "pdf"),),
        )
    )
    assert fetch() == {"seen": 1, "threaded": 1}
    ticket.refresh_from_db()
    assert Ticket.objects.count() == 1 and ticket.status == Status.IN_PROGRESS
    reply = TicketEvent.objects.get(ticket=ticket, kind=TicketEvent.Kind.CITIZEN_REPLY)
    assert reply.body == "مرفق صورة العقد كما طلبتم." and reply.actor is None
    assert list(reply.attachments.values_list("original_name", flat=True)) == ["عقد.pdf"]
    assert not Pause.objects.filter(ticket=ticket, ended_at__isnull=True).exists()
    # No second acknowledgement for a reply.
    assert Notification.objects.filter(event="ticket.received").count() == 2  # SMS and e-mail, once


def test_a_review_number_in_the_body_with_arabic_indic_digits_is_found(mailbox, citizen):
    mailbox.deliver(mail())
    fetch()
    ticket = Ticket.objects.get()
    arabic = ticket.review_number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    mailbox.deliver(mail(subject="متابعة", body=f"بخصوص طلبي رقم {arabic} أود الإضافة..."))
    assert fetch()["threaded"] == 1


def test_someone_elses_review_number_makes_a_new_ticket_not_a_reply(mailbox, citizen, agent):
    other = CitizenFactory(email="other@example.bh")
    theirs = ticket_services.ticket_create(
        kind="complaint", channel="phone", subject="x", description="y", actor=agent, citizen=other
    )
    mailbox.deliver(mail(subject=f"بخصوص {theirs.review_number}", body="أريد معرفة حالة هذا الطلب"))
    assert fetch()["filed"] == 1
    assert not TicketEvent.objects.filter(ticket=theirs, kind=TicketEvent.Kind.CITIZEN_REPLY).exists()
    assert Ticket.objects.filter(citizen=citizen, channel="email").count() == 1


def test_a_reply_to_a_closed_ticket_becomes_a_new_ticket(mailbox, citizen, agent):
    closed = ticket_services.ticket_create(
        kind="inquiry", channel="phone", subject="x", description="y", actor=agent, citizen=citizen
    )
    Ticket.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    mailbox.deliver(mail(subject=f"Re: {closed.review_number}"))
    assert fetch()["filed"] == 1


# --- loops and noise ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "sender", "outcome"),
    [
        ({"Auto-Submitted": "auto-replied"}, SENDER, Outcome.AUTO_REPLY),
        ({"X-Autoreply": "yes"}, SENDER, Outcome.AUTO_REPLY),
        ({"Precedence": "bulk"}, SENDER, Outcome.AUTO_REPLY),
        ({"List-Id": "<news.example.bh>"}, SENDER, Outcome.MAILING_LIST),
        ({"Precedence": "list"}, SENDER, Outcome.MAILING_LIST),
        ({}, "MAILER-DAEMON@mail.example.bh", Outcome.BOUNCE),
        ({"X-Failed-Recipients": "x@example.bh"}, SENDER, Outcome.BOUNCE),
    ],
)
def test_automatic_replies_bounces_and_lists_are_kept_but_never_answered(
    mailbox, citizen, headers, sender, outcome
):
    mailbox.deliver(mail(sender=sender, headers=headers))
    assert fetch() == {"seen": 1, outcome: 1}
    assert not Ticket.objects.exists() and not Notification.objects.exists()
    assert InboundEmail.objects.get().outcome == outcome


def test_a_delivery_status_report_is_a_bounce(db, citizen):
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"] = "Mail Delivery System <postmaster@housing.gov.bh>"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Message-ID"] = "<dsn@housing.gov.bh>"
    report.attach(MIMEText("This is the mail system.", "plain"))
    record = services.mail_receive(raw=report.as_bytes())
    assert record.outcome == Outcome.BOUNCE and not Notification.objects.exists()


def test_a_sender_flooding_the_mailbox_is_throttled(mailbox, citizen, settings):
    settings.HOUSING_MAIL_FLOOD_LIMIT = 3
    mailbox.deliver(*[mail() for _ in range(5)])
    assert fetch() == {"seen": 5, "filed": 3, "throttled": 2}
    assert Ticket.objects.count() == 3


def test_an_oversize_message_gets_a_polite_bilingual_refusal_and_is_kept_as_a_record(
    mailbox, citizen, settings
):
    settings.HOUSING_MAIL_MAX_BYTES = 2000
    mailbox.deliver(mail(body="كلام كثير " * 400))
    assert fetch() == {"seen": 1, "too_large": 1}
    assert not Ticket.objects.exists()
    record = InboundEmail.objects.get()
    assert record.size > 2000 and b"Subject:" in bytes(record.raw) and len(bytes(record.raw)) < 2000
    refusal = Notification.objects.get(event="mail.refused_too_large")
    assert refusal.to_email == SENDER
    assert "يتجاوز" in refusal.body and "larger than" in refusal.body


# --- who wrote ----------------------------------------------------------------------------


def test_a_sender_not_on_file_is_asked_for_the_cpr_number(mailbox, db):
    mailbox.deliver(mail(sender="stranger@example.bh"))
    assert fetch() == {"seen": 1, "unknown_sender": 1}
    assert not Ticket.objects.exists()
    assert Notification.objects.get(event="mail.citizen_unknown").to_email == "stranger@example.bh"


def test_a_sender_not_on_file_who_gives_a_cpr_on_file_is_filed_for_that_citizen(mailbox, citizen):
    mailbox.deliver(mail(sender="new-address@example.bh", body="رقمي الشخصي 880412345 وأسأل عن طلبي"))
    assert fetch()["filed"] == 1
    assert Ticket.objects.get().citizen == citizen


# --- malformed mail -----------------------------------------------------------------------


@pytest.mark.parametrize("charset", ["windows-1256", "iso-8859-6"])
def test_arabic_bodies_in_legacy_charsets_are_read(mailbox, citizen, charset):
    text = "أرجو إفادتي عن موعد تسليم الوحدة السكنية"
    raw = (
        f"From: {SENDER}\r\nSubject: =?{charset}?B?".encode()
        + __import__("base64").b64encode("استفسار".encode(charset))
        + f"?=\r\nMessage-ID: <{charset}@example.bh>\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n".encode()
        + text.encode(charset)
        + b"\r\n"
    )
    mailbox.deliver(raw)
    assert fetch()["filed"] == 1
    ticket = Ticket.objects.get()
    assert ticket.subject == "استفسار" and ticket.description == text


def test_undeclared_windows_1256_bytes_and_a_raw_8bit_subject_are_read(db, citizen):
    raw = (
        f"From: {SENDER}\r\nSubject: ".encode()
        + "طلب".encode("cp1256")
        + b"\r\nMessage-ID: <raw8@example.bh>\r\n\r\n"
        + "نص الرسالة".encode("cp1256")
    )
    record = services.mail_receive(raw=raw)
    assert record.outcome == Outcome.FILED
    assert record.ticket.subject == "طلب" and record.ticket.description == "نص الرسالة"


def test_a_message_with_no_subject_takes_its_first_line(mailbox, citizen):
    mailbox.deliver(mail(subject=None, body="\n\nأين وصل طلبي؟\nشكراً"))
    fetch()
    assert Ticket.objects.get().subject == "أين وصل طلبي؟"


def test_broken_mime_is_filed_safely_and_kept(db, citizen):
    raw = (
        f"From: {SENDER}\r\nSubject: =?unknown-charset?Q?=E1=E2?= broken\r\nMessage-ID: <broken@x>\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
        "--never-closed\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n"
        '--never-closed\r\nContent-Type: application/pdf; name="a.pdf"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n%%%\r\n"
    ).encode()
    record = services.mail_receive(raw=raw)
    assert record.outcome == Outcome.FILED and bytes(record.raw) == raw
    again = services.mail_receive(raw=raw)
    assert again.pk == record.pk and Ticket.objects.count() == 1


def test_a_message_without_a_message_id_is_still_filed_once(db, citizen):
    raw = f"From: {SENDER}\r\nSubject: hello\r\n\r\nبلا معرّف".encode()
    first, second = services.mail_receive(raw=raw), services.mail_receive(raw=raw)
    assert first.pk == second.pk and first.key.startswith("sha256:") and Ticket.objects.count() == 1


def test_a_message_that_cannot_be_filed_is_kept_for_staff_with_the_reason(db, citizen, settings):
    settings.HOUSING_MAIL_TICKET_KIND = "no-such-kind"
    record = services.mail_receive(raw=mail())
    assert record.outcome == Outcome.FAILED and record.note and not Ticket.objects.exists()
    assert InboundEmail.objects.count() == 1


# --- finding the sender -------------------------------------------------------------------


def test_the_sender_is_found_by_address_in_any_case_through_the_upper_email_index(citizen):
    CitizenFactory.create_batch(30)
    with CaptureQueriesContext(connection) as queries:
        assert citizen_by_email(email="  FATIMA@Example.BH ") == citizen
    (query,) = queries.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE citizens_citizen")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "citizen_email_upper" in plan, plan

    # An address two files share names nobody: the message is not filed for either.
    CitizenFactory(email="Fatima@example.bh")
    assert citizen_by_email(email=SENDER) is None
    assert citizen_by_email(email="  ") is None
