"""Data migrations of intake, run forward over rows as the code before them wrote them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.django_db(transaction=True)]

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
