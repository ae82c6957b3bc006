"""How the services' exceptions reach API clients (DESIGN.md §6, errors).

Services raise Django's ValidationError (a dict of field → messages), PermissionDenied and
cases.services.TransitionNotAllowed; views let them through, and this handler gives them the same
shapes DRF uses for its own errors: 400 {field: [messages]}, 403 {"detail"}, 409 {"detail"}.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from cases.services import TransitionNotAllowed


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This action is not possible in the case's current state.")
    default_code = "transition_not_allowed"


def validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    detail = as_serializer_error(exc)
    if NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return exceptions.ValidationError(detail)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = validation_error(exc)
    elif isinstance(exc, TransitionNotAllowed):
        exc = Conflict(str(exc))
    elif isinstance(exc, Http404):
        # get_object_or_404's "No Case matches the given query." is English only, and names a model.
        exc = exceptions.NotFound()
    elif isinstance(exc, exceptions.ParseError):
        # DRF's "JSON parse error - …" is English only; the parser's own words stay, for the developer.
        exc = exceptions.ParseError(
            _("The request body could not be read: %(error)s") % {"error": exc.detail}
        )
    # DRF itself turns Django's PermissionDenied into 403, keeping the message.
    return drf_exception_handler(exc, context)


class DetailSerializer(serializers.Serializer):
    """An error told in one message."""

    detail = serializers.CharField()


_ERROR_DESCRIPTIONS = {
    400: "Invalid input: messages by field, nested where the payload is nested.",
    401: (
        "No valid credentials: no token or session was sent, or the token is not valid. "
        "The answer carries `WWW-Authenticate: Token`."
    ),
    403: "The user's role may not do this.",
    404: "No such object, or not one the user may see; for a list, a page past its last.",
    409: "Not possible in the case's current state.",
    429: "The account is locked after too many failed logins.",
}


# Errors are JSON whatever the operation's success is (a ledger, a PDF): see the views' negotiation.
ERROR_MEDIA_TYPE = "application/json"


def error_response(code: int) -> OpenApiResponse:
    """One error answer, for an operation's OpenAPI description. Each but 400 is `{"detail": …}`
    (DRF's shape, which the handler above keeps); a 400's fields depend on the operation's input."""
    body = None if code == status.HTTP_400_BAD_REQUEST else DetailSerializer
    return OpenApiResponse(body, description=_ERROR_DESCRIPTIONS[code])


def error_responses(*codes: int) -> dict[tuple[int, str], OpenApiResponse]:
    """The error answers an operation can give, for its OpenAPI description."""
    return {(code, ERROR_MEDIA_TYPE): error_response(code) for code in codes}
