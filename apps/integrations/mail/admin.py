from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ModelAdmin
from apps.integrations.mail.models import InboundEmail, MailboxState


@admin.register(InboundEmail)
class InboundEmailAdmin(ModelAdmin):
    """Every message the mailbox received, and what became of it (read-only: a record)."""

    list_display = ("received_at", "sender", "subject", "outcome", "ticket")
    list_filter = ("outcome",)
    search_fields = ("sender", "subject", "message_id", "ticket__review_number")
    date_hierarchy = "received_at"
    list_select_related = ("ticket",)
    readonly_fields = [f.name for f in InboundEmail._meta.fields if f.name != "raw"] + ["raw_text"]
    exclude = ("raw",)

    @admin.display(description=_("raw message"))
    def raw_text(self, obj):
        return bytes(obj.raw or b"")[:200_000].decode("utf-8", "replace")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MailboxState)
class MailboxStateAdmin(ModelAdmin):
    list_display = ("folder", "uidvalidity", "last_uid", "fetched_at")
    readonly_fields = ("folder", "uidvalidity", "last_uid", "fetched_at")

    def has_add_permission(self, request):
        return False
