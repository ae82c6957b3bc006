"""Which of the actions the workflow allows in a case's state are offered now: those the case's
facts leave something to do. The case page's forms, the leader's supervision list and the API's
`actions` all ask here, and the answer follows the checks the services make before acting, by
the same rules: an extension waiting for a leader, the 30 days of extension, the five working
days to return, the completion report or the supervision answer owed, the 30 days to ask for
review. What only a request's own input decides (an empty reason, a note sent twice, more days
than are left) remains the service's to refuse."""

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.utils import timezone

from .follow_up import review_window_open
from .handling import extension_days_left, report_owed, return_window_over
from .models import Case, Clock, ClockKind, Extension, ExtensionState, SupervisionNotice
from .supervision import answer_owed, something_to_supervise
from .workflow import Action, allowed_actions


@dataclass(frozen=True)
class CaseFacts:
    """What the rules read besides the case row: its running clocks by kind, its extensions and
    its supervision notices, on the day `today`. `extensions` and `notices` may be querysets not
    yet read: asked about one action, a list of cases reads only what that action's rule needs."""

    running: Mapping[str, Clock]
    extensions: Iterable[Extension]
    notices: Iterable[SupervisionNotice]
    today: datetime.date = field(default_factory=timezone.localdate)

    @classmethod
    def of(cls, case: Case) -> "CaseFacts":
        """From the relations prefetched on the case (selectors.case_detail_for, with its
        running_clocks()); what was not prefetched is read from the database."""
        clocks = getattr(case, "running_clocks", None)
        if clocks is None:
            clocks = case.clocks.filter(stopped_at__isnull=True)
        return cls(
            running={clock.kind: clock for clock in clocks},
            extensions=case.extensions.all(),
            notices=case.supervision_notices.all(),
        )

    def clock(self, kind: str) -> Clock | None:
        """The case's running clock of `kind`, if one runs."""
        return self.running.get(kind)

    @property
    def pending_extension(self) -> Extension | None:
        return next((e for e in self.extensions if e.state == ExtensionState.PENDING), None)

    @property
    def extension_days_left(self) -> int:
        return extension_days_left(e.days for e in self.extensions if e.state == ExtensionState.APPROVED)


Rule = Callable[[Case, CaseFacts], bool]

# Whether the facts leave the action something to do; an action without a rule always has.
RULES: dict[Action, Rule] = {
    Action.APPROVE_EXTENSION: lambda case, facts: facts.pending_extension is not None,
    Action.REFUSE_EXTENSION: lambda case, facts: facts.pending_extension is not None,
    Action.REQUEST_EXTENSION: lambda case, facts: (
        facts.pending_extension is None and facts.extension_days_left > 0
    ),
    # Replied, the case would leave a waiting extension undecided for ever (case_reply).
    Action.REPLY: lambda case, facts: facts.pending_extension is None,
    Action.RETURN: lambda case, facts: not return_window_over(facts.clock(ClockKind.RETURN), facts.today),
    Action.REPORT: lambda case, facts: report_owed(case, facts.clock(ClockKind.REPORT)),
    Action.REQUEST_REVIEW: lambda case, facts: (
        case.review_requested_at is None and review_window_open(facts.clock(ClockKind.REVIEW), facts.today)
    ),
    Action.SUPERVISE: lambda case, facts: something_to_supervise(case, facts.clock(ClockKind.REPORT)),
    Action.ANSWER_SUPERVISION: lambda case, facts: answer_owed(case, facts.notices),
}


def _something_to_do(action: Action, case: Case, facts: CaseFacts) -> bool:
    rule = RULES.get(action)
    return rule is None or rule(case, facts)


def actions_offered(case: Case, role: str, facts: CaseFacts) -> list[Action]:
    """The actions the role may take on the case now, in the transition table's order."""
    return [action for action in allowed_actions(case.status, role) if _something_to_do(action, case, facts)]


def action_offered(action: Action, case: Case, role: str, facts: CaseFacts) -> bool:
    """actions_offered for one action: only its own rule reads the facts."""
    return action in allowed_actions(case.status, role) and _something_to_do(action, case, facts)
