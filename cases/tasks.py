"""Thin Celery tasks: load by id, call a service. Every one is safe to run twice."""

from celery import Task, shared_task

from petition_desk.celery import TRANSIENT_ERRORS

from . import clocks, forwarding


class ForwardCaseTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # A database away for longer than the retries leaves the cases pending: the relay sends
        # them again once it is back, and the leader's supervision list shows them as stuck
        # meanwhile. Any other error would fail again: mark the case failed, for an administrator.
        # (A batch marks its own failed cases, cases.forwarding.cases_forward.)
        if isinstance(exc, TRANSIENT_ERRORS) or isinstance(args[0], list):
            return
        forwarding.outbox_mark_failed(sign_off_id=args[0], error=repr(exc))


# A database that is briefly away is retried with backoff; then the case shows as stuck.
FORWARDING = {
    "base": ForwardCaseTask,
    "autoretry_for": TRANSIENT_ERRORS,
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
