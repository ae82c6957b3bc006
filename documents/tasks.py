"""Thin Celery tasks: load by id, call a service. Both are safe to run twice."""

from celery import Task, shared_task

from petition_desk.celery import TRANSIENT_ERRORS

from . import services


class RenderDocumentsTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # A database away for longer than the retries leaves the letters pending: the document
        # relay sends them again once it is back. Any other error here is not one letter's (those
        # documents_render marks itself): show the letters not rendered as failed.
        if isinstance(exc, TRANSIENT_ERRORS):
            return
        for document_id in args[0]:
            services.document_mark_failed(document_id=document_id, error=repr(exc))


@shared_task(
    base=RenderDocumentsTask,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=8,
)
def render_documents(document_ids: list[int]) -> int:
    """The letters of one step (or a relay's batch)."""
    return services.documents_render(document_ids=document_ids)


@shared_task
def relay_documents() -> int:
    return services.documents_relay()
