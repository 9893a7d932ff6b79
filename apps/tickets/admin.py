"""Configuration only: the category taxonomy. Tickets are worked in the staff pages."""

from django.contrib import admin

from apps.core import admin as core_admin
from apps.core.confidentiality import ConfidentialAdminMixin
from apps.tickets.models import Category, Macro, Tag, Ticket, TrackingLockout


class ChildInline(core_admin.TabularInline):
    model = Category
    fk_name = "parent"
    extra = 0
    fields = ("code", "name_ar", "name_en", "default_department", "position", "is_active")


@admin.register(Category)
class CategoryAdmin(core_admin.ModelAdmin):
    list_display = ("code", "name_ar", "name_en", "parent", "default_department", "position", "is_active")
    list_filter = ("is_active", "parent")
    search_fields = ("code", "name_ar", "name_en")
    inlines = [ChildInline]

    def has_delete_permission(self, request, obj=None):
        return False  # tickets point at categories: retire one by unticking "active"


@admin.register(Ticket)
class TicketAdmin(ConfidentialAdminMixin, core_admin.ModelAdmin):
    """Read-only, for looking things up; every change goes through the staff pages."""

    list_display = ("review_number", "kind", "channel", "status", "department", "received_at")
    list_filter = ("kind", "channel", "status")
    search_fields = ("review_number", "external_reference")
    readonly_fields = [f.name for f in Ticket._meta.fields]
    exclude = ("search_text",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TrackingLockout)
class TrackingLockoutAdmin(core_admin.ModelAdmin):
    list_display = ("at", "scope", "value")
    list_filter = ("scope",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Tag)
class TagAdmin(core_admin.ModelAdmin):
    list_display = ("name_ar", "name_en", "colour", "is_active")
    list_filter = ("is_active", "colour")
    search_fields = ("name_ar", "name_en")

    def has_delete_permission(self, request, obj=None):
        return False  # tickets and contacts keep their tags: retire one by unticking "active"


@admin.register(Macro)
class MacroAdmin(core_admin.ModelAdmin):
    list_display = ("title_ar", "title_en", "to_status", "priority", "department", "position", "is_active")
    list_filter = ("is_active", "to_status")
    search_fields = ("title_ar", "title_en", "body_ar", "body_en")
    filter_horizontal = ("add_tags", "categories")
