from django.contrib import admin

from apps.chat.models import AgentPresence, Chat, VideoCall
from apps.core import admin as core_admin


@admin.register(AgentPresence)
class AgentPresenceAdmin(core_admin.ModelAdmin):
    list_display = ["user", "is_available", "max_chats", "changed_at"]
    fields = ["user", "max_chats"]  # availability is the agent's own switch, in the workspace
    readonly_fields = ["user"]


@admin.register(Chat)
class ChatAdmin(core_admin.ModelAdmin):
    """Read-only: chats change through the workspace, never here."""

    list_display = ["id", "status", "purpose", "agent", "requested_at", "answered_at", "rating"]
    list_filter = ["status"]
    exclude = ["key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VideoCall)
class VideoCallAdmin(core_admin.ModelAdmin):
    list_display = ["id", "status", "name", "scheduled_for", "started_at", "ended_at"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
