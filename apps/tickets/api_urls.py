from django.urls import path

from apps.tickets import api, api_bulk

urlpatterns = [
    path("tickets/", api.TicketListCreateAPI.as_view(), name="ticket-list"),
    path("tickets/bulk/", api_bulk.TicketBulkAPI.as_view(), name="ticket-bulk"),
    path("tickets/<int:pk>/", api.TicketDetailAPI.as_view(), name="ticket-detail"),
    path(
        "tickets/by-review-number/<str:number>/",
        api.TicketByReviewNumberAPI.as_view(),
        name="ticket-by-number",
    ),
    path("tickets/<int:pk>/reply/", api.TicketReplyAPI.as_view(), name="ticket-reply"),
    path("tickets/<int:pk>/note/", api.TicketNoteAPI.as_view(), name="ticket-note"),
    path("tickets/<int:pk>/macro/", api.TicketMacroAPI.as_view(), name="ticket-macro"),
    path("tickets/<int:pk>/transition/", api.TicketTransitionAPI.as_view(), name="ticket-transition"),
    path("tickets/<int:pk>/assign/", api.TicketAssignAPI.as_view(), name="ticket-assign"),
    path("tickets/<int:pk>/merge/", api.TicketMergeAPI.as_view(), name="ticket-merge"),
    path("tickets/<int:pk>/extend/", api.TicketExtendAPI.as_view(), name="ticket-extend"),
    path("tickets/<int:pk>/reclassify/", api.TicketReclassifyAPI.as_view(), name="ticket-reclassify"),
    path("tickets/<int:pk>/attachments/", api.TicketAttachmentAPI.as_view(), name="ticket-attachments"),
    path("categories/", api.CategoryListAPI.as_view(), name="category-list"),
    path("public/track/", api.PublicTrackAPI.as_view(), name="public-track"),
    path("public/rate/", api.PublicRateAPI.as_view(), name="public-rate"),
    path("public/reopen/", api.PublicReopenAPI.as_view(), name="public-reopen"),
]
