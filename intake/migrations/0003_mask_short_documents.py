"""Mask again the stored numbers of documents shorter than a resident ID: the old mask showed
four characters at each end whatever the length, which left one of a passport's nine hidden."""

from django.db import migrations


def mask(number: str) -> str:
    # intake.validators.mask_id_number as it is at this migration.
    shown = 8 if len(number) >= 18 else len(number) // 3 if len(number) > 8 else 0
    head, tail = shown // 2, shown - shown // 2
    return number[:head] + "*" * (len(number) - shown) + (number[-tail:] if tail else "")


def mask_again(apps, schema_editor):
    Petitioner = apps.get_model("intake", "Petitioner")
    for petitioner in Petitioner.objects.filter(id_type="other").exclude(id_number="").only("id_number"):
        Petitioner.objects.filter(pk=petitioner.pk).update(id_number_masked=mask(petitioner.id_number))


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0002_tallysnapshot"),
    ]

    operations = [migrations.RunPython(mask_again, migrations.RunPython.noop)]
