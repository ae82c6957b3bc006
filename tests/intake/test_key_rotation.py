"""Retiring a leaked or old key (README: Rotating the keys): `rotate_id_keys` re-encrypts every ID
number under the first Fernet key and re-hashes it under the current hash key, so that the old
keys can be removed, while the desk keeps registering and finding people."""

import io
import threading

import psycopg
import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command
from django.db import connection

from intake.key_rotation import petitioner_id_keys_rotate
from intake.models import Petitioner
from intake.selectors import petitioner_search, repeat_candidates
from intake.services import (
    Attendee,
    DuplicateIdentity,
    PetitionerData,
    VisitData,
    petitioner_create,
    visit_register,
)
from tests.cases.worker_support import database_url_for_workers, wait_until
from tests.factories import resident_id_number
from tests.intake.test_services import case_data

pytestmark = pytest.mark.postgres

OLD_HASH_KEY = "the-hash-key-being-retired-0123"
NEW_HASH_KEY = "the-new-hash-key-0123456789abcd"


@pytest.fixture
def key_a(settings) -> str:
    """The only encryption key when the rows are written."""
    return settings.FIELD_ENCRYPTION_KEYS[0]


@pytest.fixture
def key_b() -> str:
    return Fernet.generate_key().decode()


def register(receptionist, n: int) -> Petitioner:
    return petitioner_create(
        data=PetitionerData(name=f"信访人{n}", id_type="resident_id", id_number=resident_id_number(n)),
        created_by=receptionist,
    )


