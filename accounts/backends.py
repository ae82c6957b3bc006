"""The sign-in backend: Django's, with the signed-in user read in one plain statement.

Every page request loads its user from the session's user id. Through the ORM
(`_default_manager.get(pk=...)`) building that query cost more than running it: a quarter of
the window's look-up, which runs on every keystroke (bench/README.md, session 7). The rules are
Django's: a user who no longer exists, or may not sign in (inactive), is signed out."""

from django.contrib.auth import backends

from petition_desk.db import columns_of, one

from .models import User

USER_BY_ID = (
    f"SELECT {columns_of(User, 'person')} FROM {User._meta.db_table} person"
    f" WHERE person.{User._meta.pk.column} = %s"
)


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        user = one(User, USER_BY_ID, [user_id])
        return user if user is not None and self.user_can_authenticate(user) else None
