"""Administrators register webhook subscribers here; deliveries are listed (and replayed)
under Partner deliveries, filtered by partner "webhooks"."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.core import admin as core_admin
from apps.integrations.webhooks.forms import SubscriptionForm
from apps.integrations.webhooks.models import Subscription


@admin.register(Subscription)
class SubscriptionAdmin(core_admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ("name", "url", "is_active", "events_list", "deliveries_link")
    list_filter = ("is_active",)
    search_fields = ("name", "url")

    @admin.display(description=_("Events"))
    def events_list(self, obj):
        return ", ".join(obj.events or [])

    @admin.display(description=_("Deliveries"))
    def deliveries_link(self, obj):
        url = reverse("admin:integrations_outbound_delivery_changelist")
        return format_html(
            '<a href="{}?partner=webhooks&q=webhooks.subscription:{}/">{}</a>', url, obj.pk, _("Deliveries")
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
