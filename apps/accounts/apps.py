from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        from apps.accounts.roles import sync_role_permissions

        # Later apps add permissions in their own migrations; once every app has
        # migrated, the role groups are brought in line with the matrix in roles.py.
        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts.sync_role_permissions")
