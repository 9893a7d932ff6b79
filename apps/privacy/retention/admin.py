from django.contrib import admin

from apps.core import admin as core_admin
from apps.privacy.retention import services
from apps.privacy.retention.forms import PolicyAdminForm
from apps.privacy.retention.models import LegalHold, RetentionPolicy, RetentionRun


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(core_admin.ModelAdmin):
    form = PolicyAdminForm
    list_display = ["kind", "months", "minimum_months", "action", "is_active", "updated_at", "updated_by"]
    list_filter = ["is_active", "action"]
    readonly_fields = ["minimum_months", "updated_at", "updated_by"]

    def get_readonly_fields(self, request, obj=None):
        # The kinds are fixed in code: a policy's kind never changes once created.
        return [*self.readonly_fields, "kind"] if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.updated_by = request.user
            super().save_model(request, obj, form, change)
            return
        services.policy_update(
            policy=obj, months=obj.months, action=obj.action, is_active=obj.is_active, actor=request.user
        )


@admin.register(LegalHold)
class LegalHoldAdmin(core_admin.ModelAdmin):
    list_display = ["id", "citizen", "ticket", "contact", "placed_by", "placed_at", "released_at"]
    list_filter = ["released_at"]
    raw_id_fields = ["citizen", "ticket", "contact"]

    # Holds are placed and released on the retention desk page, with a reason.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RetentionRun)
class RetentionRunAdmin(core_admin.ModelAdmin):
    list_display = ["id", "dry_run", "state", "started_at", "finished_at", "actor"]
    list_filter = ["dry_run", "state"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
