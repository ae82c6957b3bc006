"""Thin Celery tasks: load by id, call a service. Both are safe to run twice."""

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from . import services


class RenderDocumentTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Retries are spent or the error is not transient: show the letter as failed.
        services.document_mark_failed(document_id=args[0], error=repr(exc))


@shared_task(
    base=RenderDocumentTask,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=8,
)
def render_document(document_id: int) -> bool:
    return services.document_render(document_id=document_id)


@shared_task
def relay_documents() -> int:
    return services.documents_relay()
