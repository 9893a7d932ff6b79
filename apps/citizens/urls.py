from django.urls import path

from apps.citizens import views

app_name = "citizens"

urlpatterns = [
    path("lookup/", views.citizen_lookup, name="lookup"),
    path("<int:pk>/", views.citizen_detail, name="detail"),
    path("<int:pk>/edit/", views.citizen_edit, name="edit"),
    path("<int:pk>/card/", views.citizen_card, name="card"),
    path("<int:pk>/phones/", views.phone_add, name="phone_add"),
    path("<int:pk>/phones/<int:phone_id>/", views.phone_change, name="phone_change"),
]
