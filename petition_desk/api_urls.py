"""REST API v1, mounted at /api/v1/ (DESIGN.md §6); the schema is served at /api/schema/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import ObtainTokenView
from cases.api.stats import StatsSummaryView
from cases.api.tracking import TrackingView
from cases.api.views import (
    CaseAttachmentView,
    CaseViewSet,
    CategoryViewSet,
    DepartmentViewSet,
    PlaceViewSet,
    SubjectAreaViewSet,
)
from documents.api import DocumentPdfView
from intake.api.stats import DailyTallyView
from intake.api.views import PetitionerViewSet, VisitViewSet, WindowViewSet

app_name = "api"

# A request's path is matched against the patterns in order, and a viewset brings four regular
# expressions: the windows' registrations and look-ups come first, not after 40 others.
router = DefaultRouter()
router.register("visits", VisitViewSet)
router.register("petitioners", PetitionerViewSet)
router.register("cases", CaseViewSet, basename="case")
router.register("departments", DepartmentViewSet)
router.register("categories", CategoryViewSet)
router.register("subject-areas", SubjectAreaViewSet)
router.register("places", PlaceViewSet)
router.register("windows", WindowViewSet)

urlpatterns = [
    *router.urls,
    path("auth/token/", ObtainTokenView.as_view(), name="token"),
    path("stats/daily/", DailyTallyView.as_view(), name="stats-daily"),
    path("stats/summary/", StatsSummaryView.as_view(), name="stats-summary"),
    path("track/<str:tracking_code>/", TrackingView.as_view(), name="track"),
    path("documents/<int:pk>/", DocumentPdfView.as_view(), name="document-pdf"),
    path("cases/<int:case_pk>/attachments/<int:pk>/", CaseAttachmentView.as_view(), name="case-attachment"),
]
