"""Outbox rows remember that they are about a confidential record (issue 12, finding 1): the
decision letter's text reached staff through the outbox and a citizen's message log. The
rows of "Under Your Command" events are marked here; the rows about confidential tickets by
``tickets.0006``."""

from django.db import migrations, models


def mark_existing(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.filter(event__startswith="escalation.").update(confidential=True)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="confidential",
            field=models.BooleanField(default=False, verbose_name="confidential"),
        ),
        migrations.RunPython(mark_existing, migrations.RunPython.noop),
    ]
