from django.contrib import admin

from apps.citizens.models import Citizen, CitizenAccess, CitizenPhone, HousingFile
from apps.core import admin as core_admin


class PhoneInline(core_admin.TabularInline):
    model = CitizenPhone
    extra = 0
    readonly_fields = ("confirmed_at", "confirmed_by")


class HousingFileInline(core_admin.TabularInline):
    model = HousingFile
    extra = 0


@admin.register(Citizen)
class CitizenAdmin(core_admin.ModelAdmin):
    list_display = ("name_ar", "name_en", "latin_names", "cpr", "language", "created_at")
    search_fields = ("cpr", "name_ar", "name_en", "latin_names", "phones__number")
    inlines = [PhoneInline, HousingFileInline]


@admin.register(CitizenAccess)
class CitizenAccessAdmin(core_admin.ModelAdmin):
    list_display = ("at", "user", "citizen", "purpose")
    list_filter = ("purpose",)
    readonly_fields = ("at", "user", "citizen", "purpose")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
