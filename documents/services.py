"""Issuing and rendering the official documents (issue 4 §1).

`documents_issue_*` run inside the transaction of the step they belong to: the letter gets its
number and its content there, so a rolled-back step issues nothing and a committed one never
loses its letter. The PDF is rendered afterwards by a Celery task; the pending row is its outbox,
which `documents_relay` re-sends when the message was lost."""

import datetime
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from cases.models import Case, Extension, OutboxMessage, OutboxState, SignOff

from . import content
from .models import Document, DocumentKind, DocumentNumberCounter, DocumentState
from .rendering import render_pdf

logger = logging.getLogger(__name__)

# Letters are not urgent, and a backlog of them (a relay of lost forwardings) takes minutes to
# render: sending again sooner would only queue the same letters twice.
RELAY_AFTER = datetime.timedelta(minutes=5)
RELAY_BATCH = 20

# The letter's series in the bureau's numbering: 吴信转〔2026〕12号.
SERIES = {
    DocumentKind.FORWARDING_LETTER: "转",
    DocumentKind.ASSIGNMENT_LETTER: "交",
    DocumentKind.RECEIPT_NOTICE: "告",
    DocumentKind.REPLY_LETTER: "复",
    DocumentKind.EXTENSION_NOTICE: "延",
}


def next_document_numbers(*, kinds: list[DocumentKind], year: int) -> dict[DocumentKind, str]:
    """Within the caller's transaction, as case numbers are taken: no gaps, no duplicates. One
    statement numbers every letter of a step; the counters are locked in the order of their
    kinds, so that two steps never wait for each other's."""
    table = DocumentNumberCounter._meta.db_table
    kinds = sorted(kinds)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, year, last) VALUES {', '.join(['(%s, %s, 1)'] * len(kinds))} "
            f"ON CONFLICT (kind, year) DO UPDATE SET last = {table}.last + 1 RETURNING kind, last",
            [value for kind in kinds for value in (kind, year)],
        )
        taken = dict(cursor.fetchall())
    return {
        kind: f"{settings.DOCUMENT_NUMBER_PREFIX}{SERIES[kind]}〔{year}〕{taken[kind]}号" for kind in kinds
    }


