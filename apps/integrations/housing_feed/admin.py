from django.contrib import admin

from apps.core.admin import ModelAdmin
from apps.integrations.housing_feed.models import FeedBatch, HousingFileChange


@admin.register(FeedBatch)
class FeedBatchAdmin(ModelAdmin):
    list_display = ("received_at", "source", "name", "rows", "created", "updated", "unchanged", "rejected")
    list_filter = ("source",)
    date_hierarchy = "received_at"
    readonly_fields = [f.name for f in FeedBatch._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HousingFileChange)
class HousingFileChangeAdmin(ModelAdmin):
    list_display = ("at", "housing_file", "kind", "from_status", "to_status")
    list_filter = ("kind",)
    search_fields = ("housing_file__application_number",)
    list_select_related = ("housing_file",)
    readonly_fields = [f.name for f in HousingFileChange._meta.fields]
    raw_id_fields = ("housing_file", "citizen", "batch")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
