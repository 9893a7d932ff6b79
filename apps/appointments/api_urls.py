from django.urls import path

from apps.appointments import api

urlpatterns = [
    path("appointments/services/", api.ServicesAPI.as_view(), name="appointment-services"),
    path("appointments/availability/", api.AvailabilityAPI.as_view(), name="appointment-availability"),
    path("appointments/", api.AppointmentsAPI.as_view(), name="appointment-list"),
    path("appointments/<str:reference>/", api.AppointmentDetailAPI.as_view(), name="appointment-detail"),
    path("appointments/<str:reference>/cancel/", api.CancelAPI.as_view(), name="appointment-cancel"),
    path(
        "appointments/<str:reference>/reschedule/", api.RescheduleAPI.as_view(), name="appointment-reschedule"
    ),
]
