from django.urls import path

from apps.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:campaign_id>/", views.campaign_detail, name="detail"),
    path("<int:campaign_id>/edit/", views.campaign_edit, name="edit"),
    path("<int:campaign_id>/transition/", views.campaign_transition, name="transition"),
    path("<int:campaign_id>/import/", views.campaign_import, name="import"),
    path("<int:campaign_id>/select/", views.campaign_select, name="select"),
    path("<int:campaign_id>/targets/", views.target_list, name="targets"),
    path("<int:campaign_id>/call/", views.call_screen, name="call"),
    path("<int:campaign_id>/call/next/", views.call_next, name="call_next"),
    path("targets/<int:target_id>/disposition/", views.target_disposition, name="disposition"),
    path("targets/<int:target_id>/release/", views.target_release, name="release"),
    path("targets/<int:target_id>/phones/", views.target_phone_add, name="phone_add"),
    path(
        "targets/<int:target_id>/phones/<int:phone_id>/confirm/",
        views.target_phone_confirm,
        name="phone_confirm",
    ),
    path(
        "targets/<int:target_id>/phones/<int:phone_id>/wrong/", views.target_phone_wrong, name="phone_wrong"
    ),
    path("targets/<int:target_id>/address/", views.target_address, name="address"),
]
