"""Create the role groups. Their permissions are synced from roles.ROLE_PERMISSIONS after
every migrate (apps.accounts.roles.sync_role_permissions), since later apps add theirs."""

from django.db import migrations

ROLE_KEYS = [
    "agent",
    "supervisor",
    "department_officer",
    "senior_management",
    "committee_secretary",
    "committee_member",
    "administrator",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for key in ROLE_KEYS:
        Group.objects.get_or_create(name=key)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_KEYS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
