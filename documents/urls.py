from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("<int:pk>/", views.document_pdf, name="pdf"),
    path("case/<int:case_pk>/", views.case_documents_panel, name="case_panel"),
]
