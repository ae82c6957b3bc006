"""Forms of the case pages. They check what a field can say on its own; the services decide what
may be done, and their ValidationErrors are shown beside the same fields."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Case, Decision, Department, ReplyOutcome, Satisfaction
from .sign_off import MAX_EXTENSION_DAYS, SignOffData


def _text(label, *, required=True, rows=2, help_text=""):
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


class ActionForm(forms.Form):
    """One action on a case page: rendered by crispy inside the page's own <form> tag, with a
    prefix so that several forms on one page never share an element id."""

    layout: tuple = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        if self.layout:
            self.helper.layout = Layout(*self.layout)


class NoteForm(ActionForm):
    note = _text(_("Note (optional)"), required=False, rows=1)


class TextForm(ActionForm):
    text = _text(_("Text"))


class HandlingNoteForm(ActionForm):
    text = _text(_("Handling note"))


class ReportForm(ActionForm):
    text = _text(_("Completion report"), rows=3)


class SupervisionAnswerForm(ActionForm):
    text = _text(_("Answer to the supervision notice"), rows=3)


class SuperviseForm(ActionForm):
    text = _text(_("What the department must do"))


class SignOffForm(ActionForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, initial=Decision.FORWARD, widget=forms.RadioSelect
    )
    department = forms.ModelChoiceField(
        label=_("Receiving department"), queryset=Department.objects.filter(is_active=True), required=False
    )
    instruction = _text(
        _("Instruction (批示)"),
        required=False,
        help_text=_("Required when answering at the window or sending the case back to it."),
    )
    report_due = forms.DateField(
        label=_("Report due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    layout = ("decision", "department", "instruction", Div("report_due", css_class="report-due"))

    def sign_off_data(self) -> SignOffData:
        data = self.cleaned_data
        return SignOffData(
            decision=Decision(data["decision"]),
            instruction=data["instruction"],
            department_id=data["department"].pk if data["department"] else None,
            report_due=data["report_due"],
        )


class BatchSignOffForm(ActionForm):
    """Routine cases forwarded together, each to the department its routing rules suggest."""

    cases = forms.ModelMultipleChoiceField(
        queryset=Case.objects.select_related("category", "subject_area", "place"),
        error_messages={"required": _("Tick the cases to sign off.")},
    )
    instruction = _text(_("Instruction for all the cases ticked"), required=False)
    # The ticks are checkboxes in the queue's table rows, outside the crispy layout.
    layout = ("instruction",)

    def clean(self):
        data = super().clean()
        self.routes = {}
        unrouted = []
        for case in data.get("cases", ()):
            department = selectors.suggested_department(case)
            if department is None:
                unrouted.append(case.number)
            else:
                self.routes[case.pk] = department
        if unrouted:
            raise forms.ValidationError(
                _(
                    "No department is suggested for case %(numbers)s: sign it off on its own page. "
                    "Nothing was signed off."
                )
                % {"numbers": ", ".join(sorted(unrouted))}
            )
        return data

    def decisions(self) -> dict[int, SignOffData]:
        instruction = self.cleaned_data["instruction"]
        return {
            case_id: SignOffData(
                decision=Decision.FORWARD, instruction=instruction, department_id=department.pk
            )
            for case_id, department in self.routes.items()
        }


class ExtensionDecisionForm(ActionForm):
    APPROVE, REFUSE = "approve", "refuse"

    # Set by the Approve and Refuse buttons, which are not part of the crispy layout.
    decision = forms.ChoiceField(choices=[(APPROVE, _("Approve")), (REFUSE, _("Refuse"))])
    note = _text(_("Note (optional)"), required=False, rows=1)
    layout = ("note",)

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE


class DeclineForm(ActionForm):
    reason = _text(_("Why the case is not accepted"))
    channel = forms.CharField(
        label=_("Proper channel"),
        required=False,
        max_length=200,
        help_text=_("Where the petitioner should turn; for a case in litigation, the court."),
    )


class ReturnForm(ActionForm):
    reason = _text(_("Why the case is not for your department"))


class ExtensionRequestForm(ActionForm):
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=MAX_EXTENSION_DAYS)
    reason = _text(_("Reason (the petitioner will be told)"))


class ReplyForm(ActionForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReplyOutcome.choices, widget=forms.RadioSelect)
    text = _text(_("Reply to the petitioner"), rows=3)


class FollowUpForm(ActionForm):
    satisfaction_department = forms.ChoiceField(
        label=_("Satisfaction with the department"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    satisfaction_bureau = forms.ChoiceField(
        label=_("Satisfaction with the bureau"),
        choices=[("", _("Not asked")), *Satisfaction.choices],
        required=False,
    )
    note = _text(_("Note on the call"), required=False, rows=1)
