"""petition_desk.db: ids reserved before their rows are written, rows written without reading
anything back, and held back to be sent together, as a registration writes its rows."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from psycopg import ClientCursor

from intake.models import ContactKind, ContactPoint, Petitioner, Visit
from petition_desk import db
from petition_desk.db import batched, insert, insert_without_ids, planned_afresh, reserve_ids
from tests.factories import PetitionerFactory
from tests.sqlite_process import run_on_sqlite

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def a_contact(petitioner_id: int, receptionist, value: str = "13912345678") -> ContactPoint:
    return ContactPoint(
        petitioner_id=petitioner_id,
        kind=ContactKind.MOBILE,
        value=value,
        lookup_key=value,
        created_by=receptionist,
        created_at=timezone.now(),
    )


def test_reserved_ids_are_distinct_and_never_given_again(receptionist):
    with transaction.atomic():
        ids = reserve_ids({Petitioner: 3, Visit: 1})
    later = Petitioner.objects.create(name="李四", created_by=receptionist)

    assert len(set(ids[Petitioner])) == 3
    assert len(ids[Visit]) == 1
    assert later.pk not in ids[Petitioner]
    assert later.pk > max(ids[Petitioner])


def contacts_in_the_database() -> int:
    """Asked past Django's cursor, which would first send what a `batched` block holds back."""
    with ClientCursor(connection.connection) as cursor:
        return cursor.execute("SELECT count(*) FROM intake_contactpoint").fetchone()[0]


def test_rows_under_reserved_ids_referring_to_each_other_are_written_together(receptionist):
    with transaction.atomic(), batched():
        [woman_id, son_id] = reserve_ids({Petitioner: 2})[Petitioner]
        insert(
            [
                Petitioner(pk=woman_id, name="王秀英", created_by=receptionist),
                Petitioner(pk=son_id, name="王强", created_by=receptionist),
            ]
        )
        insert_without_ids([a_contact(woman_id, receptionist)])

    assert Petitioner.objects.get(pk=woman_id).name == "王秀英"
    assert Petitioner.objects.get(pk=son_id).name == "王强"
    assert ContactPoint.objects.get().petitioner_id == woman_id


def test_a_held_back_row_refused_undoes_the_transaction_and_the_connection_goes_on(receptionist):
    taken = PetitionerFactory(id_number_hash="a" * 64)

    with pytest.raises(IntegrityError), transaction.atomic(), batched():
        [pk] = reserve_ids({Petitioner: 1})[Petitioner]
        insert([Petitioner(pk=pk, name="李四", created_by=receptionist)])
        # Held back, and refused when the block ends and sends it.
        insert_without_ids(
            [Petitioner(name="张三", created_by=receptionist, id_number_hash=taken.id_number_hash)]
        )

    assert list(Petitioner.objects.values_list("pk", flat=True)) == [taken.pk]


def test_held_back_rows_are_sent_before_the_next_statement_runs(receptionist):
    woman = PetitionerFactory()

    with transaction.atomic(), batched():
        insert_without_ids([a_contact(woman.pk, receptionist)])
        insert_without_ids([a_contact(woman.pk, receptionist, value="13812345678")])
        held = contacts_in_the_database()
        seen = ContactPoint.objects.filter(petitioner=woman).count()

    assert held == 0
    assert seen == 2


def test_a_held_back_row_refused_is_reported_by_the_next_statement(receptionist):
    taken = PetitionerFactory(id_number_hash="a" * 64)

    with pytest.raises(IntegrityError), transaction.atomic(), batched():
        insert_without_ids(
            [Petitioner(name="张三", created_by=receptionist, id_number_hash=taken.id_number_hash)]
        )
        Petitioner.objects.count()
        pytest.fail("the refusal was not reported")

    assert list(Petitioner.objects.values_list("pk", flat=True)) == [taken.pk]


def test_a_block_outside_a_transaction_is_refused(receptionist):
    woman = PetitionerFactory()

    # Django commits without a statement that would send the held rows.
    with pytest.raises(RuntimeError), batched():
        insert_without_ids([a_contact(woman.pk, receptionist)])

    assert not ContactPoint.objects.exists()


def test_rows_held_inside_a_savepoint_rolled_back_are_dropped_with_it(receptionist):
    woman = PetitionerFactory(id_number_hash="a" * 64)

    with transaction.atomic(), batched():
        insert_without_ids([a_contact(woman.pk, receptionist)])
        with pytest.raises(LookupError), transaction.atomic():
            # Never sent: had it been, its refusal would have undone the whole transaction.
            insert_without_ids(
                [Petitioner(name="张三", created_by=receptionist, id_number_hash=woman.id_number_hash)]
            )
            raise LookupError("the receptionist changed her mind")
        insert_without_ids([a_contact(woman.pk, receptionist, value="13712345678")])

    assert sorted(ContactPoint.objects.values_list("value", flat=True)) == ["13712345678", "13912345678"]


