from django.urls import path

from apps.contacts import api

urlpatterns = [
    path("contacts/", api.ContactListCreate.as_view(), name="contacts"),
    path("contacts/batch/", api.ContactBatch.as_view(), name="contacts-batch"),
    path("contacts/import/", api.ContactCsvImport.as_view(), name="contacts-import"),
    path("contacts/counts/", api.ContactCounts.as_view(), name="contacts-counts"),
]
