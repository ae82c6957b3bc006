"""The holidays loaded from the chinese-calendar package were named in its English ("Spring
Festival"); the bureau's calendar names them in Chinese (春节). Names the administrator wrote are
left as they are."""

from django.db import migrations


def to_chinese(apps, schema_editor):
    from chinese_calendar import Holiday

    SpecialDay = apps.get_model("workdays", "SpecialDay")
    for holiday in Holiday:
        SpecialDay.objects.filter(name=holiday.value).update(name=holiday.chinese)


class Migration(migrations.Migration):
    dependencies = [("workdays", "0002_load_package_years")]

    operations = [migrations.RunPython(to_chinese, migrations.RunPython.noop)]
