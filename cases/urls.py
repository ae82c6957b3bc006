from django.urls import path

from .views import case, dashboard, department, leader, ledger, window
from .views import search as search_views

app_name = "cases"
urlpatterns = [
    path("<int:pk>/", case.case_detail, name="detail"),
    # Every staff role: the search box and its ledger
    path("search/", search_views.search_page, name="search"),
    path("search/ledger/", search_views.search_export, name="search_export"),
    path("<int:pk>/submit/", case.case_submit_view, name="submit"),
    path("<int:pk>/attachments/<int:attachment_pk>/", case.attachment_download, name="attachment"),
    # The leader
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("sign-off/", leader.sign_off_queue, name="sign_off_queue"),
    path("sign-off/batch/", leader.sign_off_batch, name="sign_off_batch"),
    path("sign-off/ledger/", ledger.sign_off_queue_export, name="sign_off_queue_export"),
    path("sign-off/returned/", leader.returned, name="returned"),
    path("sign-off/returned/ledger/", ledger.returned_export, name="returned_export"),
    path("sign-off/extensions/", leader.extensions, name="extensions"),
    path("sign-off/extensions/ledger/", ledger.extensions_export, name="extensions_export"),
    path("supervision/", leader.supervision, name="supervision"),
    path("supervision/<slug:section>/ledger/", ledger.supervision_export, name="supervision_export"),
    path("<int:pk>/sign-off/", leader.sign_off, name="sign_off"),
    path("<int:pk>/extension/decide/", leader.decide_extension, name="decide_extension"),
    path("<int:pk>/supervise/", leader.supervise, name="supervise"),
    # The receiving department
    path("inbox/", department.inbox, name="inbox"),
    path("inbox/ledger/", ledger.inbox_export, name="inbox_export"),
    path("<int:pk>/receive/", department.receive, name="receive"),
    path("<int:pk>/accept/", department.accept, name="accept"),
    path("<int:pk>/decline/", department.decline, name="decline"),
    path("<int:pk>/return/", department.return_case, name="return"),
    path("<int:pk>/extension/", department.extend, name="extend"),
    path("<int:pk>/note/", department.note, name="note"),
    path("<int:pk>/reply/", department.reply, name="reply"),
    path("<int:pk>/conclude/", department.conclude, name="conclude"),
    path("<int:pk>/report/", department.report, name="report"),
    path("<int:pk>/supervision-answer/", department.answer_supervision, name="answer_supervision"),
    # The window, after the department
    path("<int:pk>/follow-up/", window.follow_up, name="follow_up"),
    path("<int:pk>/review/", window.review, name="review"),
    path("<int:pk>/close/", window.close, name="close"),
]
