"""The nightly snapshot of the daily tally (issue 3 §3): kept as it stood that night."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from cases.services import CaseData
from intake.models import TallySnapshot
from intake.services import Attendee, PetitionerData, VisitData, tally_snapshot_take, visit_register

pytestmark = [pytest.mark.django_db]

DAY = datetime.date(2026, 3, 10)


def visit(receptionist, reference, *names: str, hour: int, persons: int | None = None, day=DAY):
    return visit_register(
        data=VisitData(
            window_id=reference["window"].pk,
            persons=persons or len(names),
            attendees=tuple(Attendee(new=PetitionerData(name=name)) for name in names),
            case=CaseData(
                facts="事实",
                request="诉求",
                category_id=reference["category"].pk,
                subject_area_id=reference["subject_area"].pk,
                place_id=reference["place"].pk,
            ),
            visited_at=datetime.datetime.combine(day, datetime.time(hour), tzinfo=ZoneInfo("Asia/Shanghai")),
        ),
        receptionist=receptionist,
    )


def test_the_snapshot_stores_the_days_figures(receptionist, reference):
    # given two ordinary visits and one group visit that day, and one the day after
    visit(receptionist, reference, "甲", hour=9)
    visit(receptionist, reference, "乙1", "乙2", hour=10)
    visit(receptionist, reference, *[f"工人{n}" for n in range(5)], persons=30, hour=11)
    visit(receptionist, reference, "丙", hour=9, day=DAY + datetime.timedelta(days=1))

    # when
    snapshot = tally_snapshot_take(day=DAY)

    # then
    stored = TallySnapshot.objects.get(date=DAY)
    assert stored == snapshot
    assert stored.figures["date"] == "2026-03-10"
    total = stored.figures["total"]
    assert (total["ordinary_batches"], total["ordinary_persons"]) == (2, 3)
    assert (total["group_batches"], total["group_persons"]) == (1, 30)
    assert [row["label"] for row in stored.figures["by_window"]] == ["1号窗口"]


def test_taking_the_snapshot_again_keeps_the_figures_reported_that_night(receptionist, reference):
    # given a snapshot taken, then a visit of that day registered late
    visit(receptionist, reference, "甲", hour=9)
    first = tally_snapshot_take(day=DAY)
    visit(receptionist, reference, "乙", hour=16)

    # when the snapshot is taken again (the nightly task retried)
    again = tally_snapshot_take(day=DAY)

    # then the day keeps the one snapshot, with the figures as first taken
    assert TallySnapshot.objects.filter(date=DAY).count() == 1
    assert again.taken_at == first.taken_at
    assert TallySnapshot.objects.get(date=DAY).figures["total"]["ordinary_batches"] == 1


def test_the_beat_takes_a_days_snapshot_just_after_its_midnight(settings):
    # The task snapshots yesterday: run late in the evening, it would freeze the day before
    # with a whole day of late entries in it.
    schedule = settings.CELERY_BEAT_SCHEDULE["snapshot-daily-tally"]["schedule"]
    bureau = ZoneInfo(settings.CELERY_TIMEZONE)
    day_ends = datetime.datetime.combine(DAY + datetime.timedelta(days=1), datetime.time(), tzinfo=bureau)
    last_run = day_ends - datetime.timedelta(minutes=55)  # the last hourly run of the day

    start, forward, _now = schedule.remaining_delta(last_run, tz=bureau)
    next_run = start + forward

    assert day_ends < next_run < day_ends + datetime.timedelta(hours=1)


def test_a_lost_midnight_run_is_made_up_within_the_hour(settings):
    # Beat does not retry a run it could not send (Redis away at that moment); the snapshot is
    # asked for again every hour and taken only if missing.
    schedule = settings.CELERY_BEAT_SCHEDULE["snapshot-daily-tally"]["schedule"]
    bureau = ZoneInfo(settings.CELERY_TIMEZONE)
    lost = datetime.datetime.combine(DAY, datetime.time(0, 5), tzinfo=bureau)

    start, forward, _now = schedule.remaining_delta(lost, tz=bureau)

    assert start + forward <= lost + datetime.timedelta(hours=1)


def test_the_hourly_run_does_not_count_the_day_again(receptionist, reference, django_assert_num_queries):
    visit(receptionist, reference, "甲", hour=9)
    tally_snapshot_take(day=DAY)

    with django_assert_num_queries(1):
        tally_snapshot_take(day=DAY)
