"""What the receiving department does with a case (DESIGN §5; issue 3 §4)."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from documents.services import documents_issue_for_reply
from notifications.models import Kind
from notifications.services import leaders, notify
from petition_desk.i18n import in_bureau_language

from .clocks import clock_start, clocks_stop, running_clock
from .models import Case, Clock, ClockKind, Extension, ExtensionState, ReplyOutcome, SupervisionNotice
from .services import apply_action
from .sign_off import MAX_EXTENSION_DAYS
from .supervision import open_notices
from .workflow import Action, department_holds


def _required(value: str, field: str, message: str) -> None:
    if not value.strip():
        raise ValidationError({field: [message]})


def case_receive(*, case_id: int, actor: User) -> Case:
    with transaction.atomic(durable=True):
        return apply_action(case_id=case_id, actor=actor, action=Action.RECEIVE)


def return_window_over(clock: Clock | None, today: datetime.date) -> bool:
    """Whether the five working days to return a case (its RETURN clock) have ended."""
    return clock is not None and clock.due_on < today


def extension_days_left(approved_days: Iterable[int]) -> int:
    """What is left of the 30 days a case's handling may be extended by (Art. 34)."""
    return MAX_EXTENSION_DAYS - sum(approved_days)


def report_owed(case: Case, clock: Clock | None) -> bool:
    """Whether the case owes its completion report: it was assigned, and the report's clock
    (REPORT) still runs."""
    return case.report_due is not None and clock is not None


def case_accept(*, case_id: int, actor: User, note: str = "") -> Case:
    with transaction.atomic(durable=True):
        case = apply_action(case_id=case_id, actor=actor, action=Action.ACCEPT, note=note)
        clocks_stop(case=case, kinds=[ClockKind.NOTIFY_RECEIPT, ClockKind.RETURN])
        clock_start(
            case=case, kind=ClockKind.HANDLING, start=timezone.localdate(), department_id=case.department_id
        )
        return case


def case_decline(*, case_id: int, actor: User, reason: str, channel: str = "") -> Case:
    """不予受理: the petitioner is told the proper channel; a case in litigation goes to the
    court (Art. 28, 31)."""
    _required(reason, "reason", _("Say why the case is not accepted."))

    def channel_named(case: Case) -> None:
        if case.in_litigation and not channel.strip():
            raise ValidationError(
                {"channel": [_("The case is in litigation: name the court or legal channel.")]}
            )

    with in_bureau_language():
        note = (
            reason
            if not channel.strip()
            else _("%(reason)s Proper channel: %(channel)s")
            % {
                "reason": reason,
                "channel": channel,
            }
        )
    with transaction.atomic(durable=True):
        case = apply_action(
            case_id=case_id, actor=actor, action=Action.DECLINE, note=note, guard=channel_named
        )
        clocks_stop(case=case, kinds=[ClockKind.NOTIFY_RECEIPT, ClockKind.RETURN, ClockKind.REPORT])
        return case


def case_return(*, case_id: int, actor: User, reason: str) -> Case:
    """退回: not this department's case. Allowed until five working days after receipt
    (Art. 23); the case goes back to the leaders for re-routing."""
    _required(reason, "reason", _("Say why the case is not for your department."))

    def within_return_window(case: Case) -> None:
        clock = running_clock(case, ClockKind.RETURN)
        if return_window_over(clock, timezone.localdate()):
            raise ValidationError(
                _("The five working days to return this case ended on %(date)s.") % {"date": clock.due_on}
            )

    with transaction.atomic(durable=True):
        # Counted under the row lock that apply_action takes again: a count read before it could
        # be stale by the time the return is saved.
        current = Case.objects.select_for_update(no_key=True).only("returns_count").get(pk=case_id)
        case = apply_action(
            case_id=case_id,
            actor=actor,
            action=Action.RETURN,
            note=reason,
            guard=within_return_window,
            changes={"returns_count": current.returns_count + 1, "department_gave_back": True},
        )
        clocks_stop(case=case, kinds=[ClockKind.NOTIFY_RECEIPT, ClockKind.RETURN, ClockKind.REPORT])
        notify(
            recipients=leaders(),
            kind=Kind.RETURNED,
            case=case,
            message=gettext_lazy("%(department)s returned case %(number)s: %(reason)s"),
            params={"department": case.department, "number": case.number, "reason": reason},
        )
        return case


