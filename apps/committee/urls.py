from django.urls import path

from apps.committee import views

app_name = "committee"

urlpatterns = [
    path("", views.pool, name="pool"),
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/<int:referral_id>/", views.referral_detail, name="referral"),
    path("referrals/<int:referral_id>/documents/", views.document_upload, name="document_upload"),
    path("documents/<int:document_id>/", views.document_download, name="document"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/agenda/", views.agenda, name="agenda"),
    path(
        "meetings/<int:meeting_id>/agenda/remove/<int:referral_id>/",
        views.agenda_remove,
        name="agenda_remove",
    ),
    path("meetings/<int:meeting_id>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:meeting_id>/decisions/<int:referral_id>/", views.decision, name="decision"),
    path("meetings/<int:meeting_id>/close/", views.meeting_close, name="meeting_close"),
    path("meetings/<int:meeting_id>/minutes/", views.minutes, name="minutes"),
    path("meetings/<int:meeting_id>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("meetings/<int:meeting_id>/sign/", views.meeting_sign, name="meeting_sign"),
    path("meetings/<int:meeting_id>/reopen/", views.meeting_reopen, name="meeting_reopen"),
    path("decisions/<int:decision_id>/amend/", views.decision_amend, name="decision_amend"),
    path("figures/", views.figures, name="figures"),
]
