"""Thin Celery tasks: load by id, call a service. Both are safe to run twice."""

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from . import services


class RenderDocumentsTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Retries are spent or the error is not transient: show the letters not rendered as
        # failed (those already rendered stay ready).
        for document_id in args[0]:
            services.document_mark_failed(document_id=document_id, error=repr(exc))


@shared_task(
    base=RenderDocumentsTask,
    autoretry_for=(OperationalError, InterfaceError),
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
