"""The window after the department: follow-up call, review request, closing the case."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from notifications.models import Kind
from notifications.services import leaders, notify
from petition_desk.i18n import in_bureau_language

from .clocks import clocks_stop, running_clock
from .models import Case, Clock, ClockKind, Satisfaction
from .services import apply_action
from .workflow import Action


def case_follow_up(
    *, case_id: int, actor: User, satisfaction_department: str, satisfaction_bureau: str = "", note: str = ""
) -> Case:
    """回访: the call and the petitioner's satisfaction; dissatisfied goes to the leaders."""
    errors = {}
    if satisfaction_department not in Satisfaction.values:
        errors["satisfaction_department"] = [_("Choose how satisfied the petitioner is with the department.")]
    if satisfaction_bureau and satisfaction_bureau not in Satisfaction.values:
        errors["satisfaction_bureau"] = [_("Choose how satisfied the petitioner is with the bureau.")]
    if errors:
        raise ValidationError(errors)
    with in_bureau_language():
        labels = [_("Department: %(rating)s") % {"rating": Satisfaction(satisfaction_department).label}]
        if satisfaction_bureau:
            labels.append(_("Bureau: %(rating)s") % {"rating": Satisfaction(satisfaction_bureau).label})
    with transaction.atomic(durable=True):
        case = apply_action(
            case_id=case_id,
            actor=actor,
            action=Action.FOLLOW_UP,
            note="; ".join([*labels, note] if note else labels),
            # A second call that rates the department only keeps the bureau's earlier rating.
            changes={"satisfaction_department": satisfaction_department}
            | ({"satisfaction_bureau": satisfaction_bureau} if satisfaction_bureau else {}),
        )
        if Satisfaction.DISSATISFIED in (satisfaction_department, satisfaction_bureau):
            notify(
                recipients=leaders(),
                kind=Kind.DISSATISFIED,
                case=case,
                message=gettext_lazy("The petitioner of case %(number)s is dissatisfied."),
                params={"number": case.number},
            )
        return case


def review_window_open(clock: Clock | None, today: datetime.date) -> bool:
    """Whether the 30 days to ask for review (the case's running REVIEW clock) still run."""
    return clock is not None and today <= clock.due_on


def case_request_review(*, case_id: int, actor: User, note: str = "") -> Case:
    """复查: asked within 30 days of the reply (Art. 35)."""

    def within_review_window(case: Case) -> None:
        if case.review_requested_at is not None:
            raise ValidationError(
                _("A review was asked on %(date)s already.")
                % {"date": timezone.localdate(case.review_requested_at)}
            )
        if not review_window_open(running_clock(case, ClockKind.REVIEW), timezone.localdate()):
            raise ValidationError(_("A review can be asked only within 30 days of the reply."))

    with transaction.atomic(durable=True):
        case = apply_action(
            case_id=case_id,
            actor=actor,
            action=Action.REQUEST_REVIEW,
            note=note,
            guard=within_review_window,
            changes={"review_requested_at": timezone.now()},
        )
        clocks_stop(case=case, kinds=[ClockKind.REVIEW])
        return case


def case_close(*, case_id: int, actor: User, note: str = "") -> Case:
    with transaction.atomic(durable=True):
        case = apply_action(case_id=case_id, actor=actor, action=Action.CLOSE, note=note)
        # The petitioner's 30 days to ask for review (Art. 35) run on after the file is closed,
        # and so does an assigned case's completion report, owed to the bureau until it is sent.
        still_running = (ClockKind.REVIEW, ClockKind.REPORT)
        clocks_stop(case=case, kinds=[kind for kind in ClockKind.values if kind not in still_running])
        return case
