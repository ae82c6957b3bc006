"""Windows, petitioners and visits. Every write calls an intake service; the services' errors
become 400/403 in petition_desk.api_errors."""

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api import IntakeAccess
from petition_desk.api_errors import error_responses

from ..models import ContactPoint, Petitioner, Visit, Window
from ..selectors import petitioner_search, visits_on
from ..services import DuplicateIdentity, contact_add, petitioner_create, visit_register
from .examples import (
    CONTACT_EXAMPLES,
    PETITIONER_CREATE_EXAMPLES,
    PETITIONER_EXAMPLES,
    VISIT_EXAMPLES,
    VISIT_LIST_EXAMPLES,
    WINDOW_EXAMPLES,
)
from .serializers import (
    ContactInputSerializer,
    ContactSerializer,
    PetitionerInputSerializer,
    PetitionerSearchSerializer,
    PetitionerSerializer,
    VisitDayQuerySerializer,
    VisitInputSerializer,
    VisitListSerializer,
    VisitSerializer,
    WindowSerializer,
    contact_data,
    on_attendee,
    petitioner_data,
    visit_data,
)


@extend_schema(tags=["reference"])
@extend_schema_view(
    list=extend_schema(summary="Open reception windows", examples=WINDOW_EXAMPLES["list"]),
    retrieve=extend_schema(
        summary="A reception window",
        responses={200: WindowSerializer, **error_responses(404)},
        examples=WINDOW_EXAMPLES["retrieve"],
    ),
)
class WindowViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Window.objects.filter(is_active=True)
    serializer_class = WindowSerializer
    pagination_class = None
    filter_backends = []


@extend_schema_view(
    list=extend_schema(
        summary="Find petitioners",
        description=(
            "Exact look-ups only, combined with OR: `q` is a name, or a phone or ID number when it "
            "contains digits; `id_number` and `phone` match however they are typed. Without any of "
            "them the answer is 400: the register is never listed whole."
        ),
        parameters=[PetitionerSearchSerializer],
        responses={200: PetitionerSerializer(many=True), **error_responses(400, 403, 404)},
        examples=PETITIONER_EXAMPLES,
    ),
    retrieve=extend_schema(
        summary="A petitioner with contacts",
        responses={200: PetitionerSerializer, **error_responses(403, 404)},
        examples=PETITIONER_EXAMPLES,
    ),
)
@extend_schema(tags=["petitioners"])
class PetitionerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Petitioner.objects.prefetch_related(
        Prefetch("contacts", queryset=ContactPoint.objects.select_related("created_by"))
    )
    serializer_class = PetitionerSerializer
    permission_classes = [IntakeAccess]
    parser_classes = [JSONParser]
    filter_backends = []

    def list(self, request: Request) -> Response:
        search = PetitionerSearchSerializer(data=request.query_params)
        search.is_valid(raise_exception=True)
        page = self.paginate_queryset(petitioner_search(**search.validated_data))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Register a petitioner",
        request=PetitionerInputSerializer,
        responses={201: PetitionerSerializer, **error_responses(400, 403)},
        examples=PETITIONER_CREATE_EXAMPLES,
    )
    def create(self, request: Request) -> Response:
        serializer = PetitionerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        petitioner = petitioner_create(
            data=petitioner_data(serializer.validated_data), created_by=request.user
        )
        return Response(self.get_serializer(petitioner).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Add a contact to a petitioner",
        request=ContactInputSerializer,
        responses={201: ContactSerializer, **error_responses(400, 403, 404)},
        examples=CONTACT_EXAMPLES,
    )
    @action(detail=True, methods=["post"])
    def contacts(self, request: Request, pk: str) -> Response:
        petitioner = self.get_object()
        serializer = ContactInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contact = contact_add(
            petitioner_id=petitioner.pk, data=contact_data(serializer.validated_data), added_by=request.user
        )
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="The visits of a day",
        description="Visits of one local day (default today), newest first; optionally of one window.",
        parameters=[VisitDayQuerySerializer],
        responses={200: VisitListSerializer(many=True), **error_responses(400, 403, 404)},
        examples=VISIT_LIST_EXAMPLES,
    ),
)
@extend_schema(tags=["visits"])
class VisitViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Visit.objects.all()
    serializer_class = VisitListSerializer
    permission_classes = [IntakeAccess]
    parser_classes = [JSONParser]
    filter_backends = []

    def list(self, request: Request) -> Response:
        query = VisitDayQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        visits = visits_on(
            day=query.validated_data.get("date") or timezone.localdate(),
            window_id=query.validated_data.get("window"),
        )
        page = self.paginate_queryset(visits)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Register a visit",
        description=(
            "One batch at a window: the named persons (known petitioners or new ones), how many "
            "came in all, and either a new case (submitted for sign-off) or `repeat_of` an existing "
            "case. A visit of GROUP_VISIT_THRESHOLD (5) or more persons is a group visit; it names "
            "at most 5 representatives (Art. 20)."
        ),
        request=VisitInputSerializer,
        responses={201: VisitSerializer, **error_responses(400, 403)},
        examples=VISIT_EXAMPLES,
    )
    def create(self, request: Request) -> Response:
        serializer = VisitInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = visit_data(serializer.validated_data)
        try:
            visit = visit_register(data=data, receptionist=request.user)
        except DuplicateIdentity as error:
            raise on_attendee(error) from None
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)
