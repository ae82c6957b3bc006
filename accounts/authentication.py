"""The API's token authentication: DRF's, with the token's user read in one plain statement.

DRF reads the token and its user through the ORM (`select_related("user").get(key=...)`); on
every API request, building that query cost more than running it, 7 % of a registration
(bench/README.md, session 7). The rules are DRF's: an unknown key or an inactive user is refused
with DRF's messages."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from petition_desk.db import columns_of, one

from .models import User

USER_OF_TOKEN = (
    f"SELECT {columns_of(User, 'person')} FROM {User._meta.db_table} person JOIN {Token._meta.db_table} token"
    f" ON token.{Token._meta.get_field('user').column} = person.{User._meta.pk.column}"
    f" WHERE token.{Token._meta.pk.column} = %s"
)


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        user = one(User, USER_OF_TOKEN, [key])
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        # request.auth: the token, as DRF gives it, without reading its row again.
        return user, Token(key=key, user=user)
