"""Data-subject requests in the admin: to read only. Every change goes through the services
(and the officer's pages), which check the moves, keep the events and tell the citizen."""

from django.contrib import admin

from apps.core.admin import ModelAdmin, TabularInline
from apps.privacy.requests.models import DataSubjectRequest, DataSubjectRequestEvent


class EventInline(TabularInline):
    model = DataSubjectRequestEvent
    extra = 0
    can_delete = False
    fields = ("at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(ModelAdmin):
    list_display = ("reference", "kind", "status", "channel", "received_at", "due_at", "due_flag")
    list_filter = ("kind", "status", "channel", "due_flag")
    search_fields = ("reference", "citizen__cpr")
    exclude = ("archive",)
    inlines = [EventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "archive"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("archive").select_related("citizen")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
