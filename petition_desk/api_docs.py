"""The API's documentation page: Redoc, from our own static files."""

from drf_spectacular.views import SpectacularRedocView


class ApiDocsView(SpectacularRedocView):
    template_name = "api/redoc.html"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Redoc's bundle draws its maker's logo from cdn.redoc.ly, with no setting to turn it off
        # (drf-spectacular-sidecar issue 11): on an intranet that is a look-up of an outside
        # host from every reader's browser. The browser is told to load images from here only.
        response["Content-Security-Policy"] = "img-src 'self' data:"
        return response
