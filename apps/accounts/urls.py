from django.urls import path

from apps.accounts import staff_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor_settings, name="two_factor"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/enrol/", views.two_factor_enrol, name="two_factor_enrol"),
    path("two-factor/enrol/qr.svg", views.two_factor_qr, name="two_factor_qr"),
    path("password/set/<uidb64>/<token>/", staff_views.PasswordSetView.as_view(), name="password_set"),
    path("password/set/done/", staff_views.PasswordSetDoneView.as_view(), name="password_set_done"),
    path("staff/", staff_views.staff_list, name="staff_list"),
    path("staff/new/", staff_views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", staff_views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/edit/", staff_views.staff_edit, name="staff_edit"),
    path(
        "staff/<int:pk>/<slug:action>/",
        staff_views.staff_action,
        name="staff_action",
    ),
]
