import pytest
from django.db import transaction

from cases.models import Case
from cases.services import CaseData, case_create
from tests.factories import DepartmentFactory, PetitionerFactory, UserFactory


@pytest.fixture
def labour():
    return DepartmentFactory(name="人社局", code="labour")


@pytest.fixture
def labour_user(labour):
    return UserFactory(username="labour", role="department", department=labour)


@pytest.fixture
def make_case(receptionist, reference):
    """A case as the window registers it: submitted for sign-off at once."""

    def make(**overrides) -> Case:
        woman = PetitionerFactory(name="王秀英", created_by=receptionist)
        is_group = overrides.pop("is_group", False)
        data = {
            "facts": "住宅面临拆迁，安置政策只给40平方米",
            "request": "希望政府给予帮助",
            "category_id": reference["category"].pk,
            "subject_area_id": reference["subject_area"].pk,
            "place_id": reference["place"].pk,
            **overrides,
        }
        with transaction.atomic():
            return case_create(
                data=CaseData(**data),
                registered_by=receptionist,
                petitioner_ids=[woman.pk],
                is_group=is_group,
                submit=True,
            )

    return make
