"""Configuration only: committees and their seats, and the managed rejection reasons.
Daily work (referrals, meetings, decisions) happens on the secretary's screens."""

from django.contrib import admin

from apps.committee.models import Committee, Membership, RejectionReason
from apps.core import admin as core_admin


class MembershipInline(core_admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Committee)
class CommitteeAdmin(core_admin.ModelAdmin):
    list_display = ("code", "name_ar", "name_en", "quorum_minimum", "quorum_requires_chair", "is_active")
    inlines = [MembershipInline]


@admin.register(RejectionReason)
class RejectionReasonAdmin(core_admin.ModelAdmin):
    list_display = ("code", "text_ar", "text_en", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("code", "text_ar", "text_en")

    def has_delete_permission(self, request, obj=None):
        # Signed decisions cite these rows; retire a reason by unticking "active".
        return False
