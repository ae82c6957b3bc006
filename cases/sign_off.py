"""The leader's decisions: sign-off (签阅) and its route, extensions, supervision (督办)."""

import datetime
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from documents.services import documents_issue_for_extension
from notifications.models import Kind
from notifications.services import department_staff, notify
from petition_desk.validators import validate_record_date

from .clocks import ClockKind, clock_extend, clocks_stop, running_clock
from .models import (
    Case,
    Decision,
    Department,
    Extension,
    ExtensionState,
    OutboxMessage,
    SignOff,
    SupervisionNotice,
)
from .services import apply_action
from .supervision import answering_department_id, open_notices, something_to_supervise
from .workflow import Action

FORWARD_TOPIC = "forward"
MAX_EXTENSION_DAYS = 30  # Art. 34, in all

DECISION_ACTIONS = {
    Decision.FORWARD: Action.FORWARD,
    Decision.ASSIGN: Action.ASSIGN,
    Decision.ANSWER_AT_WINDOW: Action.ANSWER_AT_WINDOW,
    Decision.BACK_TO_WINDOW: Action.BACK_TO_WINDOW,
}


@dataclass(frozen=True)
class SignOffData:
    decision: Decision
    instruction: str = ""
    department_id: int | None = None
    report_due: datetime.date | None = None


def validate_sign_off(data: SignOffData) -> None:
    errors = {}
    if data.decision in (Decision.FORWARD, Decision.ASSIGN):
        if data.department_id is None:
            errors["department"] = [_("Choose the receiving department.")]
        elif not Department.objects.filter(pk=data.department_id, is_active=True).exists():
            errors["department"] = [_("This department does not receive cases.")]
    if data.decision == Decision.ASSIGN:
        if data.report_due is None:
            errors["report_due"] = [_("An assigned case needs the date its report is due.")]
        elif data.report_due <= timezone.localdate():
            errors["report_due"] = [_("The report cannot be due today or earlier.")]
        else:
            try:
                validate_record_date(data.report_due)
            except ValidationError as error:
                errors["report_due"] = error.messages
    if data.decision in (Decision.ANSWER_AT_WINDOW, Decision.BACK_TO_WINDOW) and not data.instruction.strip():
        errors["instruction"] = [
            _("Say what the petitioner was told.")
            if data.decision == Decision.ANSWER_AT_WINDOW
            else _("Say what the window must find out.")
        ]
    if errors:
        raise ValidationError(errors)


def case_sign_off(*, case_id: int, leader: User, data: SignOffData) -> Case:
    with transaction.atomic(durable=True):
        return sign_off_in_transaction(case_id=case_id, leader=leader, data=data)


def case_sign_off_many(*, leader: User, decisions: dict[int, SignOffData]) -> list[Case]:
    """Several routine cases at once, all or none: a case that cannot be signed off stops the
    batch with its number in the message, so nothing is half done."""
    with transaction.atomic(durable=True):
        signed = []
        for case_id, data in sorted(decisions.items()):
            try:
                signed.append(sign_off_in_transaction(case_id=case_id, leader=leader, data=data))
            except ValidationError as error:
                number = Case.objects.filter(pk=case_id).values_list("number", flat=True).first()
                raise ValidationError(
                    [
                        _("Case %(number)s: %(problem)s") % {"number": number, "problem": message}
                        for message in error.messages
                    ]
                ) from error
        return signed


def sign_off_in_transaction(*, case_id: int, leader: User, data: SignOffData) -> Case:
    validate_sign_off(data)
    routed = data.decision in (Decision.FORWARD, Decision.ASSIGN)
    # Only an assignment has a report due; a case assigned before a return owes none once routed
    # otherwise.
    changes = {"report_due": data.report_due if data.decision == Decision.ASSIGN else None}
    case = apply_action(
        case_id=case_id,
        actor=leader,
        action=DECISION_ACTIONS[data.decision],
        note=data.instruction,
        changes=changes,
    )
    sign_off = SignOff.objects.create(
        case=case,
        leader=leader,
        decision=data.decision,
        department_id=data.department_id if routed else None,
        instruction=data.instruction,
        report_due=data.report_due if data.decision == Decision.ASSIGN else None,
    )
    if routed:
        OutboxMessage.objects.create(topic=FORWARD_TOPIC, object_id=sign_off.pk)
        transaction.on_commit(partial(_enqueue_forwarding, sign_off.pk), robust=True)
    elif data.decision == Decision.ANSWER_AT_WINDOW:
        clocks_stop(case=case, kinds=[ClockKind.FORWARD])
    else:
        notify(
            recipients=[case.registered_by],
            kind=Kind.BACK_TO_WINDOW,
            case=case,
            message=gettext_lazy("Case %(number)s is back at the window: %(instruction)s"),
            params={"number": case.number, "instruction": data.instruction},
        )
    return case


def _enqueue_forwarding(sign_off_id: int) -> None:
    from petition_desk.celery import enqueue

    from .tasks import forward_case

    enqueue(forward_case, sign_off_id)


def extension_decide(*, case_id: int, leader: User, approve: bool, note: str = "") -> Extension:
    with transaction.atomic(durable=True):

        def pending_only(case: Case) -> None:
            if not case.extensions.filter(state=ExtensionState.PENDING).exists():
                raise ValidationError(_("No extension is waiting for approval on this case."))

        case = apply_action(
            case_id=case_id,
            actor=leader,
            action=Action.APPROVE_EXTENSION if approve else Action.REFUSE_EXTENSION,
            note=note,
            guard=pending_only,
        )
        extension = case.extensions.select_for_update().get(state=ExtensionState.PENDING)
        extension.state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
        extension.decided_by = leader
        extension.decided_at = timezone.now()
        extension.save(update_fields=["state", "decided_by", "decided_at"])
        if approve:
            clock_extend(case=case, kind=ClockKind.HANDLING, days=extension.days)
            documents_issue_for_extension(case=case, extension=extension)
        notify(
            recipients=department_staff(case.department_id),
            kind=Kind.EXTENSION,
            case=case,
            message=(
                gettext_lazy("Extension of %(days)d days approved for case %(number)s.")
                if approve
                else gettext_lazy("Extension of %(days)d days refused for case %(number)s.")
            ),
            params={"days": extension.days, "number": case.number},
        )
        return extension


def case_supervise(*, case_id: int, leader: User, text: str) -> SupervisionNotice:
    text = text.strip()
    if not text:
        raise ValidationError({"text": [_("Write what the department must do.")]})

    def something_owed(case: Case) -> None:
        if not something_to_supervise(case, running_clock(case, ClockKind.REPORT)):
            raise ValidationError(_("This case is closed and owes nothing: there is nothing to supervise."))
        # The form sent again (Back and send): one notice, one e-mail, one answer owed.
        if open_notices(case).filter(text=text).exists():
            raise ValidationError({"text": [_("This notice was sent already and awaits its answer.")]})

    with transaction.atomic(durable=True):
        case = apply_action(
            case_id=case_id, actor=leader, action=Action.SUPERVISE, note=text, guard=something_owed
        )
        department_id = answering_department_id(case)
        notice = SupervisionNotice.objects.create(
            case=case, text=text, sent_by=leader, department_id=department_id
        )
        # After a return `department` still names the one that gave it back: not told, it could
        # not answer (cases.supervision).
        if department_id is not None:
            notify(
                recipients=department_staff(case.department_id),
                kind=Kind.SUPERVISION,
                case=case,
                message=gettext_lazy("Supervision notice on case %(number)s: %(text)s"),
                params={"number": case.number, "text": text},
                email=True,
            )
        return notice
