"""Configuration in the Django admin: branches (hours, closures), services, what each
branch offers with its counters and capacity changes. Appointments themselves are read-only
here: they are booked and worked through the services."""

from django.contrib import admin

from apps.appointments.models import (
    Appointment,
    Branch,
    BranchClosure,
    BranchStaff,
    CapacityChange,
    Offering,
    OpeningHours,
    Service,
)
from apps.core import admin as core_admin


class OpeningHoursInline(core_admin.TabularInline):
    model = OpeningHours
    extra = 0


class BranchClosureInline(core_admin.TabularInline):
    model = BranchClosure
    extra = 0
    fields = ("start_date", "end_date", "reason_ar", "reason_en")


class OfferingInline(core_admin.TabularInline):
    model = Offering
    extra = 0


@admin.register(Branch)
class BranchAdmin(core_admin.ModelAdmin):
    list_display = ("code", "name_ar", "name_en", "is_active")
    search_fields = ("code", "name_ar", "name_en")
    inlines = [OpeningHoursInline, OfferingInline, BranchClosureInline]


@admin.register(Service)
class ServiceAdmin(core_admin.ModelAdmin):
    list_display = (
        "code",
        "name_ar",
        "name_en",
        "slot_minutes",
        "min_notice_minutes",
        "horizon_days",
        "is_active",
    )
    search_fields = ("code", "name_ar", "name_en")


class CapacityChangeInline(core_admin.TabularInline):
    model = CapacityChange
    extra = 0


@admin.register(Offering)
class OfferingAdmin(core_admin.ModelAdmin):
    list_display = ("branch", "service", "counters", "is_active")
    list_filter = ("branch", "service")
    inlines = [CapacityChangeInline]


@admin.register(BranchStaff)
class BranchStaffAdmin(core_admin.ModelAdmin):
    list_display = ("user", "branch")
    list_filter = ("branch",)
    autocomplete_fields = ("user",)


@admin.register(Appointment)
class AppointmentAdmin(core_admin.ModelAdmin):
    list_display = ("reference", "branch", "service", "slot_start", "status", "channel")
    list_filter = ("status", "channel", "branch", "service")
    search_fields = ("reference",)
    date_hierarchy = "slot_start"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
