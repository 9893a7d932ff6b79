"""Tickets remember that they came through "Under Your Command": the channel alone could be
changed afterwards, and with it the confidentiality went (issue 12, finding 1)."""

from django.db import migrations, models


def mark_uyc_tickets(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    Ticket.objects.filter(channel="uyc").update(confidential=True)
    # A ticket a citizen sent to senior management has a case opened by the citizen, even if
    # its channel was changed since (the leak this migration closes).
    Escalation = apps.get_model("escalations", "Escalation")
    Ticket.objects.filter(
        pk__in=Escalation.objects.filter(source="citizen").values("ticket_id")
    ).update(confidential=True)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0004_delete_ticketnotice"),
        ("escalations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="confidential",
            field=models.BooleanField(default=False, verbose_name="confidential"),
        ),
        migrations.RunPython(mark_uyc_tickets, migrations.RunPython.noop),
    ]