def _issue(case: Case, letters: dict[DocumentKind, dict]) -> list[Document]:
    """Number and store `letters` (kind → content) as documents of the step just taken."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A document is issued inside the transaction of its step.")
    event = getattr(case, "step_event", None)
    if event is None:
        raise RuntimeError("A document is issued with the case its step returned (apply_action).")
    now = timezone.now()
    numbers = next_document_numbers(kinds=list(letters), year=timezone.localdate(now).year)
    # One insert each: bulk_create would send the contents as a PostgreSQL array (UNNEST), whose
    # escaping of every quote in their JSON costs more than the round trip it saves.
    documents = [
        Document.objects.create(
            case=case, event=event, kind=kind, number=numbers[kind], content=body, created_at=now
        )
        for kind, body in letters.items()
    ]
    transaction.on_commit(partial(_enqueue_render, [document.pk for document in documents]))
    return documents


# While set (renders_sent_together), the ids of letters to render, sent as one task at the end.
_renders_held: ContextVar[list[int] | None] = ContextVar("renders_held", default=None)


@contextmanager
def renders_sent_together():
    """Within it, the letters of every step committed are sent to the letters worker as one task
    when it ends instead of one task per step: a relay batch of fifty forwardings sends one
    message, not fifty. They are sent however it ends; a render whose message is still lost is
    re-sent by the document relay."""
    held: list[int] = []
    token = _renders_held.set(held)
    try:
        yield
    finally:
        _renders_held.reset(token)
        if held:
            _send_render(held)


def _enqueue_render(document_ids: list[int]) -> None:
    held = _renders_held.get()
    if held is None:
        _send_render(document_ids)
    else:
        held.extend(document_ids)


def _send_render(document_ids: list[int], *, countdown: float | None = None) -> None:
    from petition_desk.celery import enqueue

    from .tasks import render_documents

    enqueue(render_documents, document_ids, countdown=countdown)


def documents_render(*, document_ids: list[int]) -> int:
    """Render the documents in turn, each in its own transaction, so that a retry redoes only
    what is still pending. Letters give way to cases: while one waits to be forwarded (its
    outbox row pending), the rest are sent again to come back in DOCUMENTS_YIELD_SECONDS. On two
    cores a letter rendering beside the forwarding worker slowed it by a third whatever its CPU
    weight (bench/README.md). Returns how many this call rendered.

    A letter that cannot be rendered is marked failed and the rest go on: a batch holds other
    cases' letters too, and its error is not theirs. A database that is away fails the call,
    which the task retries."""
    from petition_desk.celery import TRANSIENT_ERRORS

    rendered = 0
    for index, document_id in enumerate(document_ids):
        if OutboxMessage.objects.filter(state=OutboxState.PENDING).exists():
            rest = document_ids[index:]
            # Marked as sent: while their message circulates, the document relay leaves them be
            # rather than send more of it through a long wait.
            Document.objects.filter(pk__in=rest, state=DocumentState.PENDING).update(
                last_sent_at=timezone.now()
            )
            _send_render(rest, countdown=settings.DOCUMENTS_YIELD_SECONDS)
            break
        try:
            rendered += document_render(document_id=document_id)
        except TRANSIENT_ERRORS:
            raise
        except Exception as error:
            logger.exception("Rendering document %s failed", document_id)
            document_mark_failed(document_id=document_id, error=repr(error))
    return rendered


def documents_issue_for_delivery(*, case: Case, sign_off: SignOff) -> list[Document]:
    """The case reached its department: the forwarding or assignment letter, and the notice
    telling the petitioner where the case went."""
    letter = DocumentKind.ASSIGNMENT_LETTER if sign_off.report_due else DocumentKind.FORWARDING_LETTER
    matter = content.read_matter(case)
    return _issue(
        case,
        {
            letter: content.delivery_letter(matter, sign_off),
            DocumentKind.RECEIPT_NOTICE: content.receipt_notice(matter, sign_off),
        },
    )


def documents_issue_for_reply(*, case: Case) -> Document:
    matter = content.read_matter(case)
    (letter,) = _issue(case, {DocumentKind.REPLY_LETTER: content.reply_letter(case, matter)})
    return letter


def documents_issue_for_extension(*, case: Case, extension: Extension) -> Document:
    matter = content.read_matter(case)
    body = content.extension_notice(case, matter, extension)
    (notice,) = _issue(case, {DocumentKind.EXTENSION_NOTICE: body})
    return notice


def document_render(*, document_id: int) -> bool:
    """Render the PDF of a pending (or failed) document and store it. Idempotent: a document
    already rendered is left as it is. Returns whether this call rendered it."""
    with transaction.atomic(durable=True):
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.state == DocumentState.READY:
            return False
        pdf = render_pdf(document)
        document.file.save(document.filename, ContentFile(pdf), save=False)
        try:
            document.state = DocumentState.READY
            document.size = len(pdf)
            document.rendered_at = timezone.now()
            document.attempts += 1
            document.last_error = ""
            document.save(update_fields=["file", "state", "size", "rendered_at", "attempts", "last_error"])
        except Exception:
            document.file.delete(save=False)  # no orphan file for a row that was not saved
            raise
        return True


def document_mark_failed(*, document_id: int, error: str) -> None:
    """The task gave up: the case page shows the letter as failed, the admin can try again."""
    Document.objects.filter(pk=document_id).exclude(state=DocumentState.READY).update(
        state=DocumentState.FAILED, last_error=error[:2000], attempts=F("attempts") + 1
    )


def document_retry(*, document_id: int) -> bool:
    """Put a failed document back in line (the admin's "render again")."""
    retried = Document.objects.filter(pk=document_id, state=DocumentState.FAILED).update(
        state=DocumentState.PENDING, last_error=""
    )
    if retried:
        transaction.on_commit(partial(_enqueue_render, [document_id]))
    return bool(retried)


def documents_relay(*, older_than: datetime.timedelta = RELAY_AFTER, limit: int = 500) -> int:
    """Send again the render of documents still pending after `older_than`: the message was
    lost with a broker or a worker. Returns how many were sent."""
    from petition_desk.celery import enqueue

    from .tasks import render_documents

    cutoff = timezone.now() - older_than
    with transaction.atomic():
        pending = list(
            Document.objects.select_for_update(skip_locked=True)
            .filter(state=DocumentState.PENDING, created_at__lte=cutoff)
            .filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=cutoff))
            .order_by("created_at")
            .values_list("pk", flat=True)[:limit]
        )
        sent = []
        for start in range(0, len(pending), RELAY_BATCH):
            batch = pending[start : start + RELAY_BATCH]
            if not enqueue(render_documents, batch):
                break  # the broker is down: the next run tries again
            sent.extend(batch)
        Document.objects.filter(pk__in=sent).update(last_sent_at=timezone.now())
    return len(sent)
