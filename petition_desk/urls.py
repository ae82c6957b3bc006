from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView

from . import health
from .api_docs import ApiDocsView


@login_not_required
def favicon(request):
    # Pages of ours name the icon; the admin's and the API documentation's do not, and a browser
    # then asks here, on every first page of a visit.
    return redirect(static("favicon.svg"), permanent=True)


urlpatterns = [
    path("api/v1/", include("petition_desk.api_urls")),
    path("", include("accounts.urls")),
    path("desk/", include("intake.urls")),
    path("cases/", include("cases.urls")),
    path("documents/", include("documents.urls")),
    path("notifications/", include("notifications.urls")),
    path("track/", include("cases.views.tracking")),
    # Open to everyone: the login and tracking pages offer the language too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
