from django.urls import path

from apps.campaigns import api

urlpatterns = [
    path("campaigns/", api.CampaignListCreate.as_view(), name="campaigns"),
    path("campaigns/outbound-calls/", api.OutboundCalls.as_view(), name="campaigns-outbound-calls"),
    path("campaigns/<int:campaign_id>/", api.CampaignDetail.as_view(), name="campaign"),
    path(
        "campaigns/<int:campaign_id>/transition/",
        api.CampaignTransition.as_view(),
        name="campaign-transition",
    ),
    path("campaigns/<int:campaign_id>/targets/", api.CampaignTargets.as_view(), name="campaign-targets"),
    path(
        "campaigns/<int:campaign_id>/targets/import/",
        api.CampaignTargetImport.as_view(),
        name="campaign-import",
    ),
    path("campaigns/<int:campaign_id>/next/", api.CampaignNext.as_view(), name="campaign-next"),
    path("campaigns/<int:campaign_id>/figures/", api.CampaignFigures.as_view(), name="campaign-figures"),
    path(
        "campaigns/targets/<int:target_id>/disposition/",
        api.TargetDisposition.as_view(),
        name="target-disposition",
    ),
]
