"""petition_desk.db.insert: the registration's rows written as the ORM writes them."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Case, CaseEvent, Status
from cases.workflow import Action
from intake.models import Gender, Petitioner
from petition_desk.db import insert
from tests.factories import PetitionerFactory
from tests.sqlite_process import run_on_sqlite

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def a_case(reference, receptionist, **fields) -> Case:
    return Case(
        number=fields.pop("number", "2026-000001"),
        tracking_code=fields.pop("tracking_code", "ABCDEFGH"),
        facts="住宅面临拆迁",
        request="希望政府给予帮助",
        category=reference["category"],
        subject_area=reference["subject_area"],
        place=reference["place"],
        registered_by=receptionist,
        registered_at=timezone.now(),
        **fields,
    )


def test_a_new_row_takes_its_defaults_and_its_time_of_creation(receptionist):
    [woman] = insert([Petitioner(name="王秀英", created_by=receptionist)])

    stored = Petitioner.objects.get(pk=woman.pk)
    assert stored.name == "王秀英"
    assert stored.gender == Gender.UNKNOWN
    assert stored.created_at == woman.created_at
    assert timezone.now() - stored.created_at < datetime.timedelta(minutes=1)


def test_rows_of_one_statement_get_their_own_ids_in_order(reference, receptionist):
    [case] = insert([a_case(reference, receptionist)])

    steps = [(Action.REGISTER, Status.REGISTERED), (Action.SUBMIT, Status.AWAITING_SIGN_OFF)]

    events = insert(
        [
            CaseEvent(case=case, actor=receptionist, action=action, to_status=to, created_at=timezone.now())
            for action, to in steps
        ]
    )

    assert [CaseEvent.objects.get(pk=event.pk).action for event in events] == [Action.REGISTER, Action.SUBMIT]


@pytest.mark.parametrize(("status", "is_open"), [(Status.AWAITING_SIGN_OFF, True), (Status.CLOSED, False)])
def test_a_generated_column_is_read_back(reference, receptionist, status, is_open, django_assert_num_queries):
    [case] = insert([a_case(reference, receptionist, status=status)])

    # Not fetched afterwards, as a deferred field would be.
    with django_assert_num_queries(0):
        assert case.is_open is is_open


def test_a_row_with_its_id_given_keeps_it(reference, receptionist):
    [case] = insert([a_case(reference, receptionist, pk=4242)])

    assert case.pk == 4242
    assert Case.objects.get(number="2026-000001").pk == 4242


def test_an_inserted_row_is_saved_as_any_other(receptionist):
    [woman] = insert([Petitioner(name="王秀英", created_by=receptionist)])

    woman.address = "黎里镇"
    woman.save()

    assert Petitioner.objects.get().address == "黎里镇"


def test_a_refused_row_leaves_nothing_of_its_statement(receptionist):
    taken = PetitionerFactory(id_number_hash="a" * 64)

    with pytest.raises(IntegrityError), transaction.atomic():
        insert(
            [
                Petitioner(name="李四", created_by=receptionist, id_number_hash="b" * 64),
                Petitioner(name="张三", created_by=receptionist, id_number_hash=taken.id_number_hash),
            ]
        )

    assert list(Petitioner.objects.values_list("pk", flat=True)) == [taken.pk]


def test_nothing_to_insert_writes_nothing():
    assert insert([]) == []


def test_sqlite_reads_back_the_ids_and_the_generated_column(tmp_path):
    printed = run_on_sqlite(
        """
import json
from django.utils import timezone
from accounts.models import User
from cases.models import Case, Category, Place, Status, SubjectArea
from intake.models import Petitioner
from petition_desk.db import insert

user = User.objects.create(username="reception", role="receptionist")
people = insert([Petitioner(name="王秀英", created_by=user), Petitioner(name="李四", created_by=user)])
common = dict(
    facts="住宅面临拆迁", request="希望政府给予帮助", registered_by=user, registered_at=timezone.now(),
    category=Category.objects.create(name="申诉求决", code="appeal"),
    subject_area=SubjectArea.objects.create(name="城乡建设", code="housing"),
    place=Place.objects.create(name="黎里镇"),
)
cases = insert([
    Case(number="2026-000001", tracking_code="ABCDEFGH", status=Status.AWAITING_SIGN_OFF, **common),
    Case(number="2026-000002", tracking_code="BCDEFGHJ", status=Status.CLOSED, **common),
])
print(json.dumps({
    "people": [[p.pk, Petitioner.objects.get(pk=p.pk).name] for p in people],
    "open": [case.is_open for case in cases],
}))
""",
        tmp_path,
    )

    [first, second] = printed["people"]
    assert [first[1], second[1]] == ["王秀英", "李四"]
    assert second[0] == first[0] + 1
    assert printed["open"] == [True, False]
