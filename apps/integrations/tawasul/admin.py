from django.contrib import admin

from apps.core import admin as core_admin
from apps.integrations.tawasul.models import TawasulMessage


@admin.register(TawasulMessage)
class TawasulMessageAdmin(core_admin.ModelAdmin):
    """Read-only: which Tawasul reference became which ticket, and how it arrived."""

    list_display = ("reference", "ticket", "via", "received_at", "submitted_at")
    list_filter = ("via",)
    search_fields = ("=reference", "=ticket__review_number")
    list_select_related = ("ticket",)
    readonly_fields = ("reference", "ticket", "via", "received_at", "submitted_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
