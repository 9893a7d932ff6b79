from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department, User
from apps.core import admin as core_admin


@admin.register(User)
class UserAdmin(core_admin.TextRulesMixin, DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("Ministry"), {"fields": ("full_name_ar", "department", "language")}),
    )
    list_display = ("username", "full_name_ar", "department", "is_active", "last_login")
    list_filter = ("groups", "department", "is_active")
    actions = ["reset_two_factor"]

    # Staff are administered on their own pages (/accounts/staff/), where disabling ends a
    # member's sessions and tokens and the last administrator is kept: here those fields
    # are read-only once the account exists, and no account is ever deleted.
    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly += ["is_active", "is_superuser", "groups"]
        return readonly

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Reset two-factor sign-in (lost phone): set it up again at the next sign-in"))
    def reset_two_factor(self, request, queryset):
        from apps.accounts import services
        from apps.core.errors import ApplicationError

        for user in queryset:
            try:
                services.two_factor_reset(user=user, actor=request.user)
            except ApplicationError as error:  # one's own, where one's role requires it
                self.message_user(request, f"{user.username}: {error.message}", messages.ERROR)
                return
        self.message_user(
            request, _("Two-factor sign-in was reset; those staff members are signed out."), messages.SUCCESS
        )


@admin.register(Department)
class DepartmentAdmin(core_admin.ModelAdmin):
    list_display = ("code", "name_ar", "name_en", "head", "is_active")
    search_fields = ("code", "name_ar", "name_en")
