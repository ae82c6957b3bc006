"""The case lifecycle as data: which action may move a case from which state, and who may act.

Issue 3 (sign-off, forwarding, the department) extends this table; everything that changes a
case's status goes through `cases.services.apply_action`, which reads it.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

from .models import Status


class Action(models.TextChoices):
    REGISTER = "register", _("Registered")
    SUBMIT = "submit", _("Submitted for sign-off")
    REPEAT_VISIT = "repeat_visit", _("Repeat visit")


@dataclass(frozen=True)
class Transition:
    to: Status
    roles: frozenset[Role]


TRANSITIONS: dict[tuple[Status, Action], Transition] = {
    (Status.REGISTERED, Action.SUBMIT): Transition(Status.AWAITING_SIGN_OFF, frozenset({Role.RECEPTIONIST})),
    (Status.BACK_TO_WINDOW, Action.SUBMIT): Transition(
        Status.AWAITING_SIGN_OFF, frozenset({Role.RECEPTIONIST})
    ),
}

# Actions recorded in the timeline that leave the status as it is, allowed in any state.
EVENTS_WITHOUT_TRANSITION: dict[Action, frozenset[Role]] = {
    Action.REPEAT_VISIT: frozenset({Role.RECEPTIONIST}),
}


def transition_for(status: str, action: Action) -> Transition | None:
    return TRANSITIONS.get((Status(status), action))


def allowed_actions(status: str, role: str) -> list[Action]:
    return [
        action
        for (from_status, action), transition in TRANSITIONS.items()
        if from_status == status and role in transition.roles
    ]
