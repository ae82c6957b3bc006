"""`track/{tracking_code}/`: the petitioner's public look-up (DESIGN §6; issue 4 §5), no login,
rate-limited per IP address together with the look-up page."""

from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from petition_desk.api_errors import DetailSerializer

from ..models import ReplyOutcome
from ..tracking import RATE_LIMIT, RATE_LIMIT_GROUP, Stage, case_for_tracking


class PublicCaseSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    # Plain strings rather than choice fields: their value sets would collide in the schema's enum
    # components with the case's own `status` and the reply's `outcome`.
    status = serializers.CharField(source="stage", help_text=f"One of: {', '.join(Stage.values)}.")
    status_display = serializers.CharField(source="stage_label")
    department = serializers.CharField(allow_null=True, help_text="Shown once the case is with a department.")
    registered_on = serializers.DateField()
    forwarded_on = serializers.DateField(allow_null=True)
    received_on = serializers.DateField(allow_null=True)
    accepted_on = serializers.DateField(allow_null=True)
    replied_on = serializers.DateField(allow_null=True)
    concluded_on = serializers.DateField(allow_null=True)
    reply_outcome = serializers.CharField(
        allow_null=True, help_text=f"Once replied, one of: {', '.join(ReplyOutcome.values)}."
    )
    reply_outcome_display = serializers.CharField(source="reply_outcome_label")


class TrackingView(APIView):
    # No session or token is read: a look-up never depends on who asks, and a stale token must
    # not turn it into a 401.
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="track_retrieve",
        summary="Look up a petition by its tracking code",
        description=(
            "Public, no login. The stage of the case in plain words (in the language of "
            "Accept-Language), the receiving department once the case is with one, the dates and the "
            "reply's outcome; nothing personal. The code is read case-insensitively, full-width "
            "characters and spaces allowed. At most 20 look-ups a minute per IP address, shared "
            "with the /track/ page."
        ),
        responses={
            200: PublicCaseSerializer,
            404: OpenApiResponse(DetailSerializer, description="No case has this tracking code."),
            429: OpenApiResponse(DetailSerializer, description="Too many look-ups from this IP address."),
        },
        tags=["track"],
        auth=[],
        examples=[
            OpenApiExample(
                "A case the department has replied to",
                value={
                    "tracking_code": "K7RM2Q9X",
                    "status": "replied",
                    "status_display": "The department has replied",
                    "department": "住建局",
                    "registered_on": "2026-03-02",
                    "forwarded_on": "2026-03-04",
                    "received_on": "2026-03-05",
                    "accepted_on": "2026-03-06",
                    "replied_on": "2026-04-20",
                    "concluded_on": None,
                    "reply_outcome": "explained",
                    "reply_outcome_display": "Explained",
                },
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "No case has the code",
                value={"detail": "No petition has this tracking code."},
                response_only=True,
                status_codes=["404"],
            ),
            OpenApiExample(
                "The 21st look-up in a minute",
                value={
                    "detail": "Too many look-ups from your connection. Please wait a minute and try again."
                },
                response_only=True,
                status_codes=["429"],
            ),
        ],
    )
    @method_decorator(ratelimit(group=RATE_LIMIT_GROUP, key="ip", rate=RATE_LIMIT, block=False))
    def get(self, request: Request, tracking_code: str) -> Response:
        if request.limited:
            return Response(
                {"detail": _("Too many look-ups from your connection. Please wait a minute and try again.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        public_case = case_for_tracking(tracking_code)
        if public_case is None:
            return Response(
                {"detail": _("No petition has this tracking code.")}, status=status.HTTP_404_NOT_FOUND
            )
        return Response(PublicCaseSerializer(public_case).data)
