"""Record whose the sessions open at deployment are, so disabling a member ends them too."""

from importlib import import_module

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def backfill(apps, schema_editor):
    Session = apps.get_model("sessions", "Session")
    StaffSession = apps.get_model("accounts", "StaffSession")
    User = apps.get_model("accounts", "User")
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    known = set(User.objects.values_list("pk", flat=True))
    rows = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        try:
            user_id = int(store.decode(session.session_data).get("_auth_user_id") or 0)
        except (TypeError, ValueError):
            continue
        if user_id in known:
            rows.append(StaffSession(user_id=user_id, session_key=session.session_key))
    StaffSession.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_staff_deputy_and_sessions"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
