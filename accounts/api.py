"""Who may use which part of the API, by role (DESIGN.md §3). Which cases a user may see at all is
a query, not a permission: see cases.selectors.cases_visible_to."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from petition_desk.api_errors import error_responses


def reads_intake(user) -> bool:
    """The window's records are read by the window itself, leaders and administrators."""
    return user.is_receptionist or user.is_leader or user.is_administrator


class IntakeAccess(BasePermission):
    """Petitioners, visits and the daily tally: the window registers, leaders and administrators
    read; department staff see none of it (they reach petitioners only through their cases)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            self.message = _("Your role may not see the window's records.")
            return reads_intake(user)
        self.message = _("Only the reception window registers petitioners and visits.")
        return user.is_receptionist


class LockedOut(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"
    # The login page's words (registration/locked_out.html): django-axes' own are English only.
    default_detail = _(
        "Too many failed logins: this account is locked for 10 minutes. "
        "Try again later or ask the administrator."
    )


class TokenRequestSerializer(AuthTokenSerializer):
    # A username is at most 150 characters (the login form's limit); django-axes would record a
    # longer one's failed login in a column of 255, whose overflow was a server error.
    username = serializers.CharField(label=_("Username"), max_length=150, write_only=True)


class ObtainTokenView(ObtainAuthToken):
    """POST username and password → {"token": …}. ObtainAuthToken passes the request to
    authenticate(), so django-axes counts failures here as on the login page; a locked-out
    account is told so instead of being told its password is wrong."""

    serializer_class = TokenRequestSerializer
    # The credentials are in the body. A stale token sent along, as clients send theirs with every
    # request, was a 401 that kept the client from the new one; a browser's session made it a 403
    # for want of a CSRF token.
    authentication_classes = []

    @extend_schema(
        tags=["auth"],
        summary="Obtain an API token",
        description=(
            "The user's token, the same until the password changes. Failed logins count towards "
            "the account's lockout, as on the login page: a locked-out account gets 429."
        ),
        auth=[],
        request=TokenRequestSerializer,
        responses={200: AuthTokenSerializer, **error_responses(400, 429)},
        examples=[
            OpenApiExample(
                "The demo receptionist",
                summary="A user of `make run`'s demo data",
                value={"username": "reception", "password": "demo12345!"},
                request_only=True,
            ),
            OpenApiExample(
                "A token",
                summary="Send it as `Authorization: Token …`",
                value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"},
                response_only=True,
            ),
        ],
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            # Set by axes' backend on the request it was given: DRF's, not the HttpRequest the
            # axes middleware looks at, so the middleware's lockout page never comes.
            if getattr(request, "axes_locked_out", False):
                raise LockedOut from None
            raise
