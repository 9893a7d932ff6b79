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
        _forget_cached_permissions_on_change()
        from django.contrib.auth.signals import user_logged_in

        from apps.accounts import two_factor

        user_logged_in.connect(two_factor.on_user_logged_in, dispatch_uid="accounts.two_factor")
        from django.contrib.auth.signals import user_logged_out

        from apps.accounts import sessions

        # Whose sessions are whose (accounts.StaffSession), so disabling a member ends theirs.
        user_logged_in.connect(sessions.on_user_logged_in, dispatch_uid="accounts.staff_sessions.in")
        user_logged_out.connect(sessions.on_user_logged_out, dispatch_uid="accounts.staff_sessions.out")
        from django.core import checks

        checks.register(two_factor.check_required_roles)
        from apps.core.navigation import NavEntry, register

        register(
            NavEntry("accounts:two_factor", _("Two-factor sign-in"), "accounts:two_factor", None, order=880)
        )
        register(
            NavEntry(
                "accounts:staff",
                _("Staff accounts"),
                "accounts:staff_list",
                "accounts.manage_staff",
                order=890,
                group="administration",
            )
        )
        from apps.accounts import notify

        notify.register_events()


def _forget_cached_permissions_on_change() -> None:
    """Keep apps.accounts.backends' cached permission sets true to the database."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from apps.accounts import backends

    user_model = get_user_model()

    def memberships_changed(sender, instance, action, reverse, pk_set, **kwargs):
        if not action.startswith("post_"):
            return
        if isinstance(instance, user_model):
            backends.forget_user(instance.pk)
        else:  # a group's (or permission's) side of the relation: everyone may be touched
            backends.forget_everyone()

    def rows_changed(sender, **kwargs):
        backends.forget_everyone()

    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(
            memberships_changed, sender=through, weak=False, dispatch_uid=f"accounts.perms.{through.__name__}"
        )
    for model in (Group, Permission):
        post_save.connect(
            rows_changed, sender=model, weak=False, dispatch_uid=f"accounts.perms.save.{model.__name__}"
        )
        post_delete.connect(
            rows_changed, sender=model, weak=False, dispatch_uid=f"accounts.perms.delete.{model.__name__}"
        )
