"""The case lifecycle as data (DESIGN §5): which action may move a case from which state, to
which state, and who may act. `cases.services.apply_action` is the only reader that writes."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

from .models import Status

# The Celery tasks act as nobody in particular: their timeline entries have no actor.
SYSTEM = "system"


class Action(models.TextChoices):
    REGISTER = "register", _("Registered")
    SUBMIT = "submit", _("Submitted for sign-off")
    REPEAT_VISIT = "repeat_visit", _("Repeat visit")
    BACK_TO_WINDOW = "back_to_window", _("Sent back to the window")
    ANSWER_AT_WINDOW = "answer_at_window", _("Answered at the window")
    FORWARD = "forward", _("Signed off: forward")
    ASSIGN = "assign", _("Signed off: assign")
    DELIVER_FORWARDED = "deliver_forwarded", _("Forwarded to the department")
    DELIVER_ASSIGNED = "deliver_assigned", _("Assigned to the department")
    RECEIVE = "receive", _("Received")
    ACCEPT = "accept", _("Accepted")
    DECLINE = "decline", _("Declined")
    RETURN = "return", _("Returned")
    REQUEST_EXTENSION = "extension_asked", _("Extension asked")
    APPROVE_EXTENSION = "extension_approved", _("Extension approved")
    REFUSE_EXTENSION = "extension_refused", _("Extension refused")
    NOTE = "note", _("Handling note")
    REPLY = "reply", _("Replied")
    CONCLUDE = "conclude", _("Concluded")
    REPORT = "report", _("Completion report")
    CLOSE = "close", _("Closed")
    FOLLOW_UP = "follow_up", _("Follow-up call")
    REQUEST_REVIEW = "review_asked", _("Review asked")
    SUPERVISE = "supervise", _("Supervision notice")
    ANSWER_SUPERVISION = "supervision_answered", _("Supervision answered")
    REMIND = "remind", _("Reminder")


_ACTION_LABELS = dict(Action.choices)


def action_label(code: str) -> str:
    """A timeline step's name; a code no longer among the actions shows as it is stored."""
    return _ACTION_LABELS.get(code, code)


@dataclass(frozen=True)
class Transition:
    to: Status
    roles: frozenset[str]


RECEPTIONIST = frozenset({Role.RECEPTIONIST})
LEADER = frozenset({Role.LEADER})
DEPARTMENT = frozenset({Role.DEPARTMENT})
BY_SYSTEM = frozenset({SYSTEM})

S = Status
# The states in which a department holds the case.
WITH_DEPARTMENT = (S.FORWARDED, S.ASSIGNED, S.RECEIVED, S.ACCEPTED, S.REPLIED)

