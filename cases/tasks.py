"""Thin Celery tasks: load by id, call a service. Every one is safe to run twice."""

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from . import clocks, forwarding


class ForwardCaseTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Retries are spent (or the error was not transient): leave the case visibly stuck on
        # the leader's supervision list rather than silently pending. Rows already forwarded
        # are done and stay so.
        for sign_off_id in args[0] if isinstance(args[0], list) else [args[0]]:
            forwarding.outbox_mark_failed(sign_off_id=sign_off_id, error=repr(exc))


# A database that is briefly away is retried with backoff; then the case shows as stuck.
FORWARDING = {
    "base": ForwardCaseTask,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "max_retries": 8,
}


@shared_task(**FORWARDING)
def forward_case(sign_off_id: int) -> int | None:
    result = forwarding.case_forward(sign_off_id=sign_off_id)
    return result.pk if result else None


@shared_task(**FORWARDING)
def forward_cases(sign_off_ids: list[int]) -> int:
    return forwarding.cases_forward(sign_off_ids=sign_off_ids)


@shared_task
def relay_outbox() -> int:
    return forwarding.outbox_relay()


@shared_task
def sweep_deadlines() -> int:
    return clocks.deadline_sweep()
