from django.urls import path

from apps.accounts import api

urlpatterns = [
    path("departments/", api.DepartmentListAPI.as_view(), name="department-list"),
    path("staff/", api.StaffListAPI.as_view(), name="staff-list"),
    path("staff/<int:pk>/", api.StaffDetailAPI.as_view(), name="staff-detail"),
    path("staff/<int:pk>/disable/", api.StaffDisableAPI.as_view(), name="staff-disable"),
    path("staff/<int:pk>/enable/", api.StaffEnableAPI.as_view(), name="staff-enable"),
]
