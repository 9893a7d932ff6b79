from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class AppointmentsConfig(AppConfig):
    name = "apps.appointments"
    label = "appointments"
    verbose_name = pgettext_lazy("branch visits", "Appointments")

    def ready(self):
        from apps.appointments import integrations

        integrations.connect()
        from apps.appointments import exports

        exports.register_export()
        _register_saved_views()


def _register_saved_views() -> None:
    """The appointment list takes saved views (apps.core.saved_views)."""
    from django.utils.translation import gettext_lazy as _

    from apps.appointments import selectors
    from apps.appointments.forms import AppointmentFilterForm
    from apps.core import saved_views

    def allowed(user) -> bool:
        return user.has_perm(selectors.FIGURES_PERMISSION) or user.has_perm(selectors.DESK_PERMISSION)

    def rows(form, viewer):
        data = form.cleaned_data
        return selectors.appointment_list(
            branch_id=int(data["branch"]) if data.get("branch") else None,
            service_id=int(data["service"]) if data.get("service") else None,
            first=data.get("from"),
            last=data.get("to"),
            status=data.get("status") or "",
            by_booking=data.get("by") == "booked",
        )

    saved_views.register_list(
        saved_views.ListSpec(
            key="appointments",
            label=pgettext_lazy("branch visits", "Appointments"),
            url_name="appointments:list",
            form_class=AppointmentFilterForm,
            permission=allowed,
            form=lambda data, viewer: AppointmentFilterForm(data),
            rows=rows,
            sorts=(("", _("Earliest first")),),
        )
    )
