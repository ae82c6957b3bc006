"""A new installation starts with the holidays the chinese-calendar package knows for recent
years; `manage.py load_holidays` loads them again when the package publishes a new year."""

from django.db import migrations

FIRST_YEAR = 2020


def load(apps, schema_editor):
    from chinese_calendar import constants

    CalendarYear = apps.get_model("workdays", "CalendarYear")
    SpecialDay = apps.get_model("workdays", "SpecialDay")
    years = sorted({day.year for day in constants.holidays if day.year >= FIRST_YEAR})
    SpecialDay.objects.bulk_create(
        [
            SpecialDay(date=day, is_working_day=False, name=name)
            for day, name in constants.holidays.items()
            if day.year in years and day.weekday() < 5
        ]
        + [
            SpecialDay(date=day, is_working_day=True, name=name)
            for day, name in constants.workdays.items()
            if day.year in years
        ],
        ignore_conflicts=True,
    )
    CalendarYear.objects.bulk_create([CalendarYear(year=year) for year in years], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