def stored_token(petitioner_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM intake_petitioner WHERE id = %s", [petitioner_id])
        return cursor.fetchone()[0]


def rotate(*args: str) -> tuple[str, str]:
    """The command's output and errors; CommandError (a non-zero exit) propagates."""
    out, err = io.StringIO(), io.StringIO()
    call_command("rotate_id_keys", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rotate_failing(*args: str) -> tuple[str, str, str]:
    """The output, errors and the CommandError's message of a run that must exit non-zero."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("rotate_id_keys", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), str(refused.value)


@pytest.mark.django_db
def test_after_the_run_the_old_key_can_be_removed(receptionist, settings, key_a, key_b):
    # given three people registered under key A, then key B put first
    people = [register(receptionist, n) for n in range(3)]
    settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]

    # when the administrator runs the command
    out, _err = rotate("--batch-size", "2")

    # then every row is under B, and reads and is found with B alone
    assert "3 ID numbers examined: 3 under an old encryption key" in out
    assert "3 rows re-encrypted or re-hashed" in out
    assert "Up to id" in out  # progress, a line per batch
    settings.FIELD_ENCRYPTION_KEYS = [key_b]
    for n, person in enumerate(people):
        assert Fernet(key_b).decrypt(stored_token(person.pk).encode()).decode() == resident_id_number(n)
        with pytest.raises(InvalidToken):
            Fernet(key_a).decrypt(stored_token(person.pk).encode())
        assert Petitioner.objects.get(pk=person.pk).id_number == resident_id_number(n)
        assert list(petitioner_search(id_number=resident_id_number(n))) == [person]
        assert [found.pk for found in repeat_candidates(id_number=resident_id_number(n))] == [person.pk]


@pytest.mark.django_db
def test_a_second_run_changes_nothing(receptionist, settings, key_a, key_b):
    people = [register(receptionist, n) for n in range(3)]
    settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]
    rotate()
    tokens = [stored_token(person.pk) for person in people]

    # when run again
    second = petitioner_id_keys_rotate()

    # then it finds nothing to do and writes nothing: not even a fresh token
    assert (second.examined, second.pending, second.written) == (3, 0, 0)
    assert [stored_token(person.pk) for person in people] == tokens
    out, _err = rotate()
    assert "0 rows re-encrypted or re-hashed" in out


@pytest.mark.django_db
def test_check_counts_the_rows_still_under_the_old_key_and_changes_nothing(
    receptionist, settings, key_a, key_b
):
    people = [register(receptionist, n) for n in range(3)]
    petitioner_create(data=PetitionerData(name="无证件"), created_by=receptionist)
    settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]
    tokens = [stored_token(person.pk) for person in people]

    # before the run: three rows still need key A, and the check fails
    out, _err, refusal = rotate_failing("--check")
    assert "3 ID numbers examined: 3 under an old encryption key, 0 with a hash under an old hash key" in out
    assert "3 rows still need an old key" in refusal
    assert [stored_token(person.pk) for person in people] == tokens

    # after the run: none does
    rotate()
    out, _err = rotate("--check")
    assert "3 ID numbers examined: 0 under an old encryption key, 0 with a hash under an old hash key" in out
    assert "the old keys can be removed" in out


@pytest.mark.django_db
def test_a_row_no_key_decrypts_is_reported_and_the_others_still_rotate(receptionist, settings, key_a, key_b):
    # given, between two good rows, one whose token is under a key nobody configured
    first, lost, last = (register(receptionist, n) for n in range(3))
    lost_token = Fernet(Fernet.generate_key()).encrypt(resident_id_number(1).encode()).decode()
    Petitioner.objects.filter(pk=lost.pk).update(id_number_hash="")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE intake_petitioner SET id_number = %s WHERE id = %s", [lost_token, lost.pk])
    settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]

    # when
    out, err, refusal = rotate_failing("--batch-size", "1")

    # then the run went to the end, named the row and exits non-zero
    assert f"No configured key decrypts the ID number of petitioners {lost.pk}." in err
    assert "1 ID numbers no configured key decrypts" in refusal
    assert "2 rows re-encrypted or re-hashed" in out
    assert stored_token(lost.pk) == lost_token
    settings.FIELD_ENCRYPTION_KEYS = [key_b]
    assert Petitioner.objects.get(pk=first.pk).id_number == resident_id_number(0)
    assert Petitioner.objects.get(pk=last.pk).id_number == resident_id_number(2)
    # and the check keeps saying so, so that key A is not removed while the row is unexplained
    settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]
    _out, err, refusal = rotate_failing("--check")
    assert str(lost.pk) in err and "1 ID numbers no configured key decrypts" in refusal


@pytest.mark.django_db
def test_a_registration_during_the_run_is_under_the_new_key(receptionist, settings, key_a, key_b):
    register(receptionist, 0)
    register(receptionist, 1)
    settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]
    registered = []

    def registers_meanwhile(batch):
        if not registered:
            registered.append(register(receptionist, 2))

    # when someone is registered after the first batch
    total = petitioner_id_keys_rotate(batch_size=1, on_batch=registers_meanwhile)

    # then the run reaches her too, finds her under key B, and she reads with B alone
    assert (total.examined, total.old_key, total.written) == (3, 2, 2)
    settings.FIELD_ENCRYPTION_KEYS = [key_b]
    assert Petitioner.objects.get(pk=registered[0].pk).id_number == resident_id_number(2)


@pytest.mark.django_db(transaction=True)
def test_a_row_rewritten_at_the_desk_during_its_batch_is_not_overwritten(
    receptionist, settings, key_a, key_b
):
    """The run reads a batch, then writes it: a row the desk wrote in between keeps what the desk
    wrote, which is under the first key already, not the older number the run read."""
    person = register(receptionist, 0)
    settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]
    desk_token = Fernet(key_b).encrypt(resident_id_number(0).encode()).decode()
    totals = []

    def run():
        try:
            totals.append(petitioner_id_keys_rotate())
        finally:
            connection.close()

    with (
        psycopg.connect(database_url_for_workers()) as desk,
        psycopg.connect(database_url_for_workers(), autocommit=True) as observer,
    ):
        # given the desk in the middle of rewriting her row, not yet committed
        desk.execute("UPDATE intake_petitioner SET id_number = %s WHERE id = %s", [desk_token, person.pk])
        rotation = threading.Thread(target=run)
        rotation.start()
        try:
            # when the run, having read her old token, waits to write its own
            wait_until(
                lambda: observer.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query LIKE 'UPDATE intake_petitioner%'"
                ).fetchone(),
                what="the run never waited for the desk's row",
            )
            desk.commit()
        finally:
            desk.rollback()
            rotation.join(timeout=30)

    # then the desk's write stands and the run says it left the row alone
    assert stored_token(person.pk) == desk_token
    assert (totals[0].old_key, totals[0].written, totals[0].changed_meanwhile) == (1, 0, 1)
    settings.FIELD_ENCRYPTION_KEYS = [key_b]
    assert Petitioner.objects.get(pk=person.pk).id_number == resident_id_number(0)


@pytest.mark.django_db
def test_people_are_found_while_the_hash_key_changes(receptionist, reference, settings):
    # given people registered under the old hash key
    settings.ID_NUMBER_HASH_KEY = OLD_HASH_KEY
    people = [register(receptionist, n) for n in range(3)]

    # when the hash key is changed, the old one kept as being retired
    settings.ID_NUMBER_HASH_KEY = NEW_HASH_KEY
    settings.ID_NUMBER_HASH_OLD_KEYS = [OLD_HASH_KEY]

    # then, before the rows are re-hashed, look-ups still find them
    for n, person in enumerate(people):
        assert list(petitioner_search(id_number=resident_id_number(n))) == [person]
        assert [found.pk for found in repeat_candidates(id_number=resident_id_number(n))] == [person.pk]
    # and a second record of the same person is refused, alone or at a visit
    with pytest.raises(DuplicateIdentity, match="信访人0"):
        register(receptionist, 0)
    visit = VisitData(
        window_id=reference["window"].pk,
        persons=2,
        attendees=(
            Attendee(new=PetitionerData(name="李建国")),
            Attendee(
                new=PetitionerData(name="信访人1", id_type="resident_id", id_number=resident_id_number(1))
            ),
        ),
        case=case_data(reference),
    )
    with pytest.raises(DuplicateIdentity) as refused:
        visit_register(data=visit, receptionist=receptionist)
    assert refused.value.attendee == 1
    assert Petitioner.objects.count() == 3

    # when the rows are re-hashed
    _out, _err, refusal = rotate_failing("--check")
    assert "3 rows still need an old key" in refusal
    out, _err = rotate()
    assert "3 with a hash under an old hash key" in out

    # then the old hash key can go, and they are still found
    settings.ID_NUMBER_HASH_OLD_KEYS = []
    out, _err = rotate("--check")
    assert "the old keys can be removed" in out
    for n, person in enumerate(people):
        assert list(petitioner_search(id_number=resident_id_number(n))) == [person]


@pytest.mark.django_db
def test_without_the_old_hash_key_listed_nobody_is_found_until_the_run(receptionist, settings):
    """Why the old hash key is kept during the change: the look-up misses every row not re-hashed."""
    settings.ID_NUMBER_HASH_KEY = OLD_HASH_KEY
    person = register(receptionist, 0)
    settings.ID_NUMBER_HASH_KEY = NEW_HASH_KEY

    assert not petitioner_search(id_number=resident_id_number(0)).exists()
    rotate()
    assert list(petitioner_search(id_number=resident_id_number(0))) == [person]


@pytest.mark.django_db
def test_a_person_registered_twice_is_reported_and_keeps_her_old_hash(receptionist, settings, key_a, key_b):
    """Two records of one ID number (the second registered while the old hash key was not listed):
    re-hashing the first would break the unique constraint, and with it the whole batch."""
    settings.ID_NUMBER_HASH_KEY = OLD_HASH_KEY
    first = register(receptionist, 0)
    settings.ID_NUMBER_HASH_KEY = NEW_HASH_KEY
    second = register(receptionist, 0)
    other = register(receptionist, 1)
    settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]

    _out, err, refusal = rotate_failing()

    assert f"Petitioners {first.pk}: another petitioner has the same ID number" in err
    assert "1 petitioners registered twice" in refusal
    # her token is re-encrypted all the same: the encryption key can be retired
    settings.FIELD_ENCRYPTION_KEYS = [key_b]
    assert [Petitioner.objects.get(pk=pk).id_number for pk in (first.pk, second.pk, other.pk)] == [
        resident_id_number(0),
        resident_id_number(0),
        resident_id_number(1),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("batch_size", [0, -1])
def test_a_batch_of_no_rows_is_refused_rather_than_reporting_nothing_to_do(
    receptionist, settings, key_a, key_b, batch_size
):
    """The command refuses `--batch-size 0`; the service must too: a batch of none reads no row,
    and a check would then say no row needs the old key, which every row still does."""
    register(receptionist, 0)
    settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]

    with pytest.raises(ValueError, match="batch_size"):
        petitioner_id_keys_rotate(check=True, batch_size=batch_size)
    assert petitioner_id_keys_rotate(check=True).pending == 1
