"""Whether the department a case names gave it back last, kept on the case: the statistics and
the ledger counted a case its department returned, and the bureau then answered, as that
department's, and finding out from the timeline took a subquery per case."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

ROUTING = ("deliver_forwarded", "deliver_assigned", "return")


def from_the_timelines(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    last = CaseEvent.objects.filter(case_id=OuterRef("pk"), action__in=ROUTING).order_by("-pk")
    returned = Case.objects.filter(returns_count__gt=0)
    returned = returned.annotate(last_routing=Subquery(last.values("action")[:1]))
    returned.filter(last_routing="return").update(department_gave_back=True)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_case_search_keys_linear"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="department_gave_back",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(from_the_timelines, migrations.RunPython.noop),
    ]
