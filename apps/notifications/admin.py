"""Administration: message templates (with a preview on sample data), preferences, and a
read-only view of the outbox. Daily work on the outbox happens on the staff pages."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.core import admin as core_admin
from apps.core.confidentiality import ConfidentialAdminMixin
from apps.notifications import events, services
from apps.notifications.forms import MessageTemplateForm
from apps.notifications.models import MessageTemplate, Notification, NotificationPreference


@admin.register(MessageTemplate)
class MessageTemplateAdmin(core_admin.ModelAdmin):
    form = MessageTemplateForm
    list_display = ("event", "event_label", "channel", "language", "updated_at", "updated_by")
    list_filter = ("channel", "language", "event")
    search_fields = ("event", "subject", "body")
    readonly_fields = ("placeholders", "preview")
    fields = ("event", "channel", "language", "subject", "body", "placeholders", "preview")
    change_form_template = "admin/notifications/messagetemplate/change_form.html"

    @admin.display(description=gettext_lazy("Event"))
    def event_label(self, obj):
        try:
            return events.get(obj.event).label
        except events.UnknownEvent:
            return "—"

    @admin.display(description=gettext_lazy("Placeholders you may use"))
    def placeholders(self, obj):
        try:
            definition = events.get(obj.event)
        except events.UnknownEvent:
            return _("Choose an event and save to see its placeholders.")
        return format_html(
            "<ul class='placeholders'>{}</ul>",
            format_html_join(
                "",
                "<li><code dir='ltr'>{{{{ {} }}}}</code> — {}</li>",
                ((p.name, p.label) for p in definition.placeholders),
            ),
        )

    @admin.display(description=gettext_lazy("Preview on sample data"))
    def preview(self, obj):
        if not obj.pk:
            return _("Use the Preview button to see the message before saving.")
        return render_preview(
            event=obj.event, channel=obj.channel, language=obj.language, subject=obj.subject, body=obj.body
        )

    def save_model(self, request, obj, form, change):
        # The form has already refused bad placeholders (MessageTemplate.clean); the
        # service writes the row, and the admin carries on with the saved one.
        saved = services.message_template_save(
            event=obj.event,
            channel=obj.channel,
            language=obj.language,
            subject=obj.subject,
            body=obj.body,
            actor=request.user,
        )
        obj.pk = saved.pk
        obj.created_at, obj.updated_at, obj.updated_by = saved.created_at, saved.updated_at, saved.updated_by
        obj._state.adding = False

    def get_urls(self):
        return [
            path(
                "preview/",
                self.admin_site.admin_view(self.preview_view),
                name="notifications_template_preview",
            )
        ] + super().get_urls()

    def preview_view(self, request):
        """Render the form's current (unsaved) wording on sample data."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return _preview_response(request)


@require_POST
def _preview_response(request):
    data = request.POST
    try:
        html = render_preview(
            event=data.get("event", ""),
            channel=data.get("channel", ""),
            language=data.get("language", ""),
            subject=data.get("subject", ""),
            body=data.get("body", ""),
        )
    except events.UnknownEvent:
        return JsonResponse(
            {"html": format_html("<p class='errornote'>{}</p>", _("Unknown event."))}, status=400
        )
    return JsonResponse({"html": html})


def render_preview(*, event, channel, language, subject, body) -> str:
    preview = services.message_template_preview(
        event=event, channel=channel, language=language, subject=subject, body=body
    )
    return render_to_string("admin/notifications/messagetemplate/_preview.html", {"preview": preview})


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(core_admin.ModelAdmin):
    list_display = ("key", "opted_out", "updated_at", "updated_by")
    list_filter = ("opted_out",)
    search_fields = ("key",)
    readonly_fields = ("updated_by",)

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Notification)
class NotificationAdmin(ConfidentialAdminMixin, core_admin.ModelAdmin):
    """Read-only: rows are written by the services and the workers, never by hand."""

    list_display = (
        "id",
        "created_at",
        "event",
        "channel",
        "recipient_display",
        "state",
        "attempts",
        "error_code",
    )
    list_filter = ("state", "channel", "event", "essential")
    search_fields = ("to_phone", "to_email", "recipient_ref", "=reference", "provider_message_id")
    date_hierarchy = "created_at"
    list_select_related = ("recipient_user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
