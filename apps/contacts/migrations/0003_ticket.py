"""Convert the ticket reference into a foreign key to tickets.Ticket, now that apps.tickets
exists: add the key, link every contact whose review number names a ticket, then drop the
text column and require the key for the outcome "ticket opened"."""

import django.db.models.deletion
from django.db import migrations, models


def link_tickets(apps, schema_editor):
    Contact = apps.get_model("contacts", "Contact")
    Ticket = apps.get_model("tickets", "Ticket")
    referenced = Contact.objects.exclude(ticket_reference__isnull=True).exclude(ticket_reference="")
    numbers = set(referenced.values_list("ticket_reference", flat=True))
    tickets = dict(Ticket.objects.filter(review_number__in=numbers).values_list("review_number", "id"))
    for number, ticket_id in tickets.items():
        referenced.filter(ticket_reference=number).update(ticket_id=ticket_id)
    unmatched = referenced.filter(ticket__isnull=True, outcome="ticket_opened")
    if unmatched.exists():
        raise RuntimeError(
            "Contacts with the outcome ticket_opened name review numbers no ticket has: "
            f"{sorted(unmatched.values_list('ticket_reference', flat=True))[:20]}. "
            "Correct them before migrating."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0002_taxonomy"),
        ("tickets", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="ticket",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="contacts",
                to="tickets.ticket",
                verbose_name="ticket",
            ),
        ),
        migrations.RunPython(link_tickets, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="contact", name="contact_ticket_opened_has_ticket"),
        migrations.RemoveField(model_name="contact", name="ticket_reference"),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                condition=models.Q(("ticket__isnull", False)), fields=["ticket"], name="contact_ticket"
            ),
        ),
        migrations.AddConstraint(
            model_name="contact",
            constraint=models.CheckConstraint(
                condition=models.Q(("outcome", "ticket_opened"), _negated=True) | models.Q(("ticket__isnull", False)),
                name="contact_ticket_opened_has_ticket",
            ),
        ),
    ]
