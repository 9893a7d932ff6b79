from django.contrib import admin

from apps.contacts.models import Callback, Contact, FollowUp, Purpose, QuickAnswer
from apps.core import admin as core_admin
from apps.core.confidentiality import ConfidentialAdminMixin


class QuickAnswerInline(core_admin.StackedInline):
    model = QuickAnswer
    extra = 0


@admin.register(Purpose)
class PurposeAdmin(core_admin.ModelAdmin):
    list_display = ("code", "name_ar", "name_en", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("code", "name_ar", "name_en")
    inlines = [QuickAnswerInline]


@admin.register(QuickAnswer)
class QuickAnswerAdmin(core_admin.ModelAdmin):
    list_display = ("title_ar", "title_en", "purpose", "order", "is_active")
    list_filter = ("purpose", "is_active")
    search_fields = ("title_ar", "title_en", "body_ar", "body_en")


class ReadOnlyAdmin(core_admin.ModelAdmin):
    """Contacts, follow-ups and callbacks are daily work: written by the console and the
    API through services, only looked at here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Contact)
class ContactAdmin(ConfidentialAdminMixin, ReadOnlyAdmin):
    list_display = ("offered_at", "channel", "purpose", "outcome", "agent", "call_id")
    list_filter = ("channel", "outcome", "purpose", "recorded_via")
    search_fields = ("call_id", "caller_number")
    date_hierarchy = "offered_at"
    raw_id_fields = ("citizen", "agent")
    show_full_result_count = False


@admin.register(FollowUp)
class FollowUpAdmin(ConfidentialAdminMixin, ReadOnlyAdmin):
    list_display = ("contact", "department", "status", "due_at", "answered_at")
    list_filter = ("status", "department")


@admin.register(Callback)
class CallbackAdmin(ReadOnlyAdmin):
    list_display = ("number", "due_at", "assigned_to", "status")
    list_filter = ("status",)
