"""The OpenAPI description's own additions to drf-spectacular's (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"])."""

from drf_spectacular import openapi
from rest_framework import status

from .api_errors import ERROR_MEDIA_TYPE, error_response


class AutoSchema(openapi.AutoSchema):
    """Every operation that needs credentials answers 401 without them: said once here rather than
    on each view, where a new one would forget it. drf-spectacular documents no error answers of
    its own (tfranzel/drf-spectacular#622); `_get_response_bodies` is where it builds the answers
    from `@extend_schema(responses=…)`."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self._needs_credentials():
            unauthorized = error_response(status.HTTP_401_UNAUTHORIZED)
            responses.setdefault(
                "401", self._get_response_for_code(unauthorized, "401", [ERROR_MEDIA_TYPE], direction)
            )
        return responses

    def _needs_credentials(self) -> bool:
        # The operation's security as drf-spectacular states it: `{}` among the requirements is
        # the anonymous alternative (AllowAny), and none at all is `auth=[]` (the token login, the
        # public look-up), which read no credentials and so never answer 401.
        security = self.get_auth()
        return bool(security) and {} not in security
