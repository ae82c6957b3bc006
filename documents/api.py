"""The documents in the API: listed on the case detail, each PDF at `documents/{id}/`."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.views import APIView

from petition_desk.api_errors import error_responses
from petition_desk.api_serializers import FieldsBuiltOnce

from .models import Document, DocumentState
from .selectors import documents_visible_to
from .views import pdf_response


class DocumentSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("The PDF; empty while it is being prepared."))

    class Meta:
        model = Document
        fields = ["id", "kind", "number", "state", "created_at", "url"]
        read_only_fields = fields

    def get_url(self, document: Document) -> str:
        if document.state != DocumentState.READY:
            return ""
        return self.context["request"].build_absolute_uri(reverse("api:document-pdf", args=[document.pk]))


class FirstRendererNegotiation(BaseContentNegotiation):
    """The PDF is sent whatever the client accepts (a client asking for application/pdf must not
    get a 406); errors still come as JSON. The pattern of DRF's content-negotiation guide."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class DocumentPdfView(APIView):
    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(
        operation_id="documents_pdf",
        summary="A document's PDF",
        description=(
            "The forwarding or assignment letter, the notice of receipt, the reply letter or the "
            "extension notice, as A4 PDF. Listed with their `url` in the case detail's `documents`; "
            "404 while the document is being prepared, and for a document the user may not see."
        ),
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **error_responses(404)},
        tags=["cases"],
    )
    def get(self, request, pk: int):
        document = get_object_or_404(documents_visible_to(request.user), pk=pk, state=DocumentState.READY)
        return pdf_response(document, download=True)
