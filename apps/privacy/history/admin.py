from django.contrib import admin

from apps.core import admin as core_admin
from apps.core.confidentiality import ConfidentialAdminMixin

from .models import Change, ChangeExport


@admin.register(Change)
class ChangeAdmin(ConfidentialAdminMixin, core_admin.ModelAdmin):
    """Read-only: the history is written by the database, never by hand."""

    list_display = ("at", "model", "object_id", "action", "actor", "door", "reason")
    list_filter = ("model", "door", "action")
    search_fields = ("object_id", "reason")
    date_hierarchy = "at"
    list_select_related = ("actor",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChangeExport)
class ChangeExportAdmin(core_admin.ModelAdmin):
    list_display = ("at", "user", "format", "rows")
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