def test_held_back_rows_are_shown_with_the_statements_django_sends(receptionist):
    woman = PetitionerFactory()

    with CaptureQueriesContext(connection) as sent, transaction.atomic(), batched():
        insert_without_ids([a_contact(woman.pk, receptionist)])

    [message] = [query["sql"] for query in sent.captured_queries if "intake_contactpoint" in query["sql"]]
    assert "'13912345678'" in message


def prepared_held_statements(values: int) -> int:
    """How many statements of held contacts with `values` values this session has prepared."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements"
            " WHERE statement LIKE 'WITH held_0 AS (INSERT INTO \"intake_contactpoint\"%%'"
        )
        return sum(statement.count("$") == values for (statement,) in cursor.fetchall())


def hold_contacts(petitioner_id: int, receptionist, round_: int, rows: int) -> None:
    """A contact, then `rows` more in a second INSERT: a shape no other test sends."""
    with transaction.atomic(), batched():
        insert_without_ids([a_contact(petitioner_id, receptionist, value=f"139{round_:08d}")])
        insert_without_ids(
            [a_contact(petitioner_id, receptionist, value=f"13{row}{round_:08d}") for row in range(rows)]
        )


def test_held_back_rows_go_as_one_statement_prepared_as_the_others_are(receptionist):
    woman = PetitionerFactory()

    with CaptureQueriesContext(connection) as sent:
        for round_ in range(6):
            hold_contacts(woman.pk, receptionist, round_, rows=1)

    held = [query["sql"] for query in sent.captured_queries if "intake_contactpoint" in query["sql"]]
    assert len(held) == 6
    assert held[0].startswith('WITH held_0 AS (INSERT INTO "intake_contactpoint"')
    assert ContactPoint.objects.filter(petitioner=woman).count() == 12
    # psycopg prepares a statement on its sixth run (prepare_threshold=5); nine values a row.
    assert prepared_held_statements(values=18) == 1


def test_held_back_rows_are_not_prepared_where_prepared_statements_are_off(receptionist):
    woman = PetitionerFactory()

    # As under DB_PREPARED_STATEMENTS=false, behind a pooler that keeps no prepared statements.
    with planned_afresh():
        for round_ in range(6):
            hold_contacts(woman.pk, receptionist, round_, rows=2)

    assert ContactPoint.objects.filter(petitioner=woman).count() == 18
    assert prepared_held_statements(values=27) == 0


def test_held_back_rows_over_what_one_statement_takes_go_in_several(receptionist, monkeypatch):
    woman = PetitionerFactory()
    # A contact row has nine values: two rows fit in a statement of 20, three do not.
    monkeypatch.setattr(db, "MAX_VALUES", 20)

    with CaptureQueriesContext(connection) as sent, transaction.atomic(), batched():
        for value in ("13912345678", "13812345678", "13712345678"):
            insert_without_ids([a_contact(woman.pk, receptionist, value=value)])

    held = [query["sql"] for query in sent.captured_queries if "intake_contactpoint" in query["sql"]]
    assert [statement.count("INSERT INTO") for statement in held] == [2, 1]
    assert ContactPoint.objects.filter(petitioner=woman).count() == 3


def test_a_row_written_without_ids_stays_an_unsaved_object(receptionist):
    woman = PetitionerFactory()
    contact = a_contact(woman.pk, receptionist)

    insert_without_ids([contact])

    assert contact.pk is None
    assert ContactPoint.objects.get().value == "13912345678"


def test_nothing_reserved_or_written_when_nothing_is_asked():
    assert reserve_ids({Petitioner: 0}) == {Petitioner: []}
    assert insert_without_ids([]) is None
    assert not Petitioner.objects.exists()


def test_sqlite_reserves_ids_as_postgresql_does(tmp_path):
    printed = run_on_sqlite(
        """
import json
from django.db import transaction
from accounts.models import User
from intake.models import Petitioner, Visit
from petition_desk.db import batched, insert, reserve_ids

user = User.objects.create(username="reception", role="receptionist")
with transaction.atomic(), batched():
    # Visit: a table not written yet, which SQLite has no record of.
    first = reserve_ids({Petitioner: 2, Visit: 1})
    second = reserve_ids({Petitioner: 1})
    insert([Petitioner(pk=pk, name=f"第{pk}人", created_by=user) for pk in first[Petitioner]])
later = Petitioner.objects.create(name="李四", created_by=user)
print(json.dumps({
    "first": first[Petitioner], "visit": first[Visit], "second": second[Petitioner], "later": later.pk,
    "stored": sorted(Petitioner.objects.values_list("pk", flat=True)),
}))
""",
        tmp_path,
    )

    assert printed["first"] == [1, 2]
    assert printed["visit"] == [1]
    assert printed["second"] == [3]
    assert printed["later"] == 4
    assert printed["stored"] == [1, 2, 4]
