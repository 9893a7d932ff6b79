from django.urls import path

from apps.appointments import views

app_name = "appointments"

urlpatterns = [
    path("", views.appointment_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("desk/", views.desk, name="desk"),
    path("desk/day-sheet.pdf", views.day_sheet, name="day_sheet"),
    path("desk/walk-in/", views.walk_in, name="walk_in"),
    path("<int:pk>/check-in/", views.check_in, name="check_in"),
    path("<int:pk>/serve/", views.serve, name="serve"),
    path("figures/", views.figures, name="figures"),
    path("closures/", views.closures, name="closures"),
    path("closures/<int:pk>/", views.closure_detail, name="closure"),
    path("console/panel/", views.console_panel, name="console_panel"),
    path("console/slots/", views.console_slots, name="console_slots"),
    path("console/book/", views.console_book, name="console_book"),
]
