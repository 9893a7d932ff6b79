from django.urls import path

from apps.escalations import views

app_name = "escalations"

urlpatterns = [
    # Management: senior management, their deputies, administrators.
    path("", views.queue, name="queue"),
    path("bulk-assign/", views.bulk_assign, name="bulk_assign"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/assign/", views.case_assign, name="assign"),
    path("<int:pk>/note/", views.case_note, name="note"),
    path("<int:pk>/summary/", views.case_summary, name="summary"),
    path("<int:pk>/transition/", views.case_transition, name="transition"),
    path("<int:pk>/extend/", views.case_extend, name="extend"),
    path("<int:pk>/request-information/", views.case_request_information, name="request_information"),
    path("<int:pk>/refer/", views.case_refer, name="refer"),
    path("<int:pk>/decide/", views.case_decide, name="decide"),
    path("<int:pk>/inform/", views.case_inform, name="inform"),
    path("delegations/", views.delegations, name="delegations"),
    path("delegations/<int:pk>/end/", views.delegation_end, name="delegation_end"),
    path("figures/", views.figures, name="figures"),
    path("access-log/", views.access_log, name="access_log"),
    # Agents and supervisors: send a ticket up, with a reason.
    path("escalate/<int:ticket_id>/", views.escalate, name="escalate"),
    # Department officers: the questions asked of their department.
    path("questions/", views.information_requests, name="info_requests"),
    path("questions/<int:pk>/", views.information_request_detail, name="info_request"),
]
