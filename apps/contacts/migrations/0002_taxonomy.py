"""The purposes of DESIGN.md and a first set of quick answers (rows already there are kept)."""

from django.db import migrations


def load(apps, schema_editor):
    from apps.contacts import taxonomy

    taxonomy.load(apps.get_model("contacts", "Purpose"), apps.get_model("contacts", "QuickAnswer"))


class Migration(migrations.Migration):
    dependencies = [("contacts", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
