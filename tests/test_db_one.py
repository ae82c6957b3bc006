"""petition_desk.db.one: a model instance read in one plain statement, as the ORM would build it."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Role, User
from petition_desk.db import columns_of, one
from tests.sqlite_process import run_on_sqlite

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

BY_NAME = f"SELECT {columns_of(User, 'person')} FROM accounts_user person WHERE person.username = %s"


def test_the_instance_is_the_one_the_orm_builds(department):
    signed_in = timezone.now() - datetime.timedelta(hours=2)
    User.objects.create(
        username="zhuzijian",
        role=Role.DEPARTMENT,
        department=department,
        last_login=signed_in,
        is_active=False,
    )

    read = one(User, BY_NAME, ["zhuzijian"])

    expected = User.objects.get(username="zhuzijian")
    assert [getattr(read, f.attname) for f in User._meta.concrete_fields] == [
        getattr(expected, f.attname) for f in User._meta.concrete_fields
    ]
    assert read.last_login == signed_in
    assert read.is_active is False
    assert read.department == department


def test_a_read_instance_is_saved_as_any_other(receptionist):
    read = one(User, BY_NAME, [receptionist.username])

    read.first_name = "秀英"
    read.save()

    assert User.objects.get(pk=receptionist.pk).first_name == "秀英"
    assert read._state.db == connection.alias


def test_no_row_is_none():
    assert one(User, BY_NAME, ["nobody"]) is None


def test_sqlite_converts_its_columns_as_the_orm_does(tmp_path):
    printed = run_on_sqlite(
        """
import datetime, json
from django.utils import timezone
from accounts.models import User
from petition_desk.db import columns_of, one

moment = timezone.now().replace(microsecond=0) - datetime.timedelta(days=1)
User.objects.create(username="reception", role="receptionist", last_login=moment, is_active=False)
read = one(User, f"SELECT {columns_of(User, 'u')} FROM accounts_user u WHERE u.username = %s", ["reception"])
print(json.dumps({
    "last_login": read.last_login.isoformat(), "aware": timezone.is_aware(read.last_login),
    "same": read.last_login == moment, "is_active": read.is_active,
}))
""",
        tmp_path,
    )

    assert printed["aware"] is True
    assert printed["same"] is True
    assert printed["is_active"] is False
