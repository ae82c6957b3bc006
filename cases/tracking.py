"""The petitioner's public look-up by tracking code (DESIGN §6 `track/{tracking_code}/`; issue 4 §5).

Anyone who holds a code may read what it returns, so it returns only the stage a case has
reached, the receiving department and the dates: never a name, a number, the facts or anything
staff wrote. The bureau's internal to and fro (sent back to the window, returned by a department
for re-routing) shows as the case being with the bureau."""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.db import models
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Case, ReplyOutcome, Status
from .services import TRACKING_CODE_ALPHABET, TRACKING_CODE_LENGTH
from .workflow import Action

# One budget per IP address shared by the page and the API, so that nobody guesses codes twice as
# fast by alternating between them. 20 a minute is far more than a person typing codes needs.
RATE_LIMIT_GROUP = "cases.tracking"
RATE_LIMIT = "20/m"

TRACKING_CODE_PATTERN = re.compile(f"[{TRACKING_CODE_ALPHABET}]{{{TRACKING_CODE_LENGTH}}}")


class Stage(models.TextChoices):
    """A case's status as the petitioner is told it."""

    WITH_BUREAU = "with_bureau", _("Registered: the petition bureau is deciding who will handle it")
    SENT = "sent", _("Sent to the department that will handle it")
    RECEIVED = "received", _("Received by the department")
    ACCEPTED = "accepted", _("Accepted: the department is handling it")
    REPLIED = "replied", _("The department has replied")
    DECLINED = "declined", _("Not accepted by the department: you have been told where to take it")
    CONCLUDED = "concluded", _("Concluded")
    CLOSED = "closed", _("Closed")


STAGES: dict[str, Stage] = {
    Status.REGISTERED: Stage.WITH_BUREAU,
    Status.AWAITING_SIGN_OFF: Stage.WITH_BUREAU,
    Status.BACK_TO_WINDOW: Stage.WITH_BUREAU,
    Status.SIGNED_OFF: Stage.WITH_BUREAU,
    Status.RETURNED: Stage.WITH_BUREAU,
    Status.FORWARDED: Stage.SENT,
    Status.ASSIGNED: Stage.SENT,
    Status.RECEIVED: Stage.RECEIVED,
    Status.ACCEPTED: Stage.ACCEPTED,
    Status.DECLINED: Stage.DECLINED,
    Status.REPLIED: Stage.REPLIED,
    Status.CONCLUDED: Stage.CONCLUDED,
    Status.CLOSED: Stage.CLOSED,
}

# The timeline entries whose time is a public date; the latest one counts, since a case returned
# by one department is forwarded again to another.
DATE_ACTIONS: dict[str, tuple[Action, ...]] = {
    "forwarded_on": (Action.DELIVER_FORWARDED, Action.DELIVER_ASSIGNED),
    "received_on": (Action.RECEIVE,),
    "accepted_on": (Action.ACCEPT,),
    "replied_on": (Action.REPLY,),
    "concluded_on": (Action.CONCLUDE, Action.ANSWER_AT_WINDOW),
}


@dataclass(frozen=True)
class PublicCase:
    """What the look-up shows: nothing that identifies the petitioner or repeats what staff wrote."""

    tracking_code: str
    stage: Stage
    department: str | None
    registered_on: datetime.date
    forwarded_on: datetime.date | None
    received_on: datetime.date | None
    accepted_on: datetime.date | None
    replied_on: datetime.date | None
    concluded_on: datetime.date | None
    reply_outcome: ReplyOutcome | None

    @property
    def stage_label(self) -> str:
        return self.stage.label

    @property
    def reply_outcome_label(self) -> str:
        return self.reply_outcome.label if self.reply_outcome else ""


def normalise_tracking_code(raw: str) -> str:
    """The code as stored, however it was typed: full-width characters (NFKC), any case, spaces or
    dashes between groups."""
    folded = unicodedata.normalize("NFKC", raw)
    return re.sub(r"[\s\-]", "", folded).upper()


def is_tracking_code(code: str) -> bool:
    return TRACKING_CODE_PATTERN.fullmatch(code) is not None


def case_for_tracking(code: str) -> PublicCase | None:
    """The public view of the case with this code, or None; two queries whatever the case's history."""
    code = normalise_tracking_code(code)
    if not is_tracking_code(code):
        return None
    case = Case.objects.select_related("department").filter(tracking_code=code).first()
    if case is None:
        return None
    stage = STAGES[case.status]
    latest = dict(
        case.events.filter(
            action__in=[action for actions in DATE_ACTIONS.values() for action in actions] + [Action.RETURN]
        )
        .values_list("action")
        .annotate(at=Max("created_at"))
        .order_by()
    )
    dates = {
        field: max((latest[action] for action in actions if action in latest), default=None)
        for field, actions in DATE_ACTIONS.items()
    }
    # Back with the bureau after a return, or forwarded again since, the earlier department's
    # dates no longer apply.
    with_department = stage != Stage.WITH_BUREAU
    forwarded_at = dates["forwarded_on"]
    if forwarded_at is not None:
        dates = {field: at if at and at >= forwarded_at else None for field, at in dates.items()}
    # A department that returned the case (and was not sent it again) never handled it, though
    # the case still names it: a case answered at the window after a return is concluded by the
    # bureau, with no department's dates.
    returned_at = latest.get(Action.RETURN)
    if forwarded_at is None or (returned_at is not None and returned_at >= forwarded_at):
        with_department = False
        dates = {field: at if field == "concluded_on" else None for field, at in dates.items()}
    return PublicCase(
        tracking_code=case.tracking_code,
        stage=stage,
        department=case.department.name if with_department and case.department else None,
        registered_on=timezone.localdate(case.registered_at),
        **{
            field: timezone.localdate(at) if at and stage != Stage.WITH_BUREAU else None
            for field, at in dates.items()
        },
        reply_outcome=ReplyOutcome(case.reply_outcome) if case.reply_outcome else None,
    )
