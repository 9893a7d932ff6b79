"""One policy per kind, at its default period and action, inactive: an administrator turns
each on knowingly (anonymising is not undone)."""

from django.db import migrations

# Copied from apps/privacy/retention/kinds.py as it stood: a migration never imports code
# that may change later.
PERIODS = {
    "closed_tickets": (84, "anonymise"),
    "attachments": (36, "delete"),
    "contacts": (60, "anonymise"),
    "call_notes": (24, "purge_text"),
    "uyc_cases": (84, "anonymise"),
    "chats": (36, "anonymise"),
    "video_calls": (24, "anonymise"),
    "appointments": (36, "anonymise"),
    "outbox": (24, "anonymise"),
    "read_log": (36, "delete"),
    "citizens": (120, "anonymise"),
}


def seed(apps, schema_editor):
    RetentionPolicy = apps.get_model("privacy_retention", "RetentionPolicy")
    for kind, (months, action) in PERIODS.items():
        RetentionPolicy.objects.get_or_create(
            kind=kind, defaults={"months": months, "action": action, "is_active": False}
        )


class Migration(migrations.Migration):
    dependencies = [("privacy_retention", "0001_retention_policies_holds_runs")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
