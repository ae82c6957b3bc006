"""Find a landline stored with an extension by its number alone: the look-up key no longer runs
the extension's digits on after the number (intake.validators.landline_lookup_key)."""

from django.db import migrations


def key(number: str) -> str:
    # intake.validators.landline_lookup_key as it is at this migration.
    area, local, *_extension = number.split("-")
    return area + local


def drop_extensions(apps, schema_editor):
    ContactPoint = apps.get_model("intake", "ContactPoint")
    # A normalised landline with an extension is area-number-extension.
    with_extension = ContactPoint.objects.filter(kind="landline", value__regex=r"^[0-9]+-[0-9]+-[0-9]+$")
    for contact in with_extension.only("value"):
        ContactPoint.objects.filter(pk=contact.pk).update(lookup_key=key(contact.value))


def run_extensions_on(apps, schema_editor):
    ContactPoint = apps.get_model("intake", "ContactPoint")
    with_extension = ContactPoint.objects.filter(kind="landline", value__regex=r"^[0-9]+-[0-9]+-[0-9]+$")
    for contact in with_extension.only("value"):
        ContactPoint.objects.filter(pk=contact.pk).update(lookup_key=contact.value.replace("-", ""))


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0004_drop_pattern_and_covered_indexes"),
    ]

    operations = [migrations.RunPython(drop_extensions, run_extensions_on)]