def case_request_extension(*, case_id: int, actor: User, days: int, reason: str) -> Extension:
    _required(reason, "reason", _("Give the reason the petitioner will be told."))

    def within_limit(case: Case) -> None:
        if case.extensions.filter(state=ExtensionState.PENDING).exists():
            raise ValidationError(_("An extension is already waiting for approval."))
        approved = case.extensions.filter(state=ExtensionState.APPROVED).values_list("days", flat=True)
        left = extension_days_left(approved)
        if left <= 0:
            raise ValidationError({"days": [_("The 30 days of extension (Art. 34) are used up.")]})
        if not 1 <= days <= left:
            raise ValidationError(
                {
                    "days": [
                        _("An extension is 1 to %(left)d days: at most 30 days in all (Art. 34).")
                        % {"left": left}
                    ]
                }
            )

    with transaction.atomic(durable=True):
        case = apply_action(
            case_id=case_id,
            actor=actor,
            action=Action.REQUEST_EXTENSION,
            note=_extension_note(days, reason),
            guard=within_limit,
        )
        extension = Extension.objects.create(case=case, days=days, reason=reason, requested_by=actor)
        notify(
            recipients=leaders(),
            kind=Kind.EXTENSION,
            case=case,
            message=gettext_lazy("Case %(number)s: %(days)d more days asked."),
            params={"number": case.number, "days": days},
        )
        return extension


def _extension_note(days: int, reason: str) -> str:
    with in_bureau_language():
        return _("%(days)d days: %(reason)s") % {"days": days, "reason": reason}


# A note the same as the one its author wrote this long ago or less is the form sent again.
NOTE_SENT_AGAIN_WITHIN = datetime.timedelta(minutes=10)


def case_add_note(*, case_id: int, actor: User, text: str) -> Case:
    _required(text, "text", _("Write the note."))

    def not_sent_twice(case: Case) -> None:
        # The form sent again (Back and send): the same note, written by the same person minutes
        # ago. A call noted again the next day ("no answer") is a note of its own.
        last = (
            case.events.order_by("-created_at", "-id")
            .only("action", "actor_id", "note", "created_at")
            .first()
        )
        if (
            last
            and (last.action, last.actor_id, last.note) == (Action.NOTE, actor.pk, text.strip())
            and timezone.now() - last.created_at < NOTE_SENT_AGAIN_WITHIN
        ):
            raise ValidationError({"text": [_("This note is in the timeline already.")]})

    with transaction.atomic(durable=True):
        return apply_action(
            case_id=case_id, actor=actor, action=Action.NOTE, note=text.strip(), guard=not_sent_twice
        )


def case_reply(*, case_id: int, actor: User, outcome: ReplyOutcome, text: str) -> Case:
    _required(text, "text", _("Write the reply to the petitioner."))
    if outcome not in ReplyOutcome.values:
        raise ValidationError({"outcome": [_("Choose supported, explained or not supported.")]})
    now = timezone.now()

    def no_extension_waiting(case: Case) -> None:
        # Once replied, the leader could no longer decide it: it would wait on their list forever.
        if case.extensions.filter(state=ExtensionState.PENDING).exists():
            raise ValidationError(_("An extension awaits a leader's decision: reply once it is decided."))

    with in_bureau_language():
        reply_note = f"{ReplyOutcome(outcome).label}: {text}"
    with transaction.atomic(durable=True):
        case = apply_action(
            case_id=case_id,
            actor=actor,
            action=Action.REPLY,
            guard=no_extension_waiting,
            note=reply_note,
            changes={"reply_outcome": outcome, "reply_text": text, "replied_at": now},
        )
        clocks_stop(case=case, kinds=[ClockKind.HANDLING])
        clock_start(case=case, kind=ClockKind.REVIEW, start=timezone.localdate(now))
        documents_issue_for_reply(case=case)
        return case


def case_conclude(*, case_id: int, actor: User, note: str = "") -> Case:
    with transaction.atomic(durable=True):
        return apply_action(case_id=case_id, actor=actor, action=Action.CONCLUDE, note=note)


def case_report(*, case_id: int, actor: User, text: str) -> Case:
    """The completion report (办结报告) of an assigned case."""
    _required(text, "text", _("Write the report."))

    def assigned_only(case: Case) -> None:
        if case.report_due is None:
            raise ValidationError(_("Only an assigned case has a completion report."))
        if not report_owed(case, running_clock(case, ClockKind.REPORT)):
            raise ValidationError(_("The report for this case has been sent already."))

    with transaction.atomic(durable=True):
        case = apply_action(
            case_id=case_id, actor=actor, action=Action.REPORT, note=text, guard=assigned_only
        )
        clocks_stop(case=case, kinds=[ClockKind.REPORT])
        return case


def supervision_answer(*, case_id: int, actor: User, text: str) -> SupervisionNotice:
    _required(text, "text", _("Write your answer."))

    def open_notice(case: Case) -> None:
        if not department_holds(case):
            raise ValidationError(_("Your department returned this case: its supervision is not for you."))
        if not open_notices(case).exists():
            raise ValidationError(_("There is no supervision notice to answer."))

    with transaction.atomic(durable=True):
        case = apply_action(
            case_id=case_id, actor=actor, action=Action.ANSWER_SUPERVISION, note=text, guard=open_notice
        )
        notice = open_notices(case).select_for_update().first()
        notice.answer = text
        notice.answered_by = actor
        notice.answered_at = timezone.now()
        notice.save(update_fields=["answer", "answered_by", "answered_at"])
        return notice
