from django.urls import path

from apps.escalations import api

urlpatterns = [
    path("cases/", api.CaseListAPI.as_view(), name="uyc-cases"),
    path("cases/bulk-assign/", api.BulkAssignAPI.as_view(), name="uyc-bulk-assign"),
    path("cases/<int:pk>/", api.CaseDetailAPI.as_view(), name="uyc-case"),
    path("cases/<int:pk>/assign/", api.CaseAssignAPI.as_view(), name="uyc-case-assign"),
    path("cases/<int:pk>/note/", api.CaseNoteAPI.as_view(), name="uyc-case-note"),
    path("cases/<int:pk>/summary/", api.CaseSummaryAPI.as_view(), name="uyc-case-summary"),
    path("cases/<int:pk>/transition/", api.CaseTransitionAPI.as_view(), name="uyc-case-transition"),
    path("cases/<int:pk>/extend/", api.CaseExtendAPI.as_view(), name="uyc-case-extend"),
    path(
        "cases/<int:pk>/information-requests/",
        api.CaseInformationRequestAPI.as_view(),
        name="uyc-case-information-request",
    ),
    path("cases/<int:pk>/refer/", api.CaseReferAPI.as_view(), name="uyc-case-refer"),
    path("cases/<int:pk>/decide/", api.CaseDecideAPI.as_view(), name="uyc-case-decide"),
    path("cases/<int:pk>/inform/", api.CaseInformAPI.as_view(), name="uyc-case-inform"),
    path("figures/", api.FiguresAPI.as_view(), name="uyc-figures"),
    path("access-log/", api.AccessLogAPI.as_view(), name="uyc-access-log"),
    path("delegations/", api.DelegationListAPI.as_view(), name="uyc-delegations"),
    path("delegations/<int:pk>/end/", api.DelegationEndAPI.as_view(), name="uyc-delegation-end"),
    path("escalate/", api.EscalateAPI.as_view(), name="uyc-escalate"),
    path("questions/", api.QuestionListAPI.as_view(), name="uyc-questions"),
    path("questions/<int:pk>/answer/", api.QuestionAnswerAPI.as_view(), name="uyc-question-answer"),
    path("public/code/", api.PublicCodeAPI.as_view(), name="uyc-public-code"),
    path("public/submit/", api.PublicSubmitAPI.as_view(), name="uyc-public-submit"),
]
