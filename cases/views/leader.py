"""The leader's pages: the sign-off queue (one case or several at once), returned cases, extension
requests and the supervision (督办) list, and the leader's actions on a case."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from accounts.permissions import role_required

from .. import selectors
from ..forms import BatchSignOffForm, ExtensionDecisionForm, SuperviseForm
from ..models import ClockKind, Extension, ExtensionState
from ..offered import CaseFacts, action_offered
from ..services import TransitionNotAllowed
from ..sign_off import case_sign_off, case_sign_off_many, case_supervise, extension_decide
from ..workflow import Action
from .case import act

PAGE_SIZE = 25
# The supervision list shows the first cases of each reason; the rest wait for these to move.
SECTION_SIZE = 50
SECTIONS = {
    "overdue": gettext_lazy("Overdue"),
    "due_soon": gettext_lazy("Due within three days"),
    "stuck": gettext_lazy("Stuck in forwarding"),
    "returned_often": gettext_lazy("Returned twice or more"),
    "dissatisfied": gettext_lazy("Petitioner dissatisfied"),
}


def _page(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return page


def _render(request, template: str, tab: str, context: dict):
    return render(request, template, {"tab": tab, "tab_counts": selectors.leader_tab_counts(), **context})


@role_required(Role.LEADER)
@require_GET
def sign_off_queue(request):
    return _queue(request, BatchSignOffForm(prefix="batch"))


def _queue(request, batch_form: BatchSignOffForm, ticked=()):
    page = _page(request, selectors.sign_off_queue())
    suggestions = selectors.suggested_departments(page.object_list)
    for case in page.object_list:
        case.suggestion = suggestions[case.pk]
        case.forward_clock = next((c for c in case.running_clocks if c.kind == ClockKind.FORWARD), None)
        case.ticked = str(case.pk) in ticked
    return _render(request, "cases/sign_off_queue.html", "queue", {"page": page, "batch_form": batch_form})


@role_required(Role.LEADER)
@require_POST
def sign_off_batch(request):
    """Routine cases forwarded together, all or none, each to its suggested department."""
    form = BatchSignOffForm(request.POST, prefix="batch")
    # Refused, the queue comes back with the instruction typed and the ticks as they were.
    ticked = request.POST.getlist("batch-cases")
    if not form.is_valid():
        for error in form.errors.values():
            for message in error:
                messages.error(request, message)
        return _queue(request, form, ticked)
    try:
        cases = case_sign_off_many(leader=request.user, decisions=form.decisions())
    except (TransitionNotAllowed, PermissionDenied) as error:
        messages.error(request, _("Nothing was signed off: %(error)s") % {"error": error})
        return _queue(request, form, ticked)
    except ValidationError as error:
        messages.error(request, _("Nothing was signed off: %(error)s") % {"error": " ".join(error.messages)})
        return _queue(request, form, ticked)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d case signed off and sent to its department.",
                "%(count)d cases signed off, each sent to its department.",
                len(cases),
            )
            % {"count": len(cases)},
        )
    return redirect("cases:sign_off_queue")


@role_required(Role.LEADER)
@require_GET
def returned(request):
    return _render(
        request, "cases/returned.html", "returned", {"page": _page(request, selectors.returned_cases())}
    )


@role_required(Role.LEADER)
@require_GET
def extensions(request):
    page = _page(request, selectors.pending_extensions())
    for extension in page:
        # One form per row: ids of their own, the names the decision's view reads.
        extension.decision_form = ExtensionDecisionForm(
            prefix="decide_extension", auto_id=f"decide-extension-{extension.pk}-%s"
        )
    return _render(request, "cases/extensions.html", "extensions", {"page": page})


@role_required(Role.LEADER)
@require_GET
def supervision(request):
    sections = []
    for key, cases in selectors.supervision_list().items():
        cases = list(cases[: SECTION_SIZE + 1])
        for case in cases:
            case.can_supervise = action_offered(Action.SUPERVISE, case, request.user.role, CaseFacts.of(case))
            case.supervise_form = SuperviseForm(prefix="supervise", auto_id=f"supervise-{key}-{case.pk}-%s")
        sections.append(
            {
                "key": key,
                "title": SECTIONS[key],
                "cases": cases[:SECTION_SIZE],
                "more": len(cases) > SECTION_SIZE,
            }
        )
    return _render(request, "cases/supervision.html", "supervision", {"sections": sections})


@role_required(Role.LEADER)
@require_POST
def sign_off(request, pk: int):
    return act(
        request,
        pk,
        "sign_off",
        lambda case, form: case_sign_off(case_id=case.pk, leader=request.user, data=form.sign_off_data()),
        _("Case %(number)s signed off."),
    )


@role_required(Role.LEADER)
@require_POST
def decide_extension(request, pk: int):
    return act(
        request,
        pk,
        "decide_extension",
        lambda case, form: extension_decide(
            case_id=case.pk, leader=request.user, approve=form.approve, note=form.cleaned_data["note"]
        ),
        _extension_decided,
    )


def _extension_decided(extension: Extension) -> str:
    message = (
        ngettext(
            "Extension of %(days)d day approved on case %(number)s; the department is told.",
            "Extension of %(days)d days approved on case %(number)s; the department is told.",
            extension.days,
        )
        if extension.state == ExtensionState.APPROVED
        else ngettext(
            "Extension of %(days)d day refused on case %(number)s; the department is told.",
            "Extension of %(days)d days refused on case %(number)s; the department is told.",
            extension.days,
        )
    )
    return message % {"days": extension.days, "number": extension.case.number}


@role_required(Role.LEADER)
@require_POST
def supervise(request, pk: int):
    return act(
        request,
        pk,
        "supervise",
        lambda case, form: case_supervise(
            case_id=case.pk, leader=request.user, text=form.cleaned_data["text"]
        ),
        _("Supervision notice sent on case %(number)s."),
    )
