"""Telling people: an in-app notification for each recipient, and an email for those kinds that
need one. Called inside the caller's transaction. Emails are marked pending and sent by the
periodic sender (every 20 s): one task per notification would crowd the worker's queues after
a sweep or a burst of sign-offs, for mail nobody reads within seconds anyway."""

import datetime
import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import ngettext

from accounts.models import Role, User
from petition_desk.i18n import in_bureau_language

from .models import DigestRun, Kind, Notification

logger = logging.getLogger(__name__)

DIGEST_SETTLE = datetime.timedelta(minutes=2)


def notify(
    *,
    recipients: Iterable[User],
    kind: Kind,
    message: str | Promise,
    params: dict | None = None,
    case=None,
    email: bool = False,
) -> int:
    """`message` a lazy translation and its `params`: it is stored in the bureau's language,
    whoever's request it comes from."""
    text = _bureau_text(message, params)
    rows = Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, case=case, message=text, email_pending=email)
        for user in recipients
    )
    return len(rows)


def _bureau_text(message: str | Promise, params: dict | None) -> str:
    with in_bureau_language():
        text = str(message) % params if params else str(message)
    return text[:300]


def notify_many(
    items: Iterable[tuple[Iterable[int], object, str]], *, kind: Kind, email: bool = False
) -> int:
    """Many notifications in one insert: (recipient ids, case, message) per item."""
    rows = Notification.objects.bulk_create(
        Notification(recipient_id=user_id, kind=kind, case=case, message=message[:300], email_pending=email)
        for user_ids, case, message in items
        for user_id in user_ids
    )
    return len(rows)


def department_staff_ids(department_ids: Iterable[int]) -> dict[int, list[int]]:
    staff: dict[int, list[int]] = {}
    rows = User.objects.filter(role=Role.DEPARTMENT, department_id__in=list(department_ids), is_active=True)
    for user_id, department_id in rows.values_list("pk", "department_id"):
        staff.setdefault(department_id, []).append(user_id)
    return staff


def leader_ids() -> list[int]:
    return list(leaders().values_list("pk", flat=True))


def department_staff(department_id: int):
    return User.objects.filter(role=Role.DEPARTMENT, department_id=department_id, is_active=True)


def leaders():
    return User.objects.filter(role=Role.LEADER, is_active=True)


def notifications_send_emails(*, batch: int = 200) -> int:
    """Send what is pending, one row at a time under a row lock, so two senders never send the
    same email twice. A row is marked sent in the transaction that sends it: a worker killed, or
    a database lost, after the mail server took the email and before the commit sends that one
    email again on the next run. Twice rather than never, for reminders of legal deadlines.

    A mail server that refuses an email for good (a 5xx answer to its address or to its text)
    would refuse it every time: it is logged and not tried again, or this row would come first in
    every run and hold up everyone's email. The in-app notification stands. One it refuses for
    now (4xx: greylisting, a full mailbox) waits for the next run while the others go on. Any
    other error (the server away, a login refused) leaves the rows pending for the next run."""
    # Nothing to send to a user without an address: cleared in one statement, not row by row
    # (a sweep may leave thousands of reminders pending at once).
    Notification.objects.filter(email_pending=True, recipient__email="").update(email_pending=False)
    sent = 0
    deferred: list[int] = []
    for _ in range(batch):
        with transaction.atomic():
            row = (
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("recipient")
                .filter(email_pending=True)
                .exclude(pk__in=deferred)
                .order_by("id")
                .first()
            )
            if row is None:
                break
            if row.recipient.email:
                try:
                    send_mail(
                        subject=f"[{settings.BUREAU_NAME}] {row.get_kind_display()}",
                        message=row.message,
                        from_email=None,
                        recipient_list=[row.recipient.email],
                    )
                    sent += 1
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as error:
                    if _smtp_code(error) < 500:
                        logger.info("Email to %s deferred (%s): %s", row.recipient, error, row.pk)
                        deferred.append(row.pk)
                        continue
                    logger.warning(
                        "Email to %s refused (%s); notification %s not emailed", row.recipient, error, row.pk
                    )
            row.email_pending = False
            row.save(update_fields=["email_pending"])
    return sent


def _smtp_code(refusal: smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError) -> int:
    if isinstance(refusal, smtplib.SMTPRecipientsRefused):
        return min(code for code, _ in refusal.recipients.values())
    return refusal.smtp_code


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


# Any number of our own, so long as no other advisory lock of the database uses it.
DIGEST_LOCK = 0x44494745  # "DIGE"


def _digests_one_at_a_time() -> None:
    """Two digests at once (a redelivered task, a second beat) would both start at the last
    one's end and count the same cases: the second waits here, until the first has committed,
    and then starts where it ended. Locking the last DigestRun row would not do: the second gets
    that same row once the first commits, and there is none before the first digest. SQLite
    (`make run`) begins every transaction IMMEDIATE, one writer at a time already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DIGEST_LOCK])


def leader_digest_send(*, now=None) -> int:
    """One notification per leader listing the cases submitted since the last digest; group
    visits are left out, their leaders were told at once.

    A case's submission time is taken when its registration begins, and the registration may
    commit after a digest has looked: counted up to `now` itself, such a case would fall before
    the next digest's start and never be counted. So each digest counts up to DIGEST_SETTLE ago,
    longer than a registration's transaction lasts."""
    from cases.models import Case, Status

    now = (now or timezone.now()) - DIGEST_SETTLE
    with transaction.atomic():
        _digests_one_at_a_time()
        last = DigestRun.objects.order_by("-until").first()
        since = last.until if last else None
        pending = Case.objects.filter(status=Status.AWAITING_SIGN_OFF, is_group=False, submitted_at__lte=now)
        if since:
            pending = pending.filter(submitted_at__gt=since)
        count = pending.count()
        DigestRun.objects.create(until=now, cases=count)
        if count:
            notify(
                recipients=leaders(),
                kind=Kind.DIGEST,
                message=ngettext(
                    "%(count)d new case awaits your sign-off.",
                    "%(count)d new cases await your sign-off.",
                    count,
                )
                % {"count": count},
            )
    return count
