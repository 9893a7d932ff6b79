"""The quick answers to text now go to the notifications outbox: the time recorded is when
the SMS was queued there."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("contacts", "0003_ticket")]

    operations = [
        migrations.RemoveIndex(model_name="quickansweruse", name="sms_pending"),
        migrations.RenameField(model_name="quickansweruse", old_name="sms_sent_at", new_name="sms_queued_at"),
        migrations.AlterField(
            model_name="quickansweruse",
            name="sms_queued_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="SMS queued at"),
        ),
        migrations.AddIndex(
            model_name="quickansweruse",
            index=models.Index(
                condition=models.Q(("send_by_sms", True), ("sms_queued_at__isnull", True)),
                fields=["created_at"],
                name="sms_pending",
            ),
        ),
    ]
