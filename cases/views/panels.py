"""Which action forms the case page shows, and with what: one for each action offered to the
viewer's role now (cases.offered: allowed in the case's state, and left something to do by its
facts)."""

from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import selectors
from ..forms import (
    ActionForm,
    DeclineForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    FollowUpForm,
    HandlingNoteForm,
    NoteForm,
    ReplyForm,
    ReportForm,
    ReturnForm,
    SignOffForm,
    SuperviseForm,
    SupervisionAnswerForm,
)
from ..models import Case, ClockKind
from ..offered import CaseFacts, actions_offered
from ..workflow import Action, allowed_actions


@dataclass(frozen=True)
class Panel:
    """An action's form on the case page. Its name is the URL name of its view and the prefix of
    its form's fields."""

    title: str
    button: str
    form_class: type[ActionForm]
    style: str = "btn-primary"
    template: str = "cases/_action_form.html"


PANELS: dict[str, Panel] = {
    "sign_off": Panel(gettext_lazy("Sign-off (签阅)"), gettext_lazy("Sign off"), SignOffForm),
    "decide_extension": Panel(
        gettext_lazy("Extension request"),
        "",
        ExtensionDecisionForm,
        template="cases/_extension_decision_form.html",
    ),
    "supervise": Panel(
        gettext_lazy("Supervision notice (督办)"), gettext_lazy("Send notice"), SuperviseForm, "btn-warning"
    ),
    "receive": Panel(gettext_lazy("Receive (签收)"), gettext_lazy("Receive"), ActionForm),
    "accept": Panel(gettext_lazy("Accept (受理)"), gettext_lazy("Accept"), NoteForm),
    "decline": Panel(
        gettext_lazy("Decline (不予受理)"), gettext_lazy("Decline"), DeclineForm, "btn-outline-danger"
    ),
    "return": Panel(
        gettext_lazy("Return to the bureau (退回)"), gettext_lazy("Return"), ReturnForm, "btn-outline-danger"
    ),
    "extend": Panel(
        gettext_lazy("Ask for an extension"),
        gettext_lazy("Ask for extension"),
        ExtensionRequestForm,
        "btn-outline-primary",
    ),
    "note": Panel(
        gettext_lazy("Handling note"), gettext_lazy("Add note"), HandlingNoteForm, "btn-outline-primary"
    ),
    "reply": Panel(gettext_lazy("Reply (答复)"), gettext_lazy("Reply"), ReplyForm),
    "conclude": Panel(gettext_lazy("Conclude (办结)"), gettext_lazy("Conclude"), NoteForm),
    "report": Panel(gettext_lazy("Completion report"), gettext_lazy("Send report"), ReportForm),
    "answer_supervision": Panel(
        gettext_lazy("Answer the supervision notice"), gettext_lazy("Send answer"), SupervisionAnswerForm
    ),
    "follow_up": Panel(gettext_lazy("Follow-up call (回访)"), gettext_lazy("Record follow-up"), FollowUpForm),
    "review": Panel(
        gettext_lazy("Request for review (复查)"),
        gettext_lazy("Record review request"),
        NoteForm,
        "btn-outline-primary",
    ),
    "close": Panel(
        gettext_lazy("Close the case"), gettext_lazy("Close case"), NoteForm, "btn-outline-secondary"
    ),
}
ACTION_PANELS = {
    Action.FORWARD: "sign_off",
    Action.ASSIGN: "sign_off",
    Action.ANSWER_AT_WINDOW: "sign_off",
    Action.BACK_TO_WINDOW: "sign_off",
    Action.APPROVE_EXTENSION: "decide_extension",
    Action.SUPERVISE: "supervise",
    Action.RECEIVE: "receive",
    Action.ACCEPT: "accept",
    Action.DECLINE: "decline",
    Action.RETURN: "return",
    Action.REQUEST_EXTENSION: "extend",
    Action.NOTE: "note",
    Action.REPLY: "reply",
    Action.CONCLUDE: "conclude",
    Action.REPORT: "report",
    Action.ANSWER_SUPERVISION: "answer_supervision",
    Action.FOLLOW_UP: "follow_up",
    Action.REQUEST_REVIEW: "review",
    Action.CLOSE: "close",
}


@dataclass
class ShownPanel:
    name: str
    panel: Panel
    form: ActionForm
    help: str = ""

    @property
    def url_name(self) -> str:
        return f"cases:{self.name}"

    @property
    def collapsed(self) -> bool:
        """The less common actions fold away until opened, or until they come back with errors."""
        return self.panel.style.startswith("btn-outline") and not self.form.is_bound


@dataclass
class Record:
    """What the case page shows beside the case itself, loaded once."""

    clocks: list
    sign_offs: list
    extensions: list
    notices: list

    @cached_property
    def facts(self) -> CaseFacts:
        running = {clock.kind: clock for clock in self.clocks if clock.stopped_at is None}
        return CaseFacts(running=running, extensions=self.extensions, notices=self.notices)

    @property
    def pending_extension(self):
        return self.facts.pending_extension


def load_record(case: Case) -> Record:
    return Record(
        clocks=list(case.clocks.order_by("stopped_at", "due_on", "id")),
        sign_offs=list(case.sign_offs.select_related("leader", "department")),
        extensions=list(case.extensions.select_related("requested_by", "decided_by")),
        notices=list(case.supervision_notices.select_related("sent_by", "answered_by", "department")),
    )


def _shown(name: str, case: Case, facts: CaseFacts) -> ShownPanel:
    """The panel of an offered action as the page shows it: its form, with what helps fill it."""
    running = facts.running
    initial, help_text = {}, ""
    if name == "report":
        help_text = _("Due on %(date)s.") % {"date": case.report_due}
    if name == "review":
        help_text = _("Allowed until %(date)s (30 days after the reply, Art. 35).") % {
            "date": running[ClockKind.REVIEW].due_on
        }
    if name == "return" and ClockKind.RETURN in running:
        help_text = _("Allowed until %(date)s (5 working days after receipt, Art. 23).") % {
            "date": running[ClockKind.RETURN].due_on
        }
    if name == "sign_off":
        suggestion = selectors.suggested_department(case)
        initial = {"department": suggestion}
        if suggestion is not None:
            help_text = _("The routing rules suggest %(department)s.") % {"department": suggestion}
    panel = PANELS[name]
    return ShownPanel(name, panel, panel.form_class(prefix=name, initial=initial), help_text)


def _panels_of(actions: list[Action]) -> set[str]:
    return {ACTION_PANELS[action] for action in actions if action in ACTION_PANELS}


def step_allowed(case: Case, user, name: str) -> bool:
    """Whether the case's state lets the user take the panel's step at all, whatever its facts."""
    return name in _panels_of(allowed_actions(case.status, user.role))


def panels_for(case: Case, user, record: Record, bound: ShownPanel | None) -> list[ShownPanel]:
    """The forms of the actions offered to the user now, in the order of PANELS: the usual next
    step first."""
    facts = record.facts
    offered = _panels_of(actions_offered(case, user.role, facts))
    shown = []
    for name in (name for name in PANELS if name in offered):
        panel = _shown(name, case, facts)
        if bound is not None and bound.name == name:
            panel.form = bound.form
        shown.append(panel)
    return shown
