"""ID numbers at rest: encrypted (Fernet, rotatable keys) and found only through a keyed hash."""

import datetime
import hashlib

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import connection

from intake import crypto
from intake.models import Petitioner
from intake.services import PetitionerData, id_number_hash, petitioner_create

ID_NUMBER = "11010519491231002X"


@pytest.fixture
def fresh_keys(settings):
    """Settings whose keys the test may change; the MultiFernet cache is cleared around it."""
    crypto._fernet.cache_clear()
    yield settings
    crypto._fernet.cache_clear()


def raw_row(petitioner_id: int) -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, id_number_hash, id_number_masked FROM intake_petitioner WHERE id = %s",
            [petitioner_id],
        )
        return cursor.fetchone()


def register(receptionist, number: str = ID_NUMBER, name: str = "王秀英") -> Petitioner:
    return petitioner_create(
        data=PetitionerData(name=name, id_type="resident_id", id_number=number), created_by=receptionist
    )


@pytest.mark.django_db
def test_the_id_number_is_not_stored_in_plaintext(receptionist):
    # when
    petitioner = register(receptionist, number="110105 19491231 002x")

    # then the column holds a Fernet token: neither the number nor its birth-date part is readable
    stored, stored_hash, stored_masked = raw_row(petitioner.pk)
    assert ID_NUMBER not in stored and "19491231" not in stored
    assert ID_NUMBER not in stored_hash
    assert stored_masked == "1101**********002X"
    assert Fernet(settings.FIELD_ENCRYPTION_KEYS[0]).decrypt(stored.encode()).decode() == ID_NUMBER


@pytest.mark.postgres
@pytest.mark.django_db
def test_no_column_holds_what_rebuilds_the_id_number(receptionist):
    """The masked number keeps digits 1–4 and 15–18, the birth date is digits 7–14: stored beside
    the mask in clear, it left only digits 5–6 hidden, which the check character narrows to nine
    candidates and the prefecture's few county codes to one or two. Encrypted, the number must not
    be readable from the row's other columns either."""
    # when
    petitioner = register(receptionist)

    # then no column of the row, whatever its type, holds the birth date
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT row_to_json(row)::text FROM intake_petitioner row WHERE id = %s", [petitioner.pk]
        )
        stored = cursor.fetchone()[0]
    assert "1949-12-31" not in stored and "19491231" not in stored
    # and the petitioner's own page still has it, read from the number
    assert Petitioner.objects.get(pk=petitioner.pk).birth_date == datetime.date(1949, 12, 31)


@pytest.mark.django_db
def test_the_id_number_round_trips_through_the_model(receptionist):
    petitioner = register(receptionist)

    reloaded = Petitioner.objects.get(pk=petitioner.pk)

    assert reloaded.id_number == ID_NUMBER
    assert reloaded.id_number_hash == id_number_hash("resident_id", ID_NUMBER)


@pytest.mark.django_db
def test_the_same_number_is_encrypted_differently_each_time(receptionist):
    """Fernet tokens carry a random IV: equal ciphertexts would reveal equal ID numbers."""
    first = register(receptionist, name="甲")
    Petitioner.objects.filter(pk=first.pk).update(id_number_hash="")
    second = register(receptionist, name="乙")

    assert raw_row(first.pk)[0] != raw_row(second.pk)[0]


@pytest.mark.django_db
def test_an_empty_id_number_stays_empty(receptionist):
    petitioner = petitioner_create(data=PetitionerData(name="匿名"), created_by=receptionist)

    assert raw_row(petitioner.pk) == ("", "", "")
    assert Petitioner.objects.get(pk=petitioner.pk).id_number == ""


@pytest.mark.django_db
def test_a_new_key_put_first_still_decrypts_old_rows(receptionist, fresh_keys):
    # given a row written under the old key
    old_key = fresh_keys.FIELD_ENCRYPTION_KEYS[0]
    old_row = register(receptionist)

    # when a new key is put first (rotation)
    new_key = Fernet.generate_key().decode()
    fresh_keys.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    crypto._fernet.cache_clear()

    # then the old row still reads, and a row written now is encrypted under the new key
    assert Petitioner.objects.get(pk=old_row.pk).id_number == ID_NUMBER
    new_row = register(receptionist, number="440524188001010014", name="李四")
    assert Fernet(new_key).decrypt(raw_row(new_row.pk)[0].encode()).decode() == "440524188001010014"
    with pytest.raises(InvalidToken):
        Fernet(old_key).decrypt(raw_row(new_row.pk)[0].encode())

    # and once the old row is saved again, the old key can be retired
    reloaded = Petitioner.objects.get(pk=old_row.pk)
    reloaded.save(update_fields=["id_number"])
    fresh_keys.FIELD_ENCRYPTION_KEYS = [new_key]
    crypto._fernet.cache_clear()
    assert Petitioner.objects.get(pk=old_row.pk).id_number == ID_NUMBER


@pytest.mark.django_db
def test_a_row_cannot_be_read_without_its_key(receptionist, fresh_keys):
    petitioner = register(receptionist)

    fresh_keys.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    crypto._fernet.cache_clear()

    with pytest.raises(InvalidToken):
        Petitioner.objects.get(pk=petitioner.pk)


def test_the_lookup_hash_depends_on_its_key(settings):
    # given
    settings.ID_NUMBER_HASH_KEY = "key-one"
    under_first_key = crypto.lookup_hash(ID_NUMBER)

    # when
    settings.ID_NUMBER_HASH_KEY = "key-two"
    under_second_key = crypto.lookup_hash(ID_NUMBER)

    # then: without the key, the hash of a guessed ID number cannot be computed
    assert under_first_key != under_second_key
    settings.ID_NUMBER_HASH_KEY = "key-one"
    assert crypto.lookup_hash(ID_NUMBER) == under_first_key
    assert len(under_first_key) == 64 and ID_NUMBER not in under_first_key


def test_the_lookup_hash_is_not_a_plain_hash_of_the_number():
    assert crypto.lookup_hash(ID_NUMBER) not in {
        hashlib.sha256(ID_NUMBER.encode()).hexdigest(),
        hashlib.sha256(f"resident_id:{ID_NUMBER}".encode()).hexdigest(),
    }


def test_the_hash_of_a_resident_id_differs_from_the_same_characters_as_another_document():
    assert id_number_hash("resident_id", ID_NUMBER) != id_number_hash("other", ID_NUMBER)
