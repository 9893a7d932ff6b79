from django.contrib import admin

from apps.core.admin import ModelAdmin
from apps.integrations.open311.models import Open311Request


@admin.register(Open311Request)
class Open311RequestAdmin(ModelAdmin):
    list_display = ("created_at", "service_code", "ticket", "client_key_hint")
    list_filter = ("service_code",)
    search_fields = ("ticket__review_number",)
    list_select_related = ("ticket",)
    readonly_fields = ("ticket", "service_code", "token", "client_key_hint", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