TRANSITIONS: dict[tuple[Status, Action], Transition] = {
    (S.REGISTERED, Action.SUBMIT): Transition(S.AWAITING_SIGN_OFF, RECEPTIONIST),
    (S.BACK_TO_WINDOW, Action.SUBMIT): Transition(S.AWAITING_SIGN_OFF, RECEPTIONIST),
    **{
        (from_status, action): Transition(to, LEADER)
        for from_status in (S.AWAITING_SIGN_OFF, S.RETURNED)
        for action, to in (
            (Action.BACK_TO_WINDOW, S.BACK_TO_WINDOW),
            (Action.ANSWER_AT_WINDOW, S.CONCLUDED),
            (Action.FORWARD, S.SIGNED_OFF),
            (Action.ASSIGN, S.SIGNED_OFF),
        )
    },
    (S.SIGNED_OFF, Action.DELIVER_FORWARDED): Transition(S.FORWARDED, BY_SYSTEM),
    (S.SIGNED_OFF, Action.DELIVER_ASSIGNED): Transition(S.ASSIGNED, BY_SYSTEM),
    (S.FORWARDED, Action.RECEIVE): Transition(S.RECEIVED, DEPARTMENT),
    (S.ASSIGNED, Action.RECEIVE): Transition(S.RECEIVED, DEPARTMENT),
    # Art. 23: a department that finds the case is not theirs returns it, received or not.
    (S.FORWARDED, Action.RETURN): Transition(S.RETURNED, DEPARTMENT),
    (S.ASSIGNED, Action.RETURN): Transition(S.RETURNED, DEPARTMENT),
    (S.RECEIVED, Action.RETURN): Transition(S.RETURNED, DEPARTMENT),
    (S.RECEIVED, Action.ACCEPT): Transition(S.ACCEPTED, DEPARTMENT),
    (S.RECEIVED, Action.DECLINE): Transition(S.DECLINED, DEPARTMENT),
    (S.RECEIVED, Action.NOTE): Transition(S.RECEIVED, DEPARTMENT),
    (S.ACCEPTED, Action.NOTE): Transition(S.ACCEPTED, DEPARTMENT),
    (S.ACCEPTED, Action.REQUEST_EXTENSION): Transition(S.ACCEPTED, DEPARTMENT),
    (S.ACCEPTED, Action.APPROVE_EXTENSION): Transition(S.ACCEPTED, LEADER),
    (S.ACCEPTED, Action.REFUSE_EXTENSION): Transition(S.ACCEPTED, LEADER),
    (S.ACCEPTED, Action.REPLY): Transition(S.REPLIED, DEPARTMENT),
    (S.REPLIED, Action.CONCLUDE): Transition(S.CONCLUDED, DEPARTMENT),
    # The completion report is owed to the bureau until it is sent: a file closed after the
    # follow-up call does not release the department from it.
    **{
        (state, Action.REPORT): Transition(state, DEPARTMENT)
        for state in (S.ACCEPTED, S.REPLIED, S.CONCLUDED, S.CLOSED)
    },
    (S.REPLIED, Action.FOLLOW_UP): Transition(S.REPLIED, RECEPTIONIST),
    (S.CONCLUDED, Action.FOLLOW_UP): Transition(S.CONCLUDED, RECEPTIONIST),
    # The 30 days for a review run from the reply (Art. 35), whether or not the department has
    # concluded the case yet.
    (S.REPLIED, Action.REQUEST_REVIEW): Transition(S.REPLIED, RECEPTIONIST),
    (S.CONCLUDED, Action.REQUEST_REVIEW): Transition(S.CONCLUDED, RECEPTIONIST),
    (S.CLOSED, Action.REQUEST_REVIEW): Transition(S.CLOSED, RECEPTIONIST),
    (S.CONCLUDED, Action.CLOSE): Transition(S.CLOSED, frozenset({Role.RECEPTIONIST, Role.LEADER})),
    # A closed case still owing its completion report is supervised about it (cases.sign_off).
    **{
        (state, Action.SUPERVISE): Transition(state, LEADER)
        for state in (S.SIGNED_OFF, *WITH_DEPARTMENT, S.CONCLUDED, S.CLOSED)
    },
    **{
        (state, Action.ANSWER_SUPERVISION): Transition(state, DEPARTMENT)
        for state in (*WITH_DEPARTMENT, S.CONCLUDED, S.CLOSED)
    },
}

# Actions recorded in the timeline that leave the status as it is, allowed in any state.
EVENTS_WITHOUT_TRANSITION: dict[Action, frozenset[str]] = {
    Action.REPEAT_VISIT: RECEPTIONIST,
    Action.REMIND: BY_SYSTEM,
}


def department_holds(case) -> bool:
    """Whether the case's department holds it: `department` keeps naming the department a case
    was last delivered to after that department returned it, until it is delivered elsewhere."""
    return case.department_id is not None and not case.department_gave_back


def role_of(actor) -> str:
    return actor.role if actor is not None else SYSTEM


def transition_for(status: str, action: Action) -> Transition | None:
    return TRANSITIONS.get((Status(status), action))


def allowed_actions(status: str, role: str) -> list[Action]:
    return [
        action
        for (from_status, action), transition in TRANSITIONS.items()
        if from_status == status and role in transition.roles
    ]
