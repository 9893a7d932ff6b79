from django.contrib import admin

from apps.core import admin as core_admin
from apps.core.confidentiality import ConfidentialAdminMixin
from apps.integrations.sms.models import InboundSms


@admin.register(InboundSms)
class InboundSmsAdmin(ConfidentialAdminMixin, core_admin.ModelAdmin):
    """Read-only: each text message and whether it joined a ticket or became a contact; the
    text of one threaded into a confidential ticket is blanked for those who may not read it."""

    list_display = ("received_at", "from_number", "outcome", "ticket", "contact")
    list_filter = ("outcome",)
    search_fields = ("=message_id", "=from_number", "=ticket__review_number")
    list_select_related = ("ticket",)
    readonly_fields = ("message_id", "from_number", "text", "received_at", "outcome", "ticket", "contact")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
