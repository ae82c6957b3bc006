from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/submit/", views.case_submit_view, name="submit"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("sign-off/", views.sign_off_queue, name="sign_off_queue"),
    path("inbox/", views.inbox, name="inbox"),
]
