from django.urls import path

from cases.views import ledger

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("window/", views.choose_window, name="choose_window"),
    path("lookup/", views.lookup, name="lookup"),
    path("petitioners/<int:pk>/", views.petitioner_detail, name="petitioner"),
    path("petitioners/<int:pk>/ledger/", ledger.petitioner_cases_export, name="petitioner_cases_export"),
    path("missing-contacts/", views.missing_contacts, name="missing_contacts"),
    path("missing-contacts/ledger/", ledger.missing_contacts_export, name="missing_contacts_export"),
    path("tally/", views.tally, name="tally"),
]
