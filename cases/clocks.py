"""The legal time limits (DESIGN §4) as clocks on a case, and the sweep that chases them.

Clocks run inside the caller's transaction: the action that starts or stops one is the action
that the limit is about, so the two can never disagree."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from petition_desk.db import insert_without_ids
from workdays.selectors import DueDate, add_days, add_working_days

from .models import Case, CaseEvent, Clock, ClockKind, Reminder
from .workflow import Action

# The day count of each clock and whether it counts working days. REPORT has no length: the
# leader sets its due date when assigning.
LIMITS: dict[str, tuple[int, bool]] = {
    ClockKind.FORWARD: (15, False),  # Art. 22
    ClockKind.NOTIFY_RECEIPT: (15, False),  # Art. 23
    ClockKind.RETURN: (5, True),  # Art. 23
    ClockKind.HANDLING: (60, False),  # Art. 34
    ClockKind.REVIEW: (30, False),  # Art. 35
}
# Clocks somebody is chased about; RETURN and REVIEW are windows that simply close.
REMINDED = (ClockKind.FORWARD, ClockKind.NOTIFY_RECEIPT, ClockKind.HANDLING, ClockKind.REPORT)
DUE_SOON_DAYS = 3


def due_date(kind: str, start: datetime.date) -> DueDate:
    days, working = LIMITS[kind]
    return add_working_days(start, days) if working else add_days(start, days)


def clock_start(
    *,
    case: Case,
    kind: str,
    start: datetime.date,
    due: DueDate | None = None,
    department_id: int | None = None,
) -> None:
    clocks_start(case=case, kinds={kind: due}, start=start, department_id=department_id)


def clocks_start(
    *, case: Case, kinds: dict[str, DueDate | None], start: datetime.date, department_id: int | None = None
) -> None:
    """Start the clocks of `kinds` (kind → due date, None for the kind's legal limit) on the same
    day, in one insert: a forwarding starts two or three. Nobody needs their ids at once: in a
    registration they are written with its other rows (petition_desk.db.batched)."""
    clocks = []
    for kind, due in kinds.items():
        due = due or due_date(kind, start)
        clocks.append(
            Clock(
                case=case,
                kind=kind,
                department_id=department_id,
                started_on=start,
                due_on=due.date,
                provisional=due.provisional,
            )
        )
    insert_without_ids(clocks)


def clocks_stop(*, case: Case, kinds) -> int:
    return Clock.objects.filter(case=case, kind__in=kinds, stopped_at__isnull=True).update(
        stopped_at=timezone.now()
    )


def clock_extend(*, case: Case, kind: str, days: int) -> None:
    clock = Clock.objects.select_for_update().get(case=case, kind=kind, stopped_at__isnull=True)
    clock.due_on += datetime.timedelta(days=days)
    # A new due date deserves its own reminders.
    clock.alert_level = 0
    clock.save(update_fields=["due_on", "alert_level"])
    clock.reminders.all().delete()


def running_clock(case: Case, kind: str) -> Clock | None:
    return Clock.objects.filter(case=case, kind=kind, stopped_at__isnull=True).first()


# A correction of the holiday table reopens no window that closed longer ago than this.
RECOUNT_CLOSED_WITHIN = datetime.timedelta(days=7)


def working_day_clocks_recount(*, today: datetime.date | None = None) -> int:
    """Count the due dates of the running working-day clocks (the five days to return a case)
    again against the holiday table as it is now. The State Council publishes a year's holidays
    late in the year before, the administrator may enter a year by hand before its days, and
    corrects single days afterwards: a window counted before would keep its old date, and a
    department returning on its real fifth day would be refused. Returns how many due dates
    changed; a rerun finds nothing to do."""
    today = today or timezone.localdate()
    working_day_kinds = [kind for kind, (_days, working) in LIMITS.items() if working]
    changed = 0
    with transaction.atomic():
        running = Clock.objects.filter(stopped_at__isnull=True, kind__in=working_day_kinds).filter(
            # Still provisional, however long ago: its year's days have come only now.
            Q(due_on__gte=today - RECOUNT_CLOSED_WITHIN) | Q(provisional=True)
        )
        for clock in running.select_for_update(skip_locked=True):
            due = due_date(clock.kind, clock.started_on)
            if (clock.due_on, clock.provisional) == (due.date, due.provisional):
                continue
            clock.due_on, clock.provisional = due.date, due.provisional
            clock.save(update_fields=["due_on", "provisional"])
            changed += 1
    return changed


def deadline_sweep(*, today: datetime.date | None = None, batch_size: int = 2000) -> int:
    """Send each reminder that is due and not sent yet: one when a clock is due within three
    days, one when it is overdue; returns how many went out.

    Set-based, a batch per transaction, so that a first sweep over a bureau's thousands of
    overdue clocks takes seconds. Each batch locks its clocks (skipping those an action holds:
    the next sweep takes them), so the alert level read is the truth, and raising it in the same
    transaction is what makes a rerun send nothing new; the unique (clock, level) reminder row
    guards the rest. The working-day due dates are counted again first, against the holiday
    table as it is now."""
    today = today or timezone.localdate()
    working_day_clocks_recount(today=today)
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    due = (
        Clock.objects.filter(stopped_at__isnull=True, kind__in=REMINDED, due_on__lte=soon)
        .filter(Q(alert_level__lt=1) | Q(due_on__lt=today, alert_level__lt=2))
        .select_related("case")
        # The reminder needs the case's number and status only, not its text.
        .only("kind", "department_id", "due_on", "case__number", "case__status")
        .order_by("due_on", "id")
    )
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(due.select_for_update(of=("self",), skip_locked=True)[:batch_size])
            if not batch:
                return sent
            sent += _remind(batch, today)


def _remind(clocks: list[Clock], today: datetime.date) -> int:
    from notifications.models import Kind
    from notifications.services import department_staff_ids, leader_ids, notify_many

    levels = {
        clock.pk: Reminder.Level.OVERDUE if clock.due_on < today else Reminder.Level.DUE_SOON
        for clock in clocks
    }
    Reminder.objects.bulk_create(
        [Reminder(clock=clock, level=levels[clock.pk]) for clock in clocks], ignore_conflicts=True
    )
    for level in Reminder.Level:
        Clock.objects.filter(pk__in=[pk for pk, value in levels.items() if value == level]).update(
            alert_level=level
        )
    staff = department_staff_ids({clock.department_id for clock in clocks if clock.department_id})
    bureau = leader_ids()
    now = timezone.now()
    messages = {clock.pk: reminder_message(clock, levels[clock.pk]) for clock in clocks}
    notify_many(
        [
            (
                # A department with nobody active to read it: its reminder goes to the leaders,
                # who can chase the department some other way, rather than to no one.
                (staff.get(clock.department_id) or bureau) if clock.department_id else bureau,
                clock.case,
                messages[clock.pk],
            )
            for clock in clocks
        ],
        kind=Kind.REMINDER,
        email=True,
    )
    # Not a change of state: the timeline shows the reminder went out, the status stays.
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=clock.case,
            action=Action.REMIND,
            from_status=clock.case.status,
            to_status=clock.case.status,
            note=messages[clock.pk],
            created_at=now,
        )
        for clock in clocks
    )
    return len(clocks)


def reminder_message(clock: Clock, level: int) -> str:
    values = {"number": clock.case.number, "clock": clock.get_kind_display(), "due": clock.due_on.isoformat()}
    if level == Reminder.Level.OVERDUE:
        return _("Case %(number)s is overdue: %(clock)s was due on %(due)s.") % values
    return _("Case %(number)s: %(clock)s is due on %(due)s.") % values
