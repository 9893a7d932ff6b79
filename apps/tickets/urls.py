from django.urls import path

from apps.tickets import macro_views, tag_views, views

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("mine/", views.my_work, name="my_work"),
    path("new/", views.ticket_create, name="create"),
    path("bulk/", views.ticket_bulk, name="bulk"),
    path("<int:pk>/", views.ticket_detail, name="detail"),
    path("<int:pk>/reply/", views.ticket_reply, name="reply"),
    path("<int:pk>/note/", views.ticket_note, name="note"),
    path("<int:pk>/transition/", views.ticket_transition, name="transition"),
    path("<int:pk>/assign/", views.ticket_assign, name="assign"),
    path("<int:pk>/extend/", views.ticket_extend, name="extend"),
    path("<int:pk>/reclassify/", views.ticket_reclassify, name="reclassify"),
    path("<int:pk>/merge/", views.ticket_merge, name="merge"),
    path("<int:pk>/attach/", views.ticket_attach, name="attach"),
    path("<int:pk>/presence/", views.ticket_presence, name="presence"),
    path("macros/", macro_views.macro_list, name="macros"),
    path("macros/new/", macro_views.macro_create, name="macro_create"),
    path("macros/<int:pk>/", macro_views.macro_edit, name="macro_edit"),
    path("macros/<int:pk>/retire/", macro_views.macro_retire, name="macro_retire"),
    path("<int:pk>/tags/", views.ticket_tags, name="tags"),
    path("tags/", tag_views.tag_list, name="tag_list"),
    path("tags/<int:pk>/", tag_views.tag_edit, name="tag_edit"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("citizen/<int:citizen_id>/", views.citizen_tickets, name="citizen_tickets"),
]
