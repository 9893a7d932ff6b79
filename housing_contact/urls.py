from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.core import views as core_views

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("sla/", include("apps.sla.urls")),
    path("", include("apps.accounts.api_urls")),
    path("", include("apps.citizens.api_urls")),
    path("", include("apps.tickets.api_urls")),
    path("committee/", include("apps.committee.api")),
    path("notifications/", include("apps.notifications.api")),
    path("", include("apps.contacts.api_urls")),
    path("uyc/", include("apps.escalations.api_urls")),
]

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("apps.accounts.urls")),
    path("citizens/", include("apps.citizens.urls")),
    path("tickets/", include("apps.tickets.urls")),
    path("committee/", include("apps.committee.urls")),
    path("portal/committee/", include("apps.committee.public_urls")),
    path("uyc/", include("apps.escalations.urls")),
    path("sla/", include("apps.sla.page_urls")),
    path("portal/uyc/", include("apps.escalations.public_urls")),
    path("portal/", include("apps.portal.urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("api/v1/", include((api_v1, "api"))),
    path("", include("apps.chat.urls")),
    path("", include("apps.contacts.urls")),
    path("", include("apps.core.urls")),
]
