"""Cases and the reference lists. Which cases a user sees comes from cases.selectors: for
department staff another department's case is simply not in the queryset, hence 404."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from documents.api import FirstRendererNegotiation
from petition_desk.api_errors import error_responses

from ..ledger import FORMATS, XLSX_CONTENT_TYPE, ledger_response
from ..matching import organisation_key
from ..models import (
    Case,
    Category,
    Department,
    Place,
    Status,
    SubjectArea,
)
from ..search import case_search
from ..selectors import case_detail_for, case_list_for, cases_visible_to, named_department
from ..views.case import attachment_response
from .actions import CaseActionsMixin
from .examples import (
    CASE_DETAIL_EXAMPLES,
    CASE_LIST_EXAMPLES,
    CATEGORY_EXAMPLES,
    DEPARTMENT_EXAMPLES,
    PLACE_EXAMPLES,
    SUBJECT_AREA_EXAMPLES,
)
from .ledger import LEDGER_RENDERERS, LedgerRenderer
from .serializers import (
    CaseDetailSerializer,
    CaseListSerializer,
    CategorySerializer,
    DepartmentSerializer,
    PlaceSerializer,
    SubjectAreaSerializer,
)


@extend_schema(tags=["reference"])
class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    """A short list every role reads whole, to fill a form."""

    pagination_class = None
    filter_backends = []


def reference_schema(examples: dict):
    """A reference list's examples, by action (see .examples.reference_examples), and the 404 of
    an id it does not hold."""

    def decorate(viewset):
        return extend_schema_view(
            list=extend_schema(examples=examples["list"]),
            retrieve=extend_schema(
                examples=examples["retrieve"],
                responses={200: viewset.serializer_class, **error_responses(404)},
            ),
        )(viewset)

    return decorate


@reference_schema(DEPARTMENT_EXAMPLES)
class DepartmentViewSet(ReferenceViewSet):
    queryset = Department.objects.filter(is_active=True)
    serializer_class = DepartmentSerializer


@reference_schema(CATEGORY_EXAMPLES)
class CategoryViewSet(ReferenceViewSet):
    queryset = Category.objects.all()
    serializer_class = CategorySerializer


@reference_schema(SUBJECT_AREA_EXAMPLES)
class SubjectAreaViewSet(ReferenceViewSet):
    queryset = SubjectArea.objects.all()
    serializer_class = SubjectAreaSerializer


@reference_schema(PLACE_EXAMPLES)
class PlaceViewSet(ReferenceViewSet):
    queryset = Place.objects.all()
    serializer_class = PlaceSerializer


OPEN_FILTER_LABEL = _("Still open (true): not declined, concluded or closed; or finished (false)")


class StrictBooleanFilter(django_filters.TypedChoiceFilter):
    """`true` or `false`, and 400 for any other word: django-filter's BooleanFilter reads one as
    no filter at all, so `open=yes` would list every case. The schema calls it a boolean
    (CaseViewSet's parameters)."""

    def __init__(self, **kwargs):
        choices = [("true", "true"), ("false", "false")]
        super().__init__(choices=choices, coerce=lambda value: value == "true", **kwargs)


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices)
    # The department each row names (Case.named_department), not the one a return left behind.
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), method="filter_department"
    )
    q = django_filters.CharFilter(
        method="filter_search",
        label=_(
            "Search as the search box does: case number, tracking code, ID number, phone or name "
            "(exact), or words of the facts and request"
        ),
    )

    open = StrictBooleanFilter(field_name="is_open", label=OPEN_FILTER_LABEL)
    organisation = django_filters.CharFilter(
        method="filter_organisation",
        label=_(
            "Organisation complained about, as the window's look-up matches it: spaces, punctuation "
            "and full-width letters aside"
        ),
    )

    class Meta:
        model = Case
        fields = ["status", "department"]

    def filter_organisation(self, queryset, name, value):
        key = organisation_key(value)
        return queryset.filter(organisation_key=key) if key else queryset.none()

    def filter_department(self, queryset, name, value):
        return queryset.filter(named_department(value.pk))

    def filter_search(self, queryset, name, value):
        # The search's own conditions joined to the other filters' in one WHERE clause.
        return queryset & case_search(self.request.user, value)


@extend_schema_view(
    list=extend_schema(
        summary="Cases",
        description=(
            "Department staff see their department's cases only. With `format=csv` or `format=xlsx` "
            "the list, with its filters and unpaginated, downloads as the ledger (台账): ID numbers "
            "masked, and for department staff no petitioners of anonymous or accusation cases."
        ),
        parameters=[
            OpenApiParameter("open", OpenApiTypes.BOOL, description=OPEN_FILTER_LABEL),
            OpenApiParameter(
                "format",
                str,
                enum=["json", *FORMATS],
                description="`csv` or `xlsx` for the ledger; the JSON list otherwise.",
            ),
        ],
        responses={
            (200, "application/json"): CaseListSerializer(many=True),
            (200, "text/csv"): OpenApiTypes.STR,
            (200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
            **error_responses(400, 404),
        },
        examples=CASE_LIST_EXAMPLES,
    ),
    retrieve=extend_schema(
        summary="A case with its people, clocks, decisions and timeline",
        responses={200: CaseDetailSerializer, **error_responses(404)},
        examples=CASE_DETAIL_EXAMPLES,
    ),
)
@extend_schema(tags=["cases"])
class CaseViewSet(CaseActionsMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = CaseFilter
    parser_classes = [JSONParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular generating the schema
            return Case.objects.none()
        if self.action == "retrieve":
            return self.detail_queryset()
        if self.action == "list":
            return case_list_for(self.request.user)
        # An action only needs to find the case among those the user may see.
        return cases_visible_to(self.request.user)

    def detail_queryset(self) -> QuerySet[Case]:
        return case_detail_for(self.request.user)

    def get_serializer_class(self):
        return CaseDetailSerializer if self.action == "retrieve" else CaseListSerializer

    def get_renderers(self):
        renderers = super().get_renderers()
        if self.action == "list":
            renderers += [renderer() for renderer in LEDGER_RENDERERS]
        return renderers

    def list(self, request, *args, **kwargs):
        file_format = request.accepted_renderer.format
        if file_format in FORMATS:
            queryset = self.filter_queryset(self.get_queryset())
            return ledger_response(queryset, user=request.user, file_format=file_format)
        return super().list(request, *args, **kwargs)

    def handle_exception(self, exc):
        # A refused ledger request is answered as every API error is, in JSON.
        if isinstance(getattr(self.request, "accepted_renderer", None), LedgerRenderer):
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


class CaseAttachmentView(APIView):
    """An attachment as uploaded, to a token as to a signed-in browser."""

    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(
        operation_id="cases_attachment",
        summary="A case's attachment",
        description=(
            "The scanned letter or photo as uploaded, listed with its `url` in the case detail's "
            "`attachments`; 404 for a case the user may not see."
        ),
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **error_responses(404)},
        tags=["cases"],
    )
    def get(self, request, case_pk: int, pk: int):
        return attachment_response(request.user, case_pk, pk, download=True)
