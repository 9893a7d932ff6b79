from django.urls import path

from apps.privacy.requests import public_views

app_name = "privacy_portal"

urlpatterns = [
    path("", public_views.start, name="start"),
    path("code/", public_views.code, name="code"),
    path("mine/", public_views.mine, name="mine"),
    path("mine/<str:reference>/download/", public_views.download, name="download"),
    path("sign-out/", public_views.sign_out, name="sign_out"),
]
