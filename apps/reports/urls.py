from django.urls import path

from apps.reports import satisfaction_views, views

app_name = "reports"

urlpatterns = [
    path("monthly/", views.statement_page, name="statement"),
    path("monthly/statement.csv", views.statement_csv, name="statement_csv"),
    path("monthly/statement.xlsx", views.statement_xlsx, name="statement_xlsx"),
    path("monthly/statement.pdf", views.statement_pdf, name="statement_pdf"),
    path("monthly/press/generate/", views.press_generate, name="press_generate"),
    path("monthly/press/edit/", views.press_edit, name="press_edit"),
    path("monthly/press/approve/", views.press_approve, name="press_approve"),
    path("monthly/press/publish/", views.press_publish, name="press_publish"),
    path("satisfaction/", satisfaction_views.satisfaction_page, name="satisfaction"),
]
