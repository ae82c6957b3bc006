"""The case actions, `POST cases/{id}/<action>/` (DESIGN §6): each checks who is asking and the
shape of the request, calls the one service for it, and answers with the case as it now is.

A case the user may not see is a 404 before anything else, so another department's case does
not exist for department staff whatever they post; then a role the workflow never lets take the
action is a 403; then the request's shape (400). The service decides the rest: 409 in the wrong
state, 400 for what its own checks refuse (petition_desk.api_errors)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from petition_desk.api_errors import error_responses

from ..follow_up import case_close, case_follow_up, case_request_review
from ..handling import (
    case_accept,
    case_add_note,
    case_conclude,
    case_decline,
    case_receive,
    case_reply,
    case_report,
    case_request_extension,
    case_return,
    supervision_answer,
)
from ..models import Case
from ..services import TransitionNotAllowed
from ..sign_off import case_sign_off, case_supervise, extension_decide
from .action_serializers import (
    DeclineInputSerializer,
    ExtendInputSerializer,
    ExtensionDecisionInputSerializer,
    FeedbackInputSerializer,
    OptionalNoteInputSerializer,
    ReplyInputSerializer,
    ReturnInputSerializer,
    SignOffInputSerializer,
    TextInputSerializer,
    sign_off_data,
)
from .endpoints import action_asked, endpoints_allowed, roles_for
from .examples import ACTION_EXAMPLES
from .serializers import CaseDetailSerializer

ACTION_RESPONSES = {200: CaseDetailSerializer, **error_responses(400, 403, 404, 409)}


def case_action(url_path: str, *, summary: str, request=None, description: str = ""):
    """Route a method as `POST cases/{id}/<url_path>/` and describe it in the schema."""

    def decorate(method):
        routed = action(detail=True, methods=["post"], url_path=url_path)(method)
        return extend_schema(
            summary=summary,
            description=description,
            request=request,
            responses=ACTION_RESPONSES,
            examples=ACTION_EXAMPLES[url_path],
        )(routed)

    return decorate


class CaseActionsMixin:
    """For CaseViewSet: its queryset decides which cases the user may see."""

    def acting_on(self, request: Request, input_serializer=None) -> tuple[Case, dict]:
        """The case and the validated input, once the user may see the case and take the action."""
        case = self.get_object()
        endpoint = getattr(type(self), self.action).url_path
        if request.user.role not in roles_for(endpoint):
            raise PermissionDenied(_("Your role may not do this."))
        # Before the body's checks: asking for a department or a reason for a step the case cannot
        # take would send the client to fill in a form that can only be refused (409) after.
        if endpoint not in endpoints_allowed(case.status, request.user.role):
            raise TransitionNotAllowed(case, action_asked(endpoint, request.data))
        if input_serializer is None:
            return case, {}
        serializer = input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return case, serializer.validated_data

    def case_response(self, case: Case) -> Response:
        case = self.detail_queryset().get(pk=case.pk)
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data)

    # --- the leader ---------------------------------------------------------------------------

    @case_action(
        "sign-off",
        summary="Sign off a case (签阅)",
        description=(
            "Forward or assign it to a department (which receives it shortly after, by the "
            "forwarding task), answer it at the window, or send it back to the window."
        ),
        request=SignOffInputSerializer,
    )
    def sign_off(self, request: Request, pk: str) -> Response:
        case, data = self.acting_on(request, SignOffInputSerializer)
        case_sign_off(case_id=case.pk, leader=request.user, data=sign_off_data(data))
        return self.case_response(case)

    @case_action(
        "extension-decision",
        summary="Approve or refuse the extension waiting on a case",
        request=ExtensionDecisionInputSerializer,
    )
    def extension_decision(self, request: Request, pk: str) -> Response:
        case, data = self.acting_on(request, ExtensionDecisionInputSerializer)
        extension_decide(case_id=case.pk, leader=request.user, **data)
        return self.case_response(case)

    @case_action(
        "supervise",
        summary="Send a supervision notice (督办)",
        description="The department is told and must answer.",
        request=TextInputSerializer,
    )
    def supervise(self, request: Request, pk: str) -> Response:
        case, data = self.acting_on(request, TextInputSerializer)
        case_supervise(case_id=case.pk, leader=request.user, **data)
        return self.case_response(case)

    # --- the receiving department -------------------------------------------------------------

    @case_action("receive", summary="Receive a case (签收)")
    def receive(self, request: Request, pk: str) -> Response:
        case, _data = self.acting_on(request)
        case_receive(case_id=case.pk, actor=request.user)
        return self.case_response(case)

    @case_action(
        "accept",
        summary="Accept a case (受理)",
        description="Starts the 60 days to handle it (Art. 34).",
        request=OptionalNoteInputSerializer,
    )
    def accept(self, request: Request, pk: str) -> Response:
        case, data = self.acting_on(request, OptionalNoteInputSerializer)
        case_accept(case_id=case.pk, actor=request.user, **data)
        return self.case_response(case)

    @case_action(
        "decline",
        summary="Decline a case (不予受理)",
        description="Names the proper channel; for a case in litigation, the court (Art. 28, 31).",
        request=DeclineInputSerializer,
    )
    def decline(self, request: Request, pk: str) -> Response:
        case, data = self.acting_on(request, DeclineInputSerializer)
        case_decline(case_id=case.pk, actor=request.user, **data)
        return self.case_response(case)

    @case_action(
        "return",
        summary="Return a case to the leaders (退回)",
        description="Not this department's case; within 5 working days of receipt (Art. 23).",
        request=ReturnInputSerializer,
    )
    def return_case(self, request: Request, pk: str) -> Response:
        case, data = self.acting_on(request, ReturnInputSerializer)
        case_return(case_id=case.pk, actor=request.user, **data)
        return self.case_response(case)

    @case_action(
        "extend",
        summary="Ask for more time to handle a case",
        description="At most 30 days in all, approved by a leader (Art. 34).",
        request=ExtendInputSerializer,
    )
    def extend(self, request: Request, pk: str) -> Response:
        case, data = self.acting_on(request, ExtendInputSerializer)
        case_request_extension(case_id=case.pk, actor=request.user, **data)
        return self.case_response(case)

    @case_action("note", summary="Add a handling note", request=TextInputSerializer)
    def note(self, request: Request, pk: str) -> Response:
        case, data = self.acting_on(request, TextInputSerializer)
        case_add_note(case_id=case.pk, actor=request.user, **data)
        return self.case_response(case)

    @case_action("reply", summary="Reply to the petitioner (答复)", request=ReplyInputSerializer)
    def reply(self, request: Request, pk: str) -> Response:
        case, data = self.acting_on(request, ReplyInputSerializer)
        case_reply(case_id=case.pk, actor=request.user, **data)
        return self.case_response(case)

    @case_action("conclude", summary="Conclude a case (办结)", request=OptionalNoteInputSerializer)
    def conclude(self, request: Request, pk: str) -> Response:
        case, data = self.acting_on(request, OptionalNoteInputSerializer)
        case_conclude(case_id=case.pk, actor=request.user, **data)
        return self.case_response(case)

    @case_action(
        "report",
        summary="Send the completion report of an assigned case",
        request=TextInputSerializer,
    )
    def report(self, request: Request, pk: str) -> Response:
        case, data = self.acting_on(request, TextInputSerializer)
        case_report(case_id=case.pk, actor=request.user, **data)
        return self.case_response(case)

    @case_action(
        "supervision-answer", summary="Answer the open supervision notice", request=TextInputSerializer
    )
    def answer_supervision(self, request: Request, pk: str) -> Response:
        case, data = self.acting_on(request, TextInputSerializer)
        supervision_answer(case_id=case.pk, actor=request.user, **data)
        return self.case_response(case)

    # --- the window, after the department -----------------------------------------------------

    @case_action(
        "feedback",
        summary="Record the follow-up call (回访)",
        description="A dissatisfied petitioner puts the case on the leaders' supervision list.",
        request=FeedbackInputSerializer,
    )
    def feedback(self, request: Request, pk: str) -> Response:
        case, data = self.acting_on(request, FeedbackInputSerializer)
        case_follow_up(
            case_id=case.pk,
            actor=request.user,
            satisfaction_department=data["satisfaction"],
            satisfaction_bureau=data["satisfaction_bureau"],
            note=data["note"],
        )
        return self.case_response(case)

    @case_action(
        "review",
        summary="Record a request for review (复查)",
        description="Within 30 days of the reply (Art. 35).",
        request=OptionalNoteInputSerializer,
    )
    def review(self, request: Request, pk: str) -> Response:
        case, data = self.acting_on(request, OptionalNoteInputSerializer)
        case_request_review(case_id=case.pk, actor=request.user, **data)
        return self.case_response(case)

    @case_action("close", summary="Close a concluded case", request=OptionalNoteInputSerializer)
    def close(self, request: Request, pk: str) -> Response:
        case, data = self.acting_on(request, OptionalNoteInputSerializer)
        case_close(case_id=case.pk, actor=request.user, **data)
        return self.case_response(case)
