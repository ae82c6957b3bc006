"""The birth date is no longer a column: it is digits 7–14 of the resident ID, and stored in clear
beside the masked number (digits 1–4 and 15–18) it left two digits hidden, which the check
character narrows to nine candidates. Petitioner.birth_date reads it from the decrypted number.

Undone, the column comes back filled from the numbers again."""

import datetime

from django.db import migrations


def refill(apps, schema_editor):
    Petitioner = apps.get_model("intake", "Petitioner")
    # The historical model's id_number is intake.fields.EncryptedTextField: it reads decrypted.
    for petitioner in (
        Petitioner.objects.filter(id_type="resident_id").exclude(id_number="").only("id_number")
    ):
        number = petitioner.id_number
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        Petitioner.objects.filter(pk=petitioner.pk).update(birth_date=born)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0008_verbose_names"),
    ]

    operations = [
        # Backwards, the column is added again first, then filled.
        migrations.RunPython(migrations.RunPython.noop, refill),
        migrations.RemoveField(model_name="petitioner", name="birth_date"),
    ]
