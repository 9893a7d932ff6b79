"""Outbox rows about confidential tickets already written (issue 12, finding 1): marked
confidential, and the staff ones (the bell, staff e-mail) lose the ticket's subject they
were written with — only the review number and a neutral title stay, as new rows do."""

from django.db import migrations

NEUTRAL = {
    "ar": ("طلب سري {number}", "يخص هذا الإشعار سجلاً سرياً من «تحت أمرك»: لا يظهر نصه هنا."),
    "en": (
        "Confidential request {number}",
        "This notification is about a confidential Under Your Command record: its text is not shown here.",
    ),
}


def neutralise(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    Notification = apps.get_model("notifications", "Notification")
    numbers = list(Ticket.objects.filter(confidential=True).values_list("review_number", flat=True))
    for start in range(0, len(numbers), 1000):
        rows = Notification.objects.filter(context__review_number__in=numbers[start : start + 1000])
        rows.filter(audience="citizen").update(confidential=True)
        for row in rows.filter(audience="staff").only("id", "language", "context"):
            number = row.context.get("review_number", "")
            subject, body = NEUTRAL.get(row.language, NEUTRAL["ar"])
            row.subject, row.body = subject.format(number=number), body
            row.context = {"review_number": number}
            row.confidential = True
            row.save(update_fields=["subject", "body", "context", "confidential"])


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0005_ticket_confidential"),
        ("notifications", "0002_notification_confidential"),
    ]

    operations = [migrations.RunPython(neutralise, migrations.RunPython.noop)]
