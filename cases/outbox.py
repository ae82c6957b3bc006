"""The administrator's hand on the outbox: send again what failed or still waits."""

from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from petition_desk.celery import enqueue

from .models import OutboxMessage, OutboxState
from .sign_off import FORWARD_TOPIC
from .tasks import forward_case


def outbox_retry(*, message_ids: list[int]) -> int:
    """Put the failed and pending rows among `message_ids` back to pending and send them again
    after commit; done rows are left alone. Returns how many rows will be sent.

    The rows are marked sent before the broker is asked: if it is down (or the sending fails in
    any way, hence `robust`), they stay pending and the relay sends them after its minute, as for
    any other lost message."""
    with transaction.atomic(durable=True):
        rows = list(
            OutboxMessage.objects.select_for_update()
            .filter(
                pk__in=message_ids,
                topic=FORWARD_TOPIC,
                state__in=(OutboxState.FAILED, OutboxState.PENDING),
            )
            .values_list("pk", "object_id")
        )
        OutboxMessage.objects.filter(pk__in=[pk for pk, _ in rows]).update(
            state=OutboxState.PENDING, last_sent_at=timezone.now(), sends=F("sends") + 1
        )
        if rows:
            transaction.on_commit(partial(_send, [object_id for _, object_id in rows]), robust=True)
    return len(rows)


def _send(sign_off_ids: list[int]) -> None:
    for sign_off_id in sign_off_ids:
        if not enqueue(forward_case, sign_off_id):
            return  # the broker is down: the relay sends the rest
