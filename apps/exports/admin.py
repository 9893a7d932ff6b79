from django.contrib import admin

from apps.core import admin as core_admin
from apps.exports.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(core_admin.ModelAdmin):
    """The export log, read-only."""

    list_display = (
        "created_at",
        "owner",
        "list_key",
        "format",
        "rows",
        "status",
        "background",
        "personal_data",
    )
    list_filter = ("status", "format", "list_key", "background")
    search_fields = ("owner__username", "list_key")
    readonly_fields = [f.name for f in ExportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
