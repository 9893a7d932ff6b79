from django.urls import path

from apps.accounts import api

urlpatterns = [path("departments/", api.DepartmentListAPI.as_view(), name="department-list")]
