"""The partner outbox in the admin: every delivery read-only, the dead letters one filter away,
and "send again" as an action (through ``services.delivery_retry``)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.core import admin as core_admin
from apps.core.errors import ApplicationError
from apps.integrations.outbound import services
from apps.integrations.outbound.models import Delivery


class DeadLetterFilter(admin.SimpleListFilter):
    title = _("dead letters")
    parameter_name = "dead"

    def lookups(self, request, model_admin):
        return [("1", _("Dead letters only"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(state=Delivery.State.DEAD)
        return queryset


@admin.register(Delivery)
class DeliveryAdmin(core_admin.ModelAdmin):
    list_display = (
        "created_at",
        "partner",
        "event",
        "state",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "source",
    )
    list_filter = (DeadLetterFilter, "state", "partner", "event")
    search_fields = ("=reference", "source", "target_url")
    date_hierarchy = "created_at"
    actions = ["retry_selected"]
    list_select_related = ()
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("integrations_outbound.retry_delivery")

    @admin.action(description=_("Send the selected deliveries again"), permissions=["retry"])
    def retry_selected(self, request, queryset):
        sent, refused = 0, 0
        for delivery in queryset.order_by("pk"):
            try:
                services.delivery_retry(delivery=delivery, actor=request.user)
                sent += 1
            except ApplicationError:
                refused += 1
        if sent:
            self.message_user(
                request,
                ngettext("%(count)d delivery queued again.", "%(count)d deliveries queued again.", sent)
                % {"count": sent},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d delivery was left alone: only dead or sent deliveries can be sent again.",
                    "%(count)d deliveries were left alone: only dead or sent deliveries can be sent again.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )
