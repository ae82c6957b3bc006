"""A URLconf for tests/test_links.py: the site's routes, and one that writes its id padded."""

from django.urls import include, path, register_converter


class PaddedId:
    regex = "[0-9]{8,}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):08d}"


register_converter(PaddedId, "padded")

urlpatterns = [
    path("padded/<padded:pk>/", lambda request, pk: None, name="padded"),
    path("", include("petition_desk.urls")),
]
