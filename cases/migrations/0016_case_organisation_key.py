"""Each case's organisation key (cases.matching.organisation_key), by which the window finds the
open cases about an organisation when other people come about it. Filled here for the cases
already registered, in batches: only those naming an organisation are read."""

from collections import defaultdict

from django.db import migrations, models

from cases.matching import organisation_key

BATCH = 5000


def fill_keys(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    named = Case.objects.exclude(organisation="").order_by("pk").values_list("pk", "organisation")
    batch = []
    for row in named.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            _write_keys(Case, batch)
            batch = []
    _write_keys(Case, batch)


def _write_keys(Case, rows):
    # One UPDATE per key: a bureau's organisations come back again and again, so a batch holds a
    # few of them (bulk_update's CASE over every row took a minute for 220,000 cases).
    ids_by_key = defaultdict(list)
    for pk, organisation in rows:
        ids_by_key[organisation_key(organisation)].append(pk)
    for key, ids in ids_by_key.items():
        if key:
            Case.objects.filter(pk__in=ids).update(organisation_key=key)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0015_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="organisation_key",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=200, verbose_name="organisation key"
            ),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("is_open", True)), fields=["organisation_key", "registered_at"], name="case_open_organisation"
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["organisation_key"], name="case_organisation"),
        ),
    ]
