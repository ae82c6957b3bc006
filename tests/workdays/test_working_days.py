"""Working days across the 2026 National Day holiday (TOOLCHAIN.md: holidays 10-01..10-07,
make-up working days Sunday 09-20 and Saturday 10-10) and into 2027, which has no data yet."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from workdays.models import CalendarYear, SpecialDay
from workdays.selectors import DueDate, add_days, add_working_days, is_working_day
from workdays.services import calendar_year_load

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def calendar_2026():
    """The package's 2026 calendar, as the migration loads it: a transactional test elsewhere in
    the suite flushes the tables, migration data included."""
    calendar_year_load(year=2026)


def test_five_working_days_skip_national_day_and_count_the_saturday_make_up_day():
    # 10-08 Thu, 10-09 Fri, 10-10 Sat (make-up), 10-12 Mon, 10-13 Tue
    assert add_working_days(datetime.date(2026, 9, 30), 5) == DueDate(datetime.date(2026, 10, 13), False)


def test_the_sunday_make_up_day_before_national_day_counts():
    # 09-20 Sun (make-up), 09-21 Mon .. 09-24 Thu; without it the Mid-autumn Friday pushes to 09-28
    assert add_working_days(datetime.date(2026, 9, 18), 5) == DueDate(datetime.date(2026, 9, 24), False)


def test_holidays_and_make_up_days_are_what_the_calendar_says():
    assert not is_working_day(datetime.date(2026, 10, 1))  # Thursday, National Day
    assert is_working_day(datetime.date(2026, 10, 10))  # Saturday, make-up day
    assert not is_working_day(datetime.date(2026, 10, 11))  # a plain Sunday
    assert is_working_day(datetime.date(2026, 10, 8))  # a plain Thursday


def test_a_range_into_a_year_without_data_counts_weekends_only_and_is_provisional():
    # 12-30 Wed, 12-31 Thu, 2027-01-01 Fri (New Year unknown yet: counted), 01-04 Mon, 01-05 Tue
    assert add_working_days(datetime.date(2026, 12, 29), 5) == DueDate(datetime.date(2027, 1, 5), True)


def test_a_range_inside_known_years_is_not_provisional():
    assert not add_working_days(datetime.date(2026, 12, 1), 5).provisional


def test_calendar_days_are_never_provisional():
    assert add_days(datetime.date(2026, 12, 20), 60) == DueDate(datetime.date(2027, 2, 18), False)


def test_an_administrator_adding_a_holiday_moves_the_deadline():
    # given a typhoon day declared on Monday 10-12
    SpecialDay.objects.create(date=datetime.date(2026, 10, 12), is_working_day=False, name="台风停工")

    # then the five working days from 09-30 end a day later
    assert add_working_days(datetime.date(2026, 9, 30), 5).date == datetime.date(2026, 10, 14)


def test_an_administrator_removing_a_make_up_day_moves_the_deadline():
    SpecialDay.objects.filter(date=datetime.date(2026, 10, 10)).delete()

    assert add_working_days(datetime.date(2026, 9, 30), 5).date == datetime.date(2026, 10, 14)


def test_loading_a_year_the_package_does_not_know_fails_clearly_and_changes_nothing():
    with pytest.raises(CommandError, match="2027: the chinese-calendar package has no data for this year"):
        call_command("load_holidays", "2027")

    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not SpecialDay.objects.filter(date__year=2027).exists()


def test_loading_new_years_keeps_the_administrators_corrections():
    """Run when the package publishes a new year: the years already in the table, corrected by
    the administrator, stay as they are."""
    # given a correction to 2026
    SpecialDay.objects.create(date=datetime.date(2026, 10, 12), is_working_day=False, name="台风停工")

    # when the command runs without naming a year
    call_command("load_holidays")

    # then the correction stands
    assert not is_working_day(datetime.date(2026, 10, 12))


def test_loading_a_named_year_replaces_it_with_the_packages_calendar():
    # given a correction and a removed make-up day
    SpecialDay.objects.create(date=datetime.date(2026, 10, 12), is_working_day=False, name="台风停工")
    SpecialDay.objects.filter(date=datetime.date(2026, 10, 10)).delete()

    # when the administrator reloads 2026 on purpose
    call_command("load_holidays", "2026")

    # then the package's calendar is back
    assert is_working_day(datetime.date(2026, 10, 12))
    assert is_working_day(datetime.date(2026, 10, 10))
    assert add_working_days(datetime.date(2026, 9, 30), 5).date == datetime.date(2026, 10, 13)


def test_the_package_s_holidays_are_named_in_chinese():
    call_command("load_holidays", "2026")

    assert SpecialDay.objects.get(date=datetime.date(2026, 2, 17)).name == "春节"
    # a make-up working day carries the name of the holiday it makes up for
    assert SpecialDay.objects.get(date=datetime.date(2026, 10, 10)).name == "国庆节"
