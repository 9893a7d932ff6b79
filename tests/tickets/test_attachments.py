from pathlib import Path

import pytest
from django.conf import settings

from apps.core.errors import PermissionDenied, ValidationFailed
from apps.tickets import services
from apps.tickets.models import Ticket, TicketAttachment

from .factories import EXE_BYTES, PDF_BYTES, PNG_BYTES, upload


def test_an_accepted_file_is_stored_outside_the_web_root_under_a_random_name(ticket, agent):
    attachment = services.ticket_attach(ticket=ticket, upload=upload("رسالة.pdf", PDF_BYTES), actor=agent)
    stored = Path(attachment.file.path)
    assert stored.read_bytes() == PDF_BYTES
    assert stored.is_relative_to(Path(settings.HOUSING_ATTACHMENTS_ROOT))
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT)) and not stored.is_relative_to(
        Path(settings.MEDIA_ROOT)
    )
    assert "رسالة" not in stored.name and len(stored.stem) == 32
    assert (attachment.original_name, attachment.content_type, attachment.source) == (
        "رسالة.pdf",
        "application/pdf",
        "staff",
    )


def test_the_type_is_judged_by_content_not_by_name(ticket, agent):
    attachment = services.ticket_attach(ticket=ticket, upload=upload("photo.pdf", PNG_BYTES), actor=agent)
    assert attachment.content_type == "image/png" and attachment.file.name.endswith(".png")


@pytest.mark.parametrize(
    "name, content", [("invoice.pdf", EXE_BYTES), ("notes.txt", b"plain words"), ("x.jpg", b"GIF89a....")]
)
def test_a_disguised_or_unknown_file_is_refused(ticket, agent, name, content):
    with pytest.raises(ValidationFailed) as error:
        services.ticket_attach(ticket=ticket, upload=upload(name, content), actor=agent)
    assert error.value.code == "attachment_type_refused"
    assert not TicketAttachment.objects.exists()
    assert not ticket.events.filter(kind="attachment").exists()


def test_an_oversize_file_is_refused(ticket, agent, settings):
    settings.HOUSING_TICKET_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationFailed) as error:
        services.ticket_attach(ticket=ticket, upload=upload("big.pdf", PDF_BYTES + b"0" * 2000), actor=agent)
    assert error.value.code == "attachment_too_large"
    assert not TicketAttachment.objects.exists()


def test_an_empty_file_is_refused(ticket, agent):
    with pytest.raises(ValidationFailed) as error:
        services.ticket_attach(ticket=ticket, upload=upload("empty.pdf", b""), actor=agent)
    assert error.value.code == "empty_attachment"


def test_a_ticket_holds_a_limited_number_of_files(ticket, agent, settings):
    settings.HOUSING_TICKET_ATTACHMENTS_PER_TICKET = 2
    for _ in range(2):
        services.ticket_attach(ticket=ticket, upload=upload(), actor=agent)
    with pytest.raises(ValidationFailed) as error:
        services.ticket_attach(ticket=ticket, upload=upload(), actor=agent)
    assert error.value.code == "too_many_attachments"
    assert ticket.attachments.count() == 2


def test_a_refused_file_at_intake_saves_no_ticket_and_no_file(citizen, agent, settings):
    with pytest.raises(ValidationFailed):
        services.ticket_create(
            kind="complaint",
            channel="walk_in",
            subject="s",
            description="d",
            citizen=citizen,
            actor=agent,
            uploads=[upload("ok.pdf"), upload("bad.pdf", EXE_BYTES)],
        )
    assert not Ticket.objects.exists()
    root = Path(settings.HOUSING_ATTACHMENTS_ROOT)
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_a_citizens_file_at_intake_is_marked_as_theirs(citizen):
    ticket = services.ticket_create(
        kind="complaint",
        channel="web",
        subject="s",
        description="d",
        citizen=citizen,
        actor=None,
        uploads=[upload("photo.png", PNG_BYTES)],
    )
    attachment = ticket.attachments.get()
    assert attachment.source == "citizen" and attachment.uploaded_by is None


def test_an_officer_cannot_attach_to_another_departments_ticket(ticket, other_officer):
    with pytest.raises(PermissionDenied):
        services.ticket_attach(ticket=ticket, upload=upload(), actor=other_officer)
    assert not TicketAttachment.objects.exists()


def test_the_sweep_removes_only_files_no_row_points_to(ticket, agent, settings):
    import os

    from django.core.management import call_command

    kept = services.ticket_attach(ticket=ticket, upload=upload(), actor=agent)
    orphan = Path(settings.HOUSING_ATTACHMENTS_ROOT) / "2026" / "01" / "orphan.pdf"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(PDF_BYTES)
    old = orphan.stat().st_mtime - 7200
    os.utime(orphan, (old, old))
    os.utime(kept.file.path, (old, old))
    call_command("tickets_sweep_files")
    assert not orphan.exists() and Path(kept.file.path).exists()


def test_the_nightly_task_runs_the_sweep(ticket, agent, settings):
    import os

    from apps.tickets.tasks import sweep_orphan_files

    orphan = Path(settings.HOUSING_ATTACHMENTS_ROOT) / "2026" / "02" / "lost.pdf"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(PDF_BYTES)
    os.utime(orphan, (orphan.stat().st_mtime - 7200,) * 2)
    assert sweep_orphan_files() == 1 and not orphan.exists()
