from django.contrib import admin
from django.urls import include, path

from apps.core import api as core_api
from apps.core import saved_views_api
from apps.core import views as core_views

# Outside a DRF view (a URL nobody routes, a failure in a middleware) the API still answers
# in its JSON error format; other pages get the bilingual ones in templates/ (400, 403, 404, 500).
handler400 = "apps.core.api.handler400"
handler403 = "apps.core.api.handler403"
handler404 = "apps.core.api.handler404"
handler500 = "apps.core.api.handler500"

api_v1 = [
    path("schema/", core_api.SchemaView.as_view(), name="schema"),
    path("docs/", core_api.DocsView.as_view(url_name="api:schema"), name="docs"),
    path("sla/", include("apps.sla.urls")),
    path("saved-views/", saved_views_api.SavedViewList.as_view(), name="saved-views"),
    path("saved-views/<int:pk>/", saved_views_api.SavedViewDetail.as_view(), name="saved-view"),
    path("", include("apps.accounts.api_urls")),
    path("", include("apps.citizens.api_urls")),
    path("", include("apps.tickets.api_urls")),
    path("committee/", include("apps.committee.api")),
    path("notifications/", include("apps.notifications.api")),
    path("exports/", include("apps.exports.api")),
    path("", include("apps.contacts.api_urls")),
    path("uyc/", include("apps.escalations.api_urls")),
    path("", include("apps.appointments.api_urls")),
    path("privacy/requests/", include("apps.privacy.requests.api_urls")),
    path("", include("apps.campaigns.api_urls")),
    path("reports/", include("apps.reports.api")),
    path("integrations/tawasul/", include("apps.integrations.tawasul.urls")),
    path("integrations/sms/", include("apps.integrations.sms.urls")),
    path("integrations/webhooks/", include("apps.integrations.webhooks.api")),
    path("integrations/housing-feed/", include("apps.integrations.housing_feed.urls")),
    path("open311/", include("apps.integrations.open311.urls")),
]

urlpatterns = [
    # First: the API is the busiest caller (systems, the portal's tracking), and no page
    # lives under this prefix, so nothing below is tried for it.
    path("api/v1/", include((api_v1, "api"))),
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
    # Before any "privacy/" include: the data-subject requests' pages.
    path("privacy/requests/", include("apps.privacy.requests.urls")),
    path("portal/uyc/", include("apps.escalations.public_urls")),
    path("portal/privacy/", include("apps.privacy.requests.public_urls")),
    path("portal/", include("apps.portal.urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("exports/", include("apps.exports.urls")),
    path("appointments/", include("apps.appointments.urls")),
    path("portal/appointments/", include("apps.appointments.public_urls")),
    path("campaigns/", include("apps.campaigns.urls")),
    path("reports/", include("apps.reports.urls")),
    path("privacy/history/", include("apps.privacy.history.urls")),
    path("privacy/retention/", include("apps.privacy.retention.urls")),
    # The data-protection desk's home, read log, alerts and subject access: after every more
    # specific "privacy/…" include (history, requests, retention).
    path("privacy/", include("apps.privacy.desk.urls")),
    path("", include("apps.chat.urls")),
    path("", include("apps.contacts.urls")),
    path("", include("apps.core.urls")),
]
