"""Carrying a signed-off case to its department, exactly once (DESIGN §5; issue 3 §3).

The sign-off writes an outbox row in its own transaction. `case_forward` (run by a Celery task)
creates the Forwarding, which is unique per sign-off, and marks the row done in one
transaction; a rerun finds the Forwarding and only marks the row. The relay re-sends rows
still pending, so a lost message, a dead worker or a broker outage delays a case, never loses
it or sends it twice."""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Kind
from notifications.services import department_staff, notify

from .clocks import clock_start, clocks_stop
from .models import ClockKind, Decision, Forwarding, OutboxMessage, OutboxState, SignOff, Status
from .services import apply_action
from .workflow import Action

RELAY_AFTER = datetime.timedelta(minutes=1)
# A case signed off this long ago and still not in its department's inbox is stuck.
STUCK_AFTER = datetime.timedelta(minutes=10)


def case_forward(*, sign_off_id: int) -> Forwarding | None:
    """Place the case in the department's inbox, tell the department and start its clocks.
    Idempotent: returns None when there was nothing (more) to do."""
    from .sign_off import FORWARD_TOPIC

    with transaction.atomic(durable=True):
        message = (
            OutboxMessage.objects.select_for_update()
            .filter(topic=FORWARD_TOPIC, object_id=sign_off_id, state=OutboxState.PENDING)
            .first()
        )
        if message is None:
            return None
        sign_off = SignOff.objects.select_related("case").get(pk=sign_off_id)
        forwarding = None
        # The case may have moved on (another sign-off after a return); then this one is spent.
        if sign_off.case.status == Status.SIGNED_OFF and sign_off == sign_off.case.sign_offs.last():
            forwarding = _deliver(sign_off)
        message.state = OutboxState.DONE
        message.done_at = timezone.now()
        message.save(update_fields=["state", "done_at"])
        return forwarding


def _deliver(sign_off: SignOff) -> Forwarding:
    assigned = sign_off.decision == Decision.ASSIGN
    case = apply_action(
        case_id=sign_off.case_id,
        actor=None,
        action=Action.DELIVER_ASSIGNED if assigned else Action.DELIVER_FORWARDED,
        note=sign_off.department.name,
        changes={"department_id": sign_off.department_id},
    )
    forwarding = Forwarding.objects.create(sign_off=sign_off, case=case, department_id=sign_off.department_id)
    today = timezone.localdate()
    clocks_stop(case=case, kinds=[ClockKind.FORWARD])
    clock_start(case=case, kind=ClockKind.NOTIFY_RECEIPT, start=today, department_id=sign_off.department_id)
    # Art. 23's five working days to object run from the case's arrival, not from the moment
    # the department chooses to press "receive".
    clock_start(case=case, kind=ClockKind.RETURN, start=today, department_id=sign_off.department_id)
    if assigned:
        from workdays.selectors import DueDate

        clock_start(
            case=case,
            kind=ClockKind.REPORT,
            start=today,
            due=DueDate(sign_off.report_due, False),
            department_id=sign_off.department_id,
        )
    notify(
        recipients=department_staff(sign_off.department_id),
        kind=Kind.NEW_CASE,
        case=case,
        message=(
            _("Case %(number)s is assigned to you, report due %(due)s.")
            if assigned
            else _("Case %(number)s is forwarded to you.")
        )
        % {"number": case.number, "due": sign_off.report_due},
        email=True,
    )
    return forwarding


def outbox_relay(*, older_than: datetime.timedelta = RELAY_AFTER, limit: int = 5000) -> int:
    """Re-send the outbox rows still pending after `older_than` (since creation and since the
    last send). Returns how many were sent."""
    from petition_desk.celery import enqueue

    from .tasks import forward_case

    cutoff = timezone.now() - older_than
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(state=OutboxState.PENDING, created_at__lte=cutoff)
            .exclude(last_sent_at__gt=cutoff)
            .order_by("created_at")
            .values_list("pk", "object_id")[:limit]
        )
        sent = []
        for pk, object_id in rows:
            if not enqueue(forward_case, object_id):
                break  # the broker is down: the next relay run tries again
            sent.append(pk)
        OutboxMessage.objects.filter(pk__in=sent).update(last_sent_at=timezone.now(), sends=F("sends") + 1)
    return len(sent)


def outbox_mark_failed(*, sign_off_id: int, error: str) -> None:
    """The task gave up: the row stays visible on the supervision list as stuck."""
    from .sign_off import FORWARD_TOPIC

    OutboxMessage.objects.filter(
        topic=FORWARD_TOPIC, object_id=sign_off_id, state=OutboxState.PENDING
    ).update(state=OutboxState.FAILED, last_error=error[:2000])
