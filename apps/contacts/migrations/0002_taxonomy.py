"""The purposes of DESIGN.md and a first set of quick answers (rows already there are kept)."""

from django.db import migrations


def load(apps, schema_editor):
    from apps.contacts.taxonomy import PURPOSES, QUICK_ANSWERS

    Purpose = apps.get_model("contacts", "Purpose")
    QuickAnswer = apps.get_model("contacts", "QuickAnswer")
    for order, (code, name_ar, name_en) in enumerate(PURPOSES, start=1):
        Purpose.objects.get_or_create(code=code, defaults={"name_ar": name_ar, "name_en": name_en, "order": order})
    for order, (code, title_ar, title_en, body_ar, body_en) in enumerate(QUICK_ANSWERS, start=1):
        QuickAnswer.objects.get_or_create(
            purpose=Purpose.objects.get(code=code),
            title_en=title_en,
            defaults={"title_ar": title_ar, "body_ar": body_ar, "body_en": body_en, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("contacts", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
