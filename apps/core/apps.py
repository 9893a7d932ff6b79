from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.db.models.signals import post_migrate

        from apps.core import config_cache, history, saved_views  # noqa: F401 (saved_views: its menu)

        # The change history's doors around every management command and Celery task.
        history.install_command_door()
        history.install_task_door()
        history.install_server_binding_support()

        # A flush (``TransactionTestCase`` teardown) or a migration changes tables without
        # a save signal: every cached copy of configuration is reloaded after it.
        post_migrate.connect(config_cache.reload_everywhere, dispatch_uid="core.config_cache.post_migrate")

        # The views bar's departments, and every cached menu of views (the navigation's and
        # the views bar's), follow any write to a department or a saved view.
        from django.db.models.signals import post_delete, post_save

        from apps.core.models import SavedView

        saved_views.departments_cache.watch(SavedView._meta.get_field("department").related_model)
        post_save.connect(
            saved_views.menus_cache.changed, sender=SavedView, dispatch_uid="core.saved_views.save"
        )
        post_delete.connect(
            saved_views.menus_cache.changed, sender=SavedView, dispatch_uid="core.saved_views.delete"
        )
