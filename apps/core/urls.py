from django.urls import path

from apps.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("views/save/", views.saved_view_save, name="saved_view_save"),
    path("views/<int:pk>/rename/", views.saved_view_rename, name="saved_view_rename"),
    path("views/<int:pk>/delete/", views.saved_view_delete, name="saved_view_delete"),
]
