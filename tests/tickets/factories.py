"""Factories for citizens, categories and tickets; they go through the services, like the
product does, so every ticket has its review number and its ``created`` event."""

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.citizens import services as citizen_services
from apps.citizens.models import Citizen
from apps.tickets import services
from apps.tickets.models import Category, Ticket


class CitizenFactory(factory.Factory):
    class Meta:
        model = Citizen

    cpr = factory.Sequence(lambda n: f"{850000000 + n:09d}")
    name_ar = factory.Sequence(lambda n: f"مواطن {n}")
    name_en = factory.Sequence(lambda n: f"Citizen {n}")
    phones = factory.Sequence(lambda n: [f"+9733{6000000 + n:07d}"])
    language = "ar"
    actor = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return citizen_services.citizen_create(**kwargs)

    @classmethod
    def _build(cls, model_class, **kwargs):
        return cls._create(model_class, **kwargs)


class CategoryFactory(factory.Factory):
    class Meta:
        model = Category

    code = factory.Sequence(lambda n: f"category-{n}")
    name_ar = factory.Sequence(lambda n: f"تصنيف {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    parent = None
    default_department = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.category_upsert(**kwargs)

    @classmethod
    def _build(cls, model_class, **kwargs):
        return cls._create(model_class, **kwargs)


class TicketFactory(factory.Factory):
    class Meta:
        model = Ticket

    kind = Ticket.Kind.COMPLAINT
    channel = Ticket.Channel.PHONE
    subject = factory.Sequence(lambda n: f"تأخر الطلب الإسكاني رقم {n}")
    description = "تقدمت بطلب إسكاني منذ سنوات ولم أتلق أي رد حتى الآن."
    citizen = factory.LazyFunction(CitizenFactory)
    actor = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.ticket_create(**kwargs)

    @classmethod
    def _build(cls, model_class, **kwargs):
        return cls._create(model_class, **kwargs)


# --- files, by content -----------------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def upload(name: str = "letter.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def set_status(ticket: Ticket, status: str, **dates) -> Ticket:
    """Put a ticket in a status as a test's starting point (not a workflow move)."""
    Ticket.objects.filter(pk=ticket.pk).update(status=status, **dates)
    ticket.refresh_from_db()
    return ticket
