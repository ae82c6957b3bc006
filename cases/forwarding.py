"""Carrying a signed-off case to its department, exactly once (DESIGN §5; issue 3 §3).

The sign-off writes an outbox row in its own transaction. `case_forward` (run by a Celery task)
creates the Forwarding, which is unique per sign-off, and marks the row done in one
transaction; a rerun finds the Forwarding and only marks the row. The relay re-sends rows
still pending, so a lost message, a dead worker or a broker outage delays a case, never loses
it or sends it twice."""

import contextlib
import datetime
import logging
from functools import partial

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.services import documents_issue_for_delivery, renders_sent_together
from notifications.models import Kind
from notifications.services import department_staff, notify
from petition_desk.celery import TRANSIENT_ERRORS
from workdays.selectors import DueDate

from .clocks import clocks_start, clocks_stop
from .models import ClockKind, Decision, Forwarding, OutboxMessage, OutboxState, SignOff
from .services import TransitionNotAllowed, apply_action
from .workflow import Action

RELAY_AFTER = datetime.timedelta(minutes=1)
RELAY_BATCH = 50
# A case signed off this long ago and still not in its department's inbox is stuck.
STUCK_AFTER = datetime.timedelta(minutes=10)

logger = logging.getLogger(__name__)


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
        # Later by id, not by time: a case's sign-offs are written one after the other under its
        # row lock, while their times come from the clocks of whichever servers wrote them.
        later = SignOff.objects.filter(case_id=OuterRef("case_id"), pk__gt=OuterRef("pk"))
        sign_off = (
            SignOff.objects.select_related("department", "leader")
            .annotate(superseded=Exists(later))
            .get(pk=sign_off_id)
        )
        forwarding = None
        # The case may have moved on (another sign-off after a return); then this one is spent.
        if not sign_off.superseded:
            # A refusal comes before anything is written: the transaction stays intact.
            with contextlib.suppress(TransitionNotAllowed):
                forwarding = _deliver(sign_off)
        message.state = OutboxState.DONE
        message.done_at = timezone.now()
        message.save(update_fields=["state", "done_at"])
        return forwarding


def cases_forward(*, sign_off_ids: list[int]) -> int:
    """The relay's batch: each case forwarded in its own transaction, so that a retry redoes only
    what is still pending; their letters go to the letters worker together at the end. Returns
    how many were forwarded.

    A case that cannot be forwarded (its letter fails to render, say) is marked failed and the
    batch goes on: the cases after it are not held back by an error that is not theirs. A
    database that is away fails the whole batch, which the task retries."""
    forwarded = 0
    with renders_sent_together():
        for sign_off_id in sign_off_ids:
            try:
                forwarded += case_forward(sign_off_id=sign_off_id) is not None
            except TRANSIENT_ERRORS:
                raise
            except Exception as error:
                logger.exception("Forwarding sign-off %s failed", sign_off_id)
                outbox_mark_failed(sign_off_id=sign_off_id, error=repr(error))
    return forwarded


def _deliver(sign_off: SignOff) -> Forwarding:
    assigned = sign_off.decision == Decision.ASSIGN
    case = apply_action(
        case_id=sign_off.case_id,
        actor=None,
        action=Action.DELIVER_ASSIGNED if assigned else Action.DELIVER_FORWARDED,
        note=sign_off.department.name,
        changes={"department_id": sign_off.department_id, "department_gave_back": False},
    )
    forwarding = Forwarding.objects.create(sign_off=sign_off, case=case, department_id=sign_off.department_id)
    clocks_stop(case=case, kinds=[ClockKind.FORWARD])
    # Art. 23's five working days to object run from the case's arrival, not from the moment
    # the department chooses to press "receive".
    kinds = {ClockKind.NOTIFY_RECEIPT: None, ClockKind.RETURN: None}
    if assigned:
        kinds[ClockKind.REPORT] = DueDate(sign_off.report_due, False)
    clocks_start(case=case, kinds=kinds, start=timezone.localdate(), department_id=sign_off.department_id)
    documents_issue_for_delivery(case=case, sign_off=sign_off)
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
    last send). Returns how many are sent.

    The rows are marked sent and the transaction committed before the broker is asked, so no
    message goes out for rows a rollback leaves unmarked, and a worker taking the task at once
    does not wait on the relay's row locks. If the broker is down, they stay pending and the
    next run after `older_than` sends them."""
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(state=OutboxState.PENDING, created_at__lte=cutoff)
            .exclude(last_sent_at__gt=cutoff)
            .order_by("created_at")
            .values_list("pk", "object_id")[:limit]
        )
        OutboxMessage.objects.filter(pk__in=[pk for pk, _ in rows]).update(
            last_sent_at=timezone.now(), sends=F("sends") + 1
        )
        if rows:
            transaction.on_commit(partial(_send_batches, [object_id for _, object_id in rows]), robust=True)
    return len(rows)


def _send_batches(sign_off_ids: list[int]) -> None:
    from petition_desk.celery import enqueue

    from .tasks import forward_cases

    # A batch per task: a backlog of a thousand is forwarded without a thousand round trips
    # through the broker; each case still gets its own transaction.
    for start in range(0, len(sign_off_ids), RELAY_BATCH):
        if not enqueue(forward_cases, sign_off_ids[start : start + RELAY_BATCH]):
            return  # the broker is down: the next relay run sends the rest


def outbox_mark_failed(*, sign_off_id: int, error: str) -> None:
    """The task gave up: the row stays visible on the supervision list as stuck."""
    from .sign_off import FORWARD_TOPIC

    OutboxMessage.objects.filter(
        topic=FORWARD_TOPIC, object_id=sign_off_id, state=OutboxState.PENDING
    ).update(state=OutboxState.FAILED, last_error=error[:2000])
