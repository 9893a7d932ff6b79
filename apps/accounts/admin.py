from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("Ministry"), {"fields": ("full_name_ar", "department", "language")}),
    )
    list_display = ("username", "full_name_ar", "department", "is_active", "last_login")
    list_filter = ("groups", "department", "is_active")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ar", "name_en", "head", "is_active")
    search_fields = ("code", "name_ar", "name_en")
