import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Case, CaseEvent
from intake.models import ContactPoint, Petitioner, Visit
from intake.validators import id_check_char
from tests.factories import DepartmentFactory, UserFactory

# GB 11643: the example from the standard, born 1949-12-31, check character X.
RESIDENT_ID = "11010519491231002X"


def resident_id(n: int) -> str:
    """Another valid resident ID, a different one for each n below 2800."""
    first17 = f"320509198001{1 + n // 100:02d}{n % 100:02d}1"
    return first17 + id_check_char(first17)


def row_counts() -> dict[str, int]:
    """What a refused request must leave as it was."""
    return {
        model.__name__: model.objects.count() for model in (Petitioner, ContactPoint, Visit, Case, CaseEvent)
    }


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def anonymous_api():
    return client_for(None)


@pytest.fixture
def reception_api(receptionist):
    return client_for(receptionist)


@pytest.fixture
def leader_api(leader):
    return client_for(leader)


@pytest.fixture
def department_api(department_user):
    return client_for(department_user)


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin", role="administrator")


@pytest.fixture
def admin_api(administrator):
    return client_for(administrator)


@pytest.fixture
def other_department(db):
    return DepartmentFactory(name="人社局", code="labour")


@pytest.fixture
def case_payload(reference):
    return {
        "facts": "住宅面临拆迁，安置政策只给她和儿子40平方米",
        "request": "希望政府给予帮助",
        "category": reference["category"].pk,
        "subject_area": reference["subject_area"].pk,
        "place": reference["place"].pk,
    }


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
