from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("window/", views.choose_window, name="choose_window"),
    path("lookup/", views.lookup, name="lookup"),
    path("petitioners/<int:pk>/", views.petitioner_detail, name="petitioner"),
    path("missing-contacts/", views.missing_contacts, name="missing_contacts"),
    path("tally/", views.tally, name="tally"),
]
