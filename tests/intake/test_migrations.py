"""Data migrations of intake, run forward over rows as the code before them wrote them."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = [pytest.mark.django_db(transaction=True)]

NOW = timezone.now()


@pytest.fixture(autouse=True)
def latest_schema_afterwards():
    """The tests after these run on the whole schema again, columns added since included."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


BEFORE = [("intake", "0002_tallysnapshot")]
AFTER = [("intake", "0003_mask_short_documents")]


def test_the_stored_mask_of_a_passport_hides_all_but_a_third_of_it():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    user = apps.get_model("accounts", "User").objects.create(username="window1")
    Petitioner = apps.get_model("intake", "Petitioner")
    # as the old mask stored them: four and four characters, whatever the length
    passport = Petitioner.objects.create(
        name="李四", id_type="other", id_number="E12345678", id_number_masked="E123*5678", created_by=user
    )
    resident = Petitioner.objects.create(
        name="沈桂英",
        id_type="resident_id",
        id_number="32050219450101123X",
        id_number_masked="3205**********123X",
        created_by=user,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    masked = dict(Petitioner.objects.values_list("pk", "id_number_masked"))
    assert masked == {passport.pk: "E******78", resident.pk: "3205**********123X"}


def test_a_landline_stored_with_an_extension_is_found_by_its_number_afterwards():
    before, after = (
        [("intake", "0004_drop_pattern_and_covered_indexes")],
        [("intake", "0005_landline_key_without_extension")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    user = apps.get_model("accounts", "User").objects.create(username="window1")
    woman = apps.get_model("intake", "Petitioner").objects.create(name="王秀英", created_by=user)
    ContactPoint = apps.get_model("intake", "ContactPoint")
    # as the old key stored them: the extension's digits run on after the number
    work = ContactPoint.objects.create(
        petitioner=woman,
        kind="landline",
        value="0512-63001234-8001",
        lookup_key="0512630012348001",
        created_by=user,
        created_at=NOW,
    )
    home = ContactPoint.objects.create(
        petitioner=woman,
        kind="landline",
        value="0512-63005678",
        lookup_key="051263005678",
        created_by=user,
        created_at=NOW,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    keys = dict(ContactPoint.objects.values_list("pk", "lookup_key"))
    assert keys == {work.pk: "051263001234", home.pk: "051263005678"}


def test_the_birth_date_column_undone_is_filled_from_the_numbers_again():
    without, with_column = (
        [("intake", "0009_petitioner_birth_date_from_the_id_number")],
        [("intake", "0008_verbose_names")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(without)
    apps = executor.loader.project_state(without).apps
    user = apps.get_model("accounts", "User").objects.create(username="window1")
    Petitioner = apps.get_model("intake", "Petitioner")
    woman = Petitioner.objects.create(
        name="王秀英", id_type="resident_id", id_number="11010519491231002X", created_by=user
    )
    passport = Petitioner.objects.create(name="李四", id_type="other", id_number="E12345678", created_by=user)

    executor = MigrationExecutor(connection)
    executor.migrate(with_column)

    Petitioner = executor.loader.project_state(with_column).apps.get_model("intake", "Petitioner")
    born = dict(Petitioner.objects.values_list("pk", "birth_date"))
    assert born == {woman.pk: datetime.date(1949, 12, 31), passport.pk: None}
