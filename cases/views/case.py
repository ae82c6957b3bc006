"""The case page: the matter, its clocks, the leader's decisions, the timeline, and the forms of
the actions the viewer may take now. Every action form posts to its own small view, which calls
one service through `act`."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from documents.selectors import case_documents

from .. import selectors
from ..forms import ActionForm
from ..models import Case
from ..services import TransitionNotAllowed, case_submit
from ..workflow import Action, action_label, allowed_actions
from .panels import PANELS, ShownPanel, load_record, panels_for, step_allowed


def _visible_case(request, pk: int) -> Case:
    return get_object_or_404(
        selectors.cases_visible_to(request.user).select_related(
            "category", "subject_area", "place", "department", "registered_by"
        ),
        pk=pk,
    )


def render_case(
    request,
    case: Case,
    *,
    bound: ShownPanel | None = None,
    refusal: ValidationError | None = None,
    explained: bool = False,
):
    """The case page; `bound` is a refused action's form, `refusal` its service's reasons, and
    `explained` whether the reason was given already."""
    record = load_record(case)
    panels = panels_for(case, request.user, record, bound)
    unsaved = []
    if bound is not None:
        form_shown = any(shown.name == bound.name for shown in panels)
        if refusal is not None and (form_shown or step_allowed(case, request.user, bound.name)):
            # Beside the fields if the form is still on the page; at the top if a rule of the
            # step took it away (the 30 days of extension used up). A step the case's state no
            # longer allows is said below, not the checks of its fields.
            explained = show_errors(request, bound.form if form_shown else None, refusal) or explained
        if form_shown:
            if bound.form.errors:
                messages.error(request, _("Nothing was saved: correct the fields marked below."))
        else:
            # The case moved on meanwhile (a colleague acted, a limit passed): the form is gone
            # from the page, so what was typed into it is shown to be copied, not thrown away.
            if not explained:
                gone = _(
                    "Case %(number)s is now “%(status)s”: “%(step)s” is no longer offered. Nothing was saved."
                )
                step = {"number": case.number, "status": case.get_status_display(), "step": bound.panel.title}
                messages.error(request, gone % step)
            unsaved = typed_text(bound.form)
    events = list(case.events.select_related("actor"))
    for event in events:
        event.label = action_label(event.action)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            # The department replies to the petitioner: it needs the contacts, the son's number too.
            "petitioners": case.petitioners.prefetch_related("contacts"),
            "visits": case.visits.select_related("window", "receptionist").order_by("visited_at"),
            "attachments": selectors.attachments_visible_to(request.user, case),
            "documents": case_documents(request.user, case.pk),
            "events": events,
            "record": record,
            "panels": panels,
            "unsaved": unsaved,
            "can_submit": Action.SUBMIT in allowed_actions(case.status, request.user.role),
            "show_people": not selectors.identity_withheld_from(request.user, case),
            "same_organisation": selectors.same_organisation_for(request.user, case),
        },
    )


@require_GET
def case_detail(request, pk: int):
    """A case with its people, visits, attachments, clocks, decisions and timeline; another
    department's case does not exist for department staff."""
    return render_case(request, _visible_case(request, pk))


def back_to(request, case: Case) -> str:
    """Where a form goes back to: the list it was sent from (`next`), or the case."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("cases:detail", args=[case.pk])


def show_errors(request, form: ActionForm | None, error: ValidationError) -> bool:
    """A service's field errors go beside the fields of `form`; the rest, or all of them without
    a form, to the top of the page. True if something went to the top."""
    if form is None or not hasattr(error, "error_dict"):
        for message in error.messages:
            messages.error(request, message)
        return True
    on_top = False
    for field, field_messages in error.message_dict.items():
        if field in form.fields:
            form.add_error(field, field_messages)
        else:
            for message in field_messages:
                messages.error(request, message)
            on_top = True
    return on_top


def typed_text(form: ActionForm) -> list[tuple[str, str]]:
    """The text a refused form carried (an instruction, a reason, a reply), label by label."""
    return [
        (str(field.label), value.strip())
        for field in form
        if isinstance(field.field, forms.CharField)
        and not field.is_hidden
        and isinstance(value := field.value(), str)
        and value.strip()
    ]


def act(
    request,
    pk: int,
    name: str,
    run: Callable[[Case, ActionForm], object],
    done: str | Callable[[object], str],
):
    """Bind the action's form, call its service once, and go back with `done`: formatted with the
    case's number, or, where the message depends on the outcome, made from the service's result.
    A refusal changes nothing: the state is re-read and the message shown,
    with the form and what was typed into it."""
    form = PANELS[name].form_class(request.POST, prefix=name)
    try:
        case = _visible_case(request, pk)
    except Http404:
        if not request.user.is_department_staff:
            raise
        # Returned and routed elsewhere while a colleague had it open, or never theirs: the
        # same page either way, which tells nothing of where the case is.
        return render(request, "cases/case_gone.html", {"unsaved": typed_text(form)}, status=404)
    explained, refusal = False, None
    if form.is_valid():
        try:
            result = run(case, form)
        except (TransitionNotAllowed, PermissionDenied) as error:
            messages.error(request, str(error) or _("Your role may not do this."))
            case, explained = _visible_case(request, pk), True
        except ValidationError as error:
            case, refusal = _visible_case(request, pk), error
        else:
            messages.success(request, done(result) if callable(done) else done % {"number": case.number})
            return redirect(back_to(request, case))
    bound = ShownPanel(name, PANELS[name], form)
    return render_case(request, case, bound=bound, refusal=refusal, explained=explained)


@require_POST
def case_submit_view(request, pk: int):
    case = get_object_or_404(selectors.cases_visible_to(request.user), pk=pk)
    try:
        case_submit(case_id=case.pk, actor=request.user)
    except (TransitionNotAllowed, PermissionDenied) as error:
        messages.error(request, str(error))
    return redirect("cases:detail", pk=case.pk)


@require_GET
def attachment_download(request, pk: int, attachment_pk: int):
    """Attachments leave only through here, after the same visibility check as the case."""
    return attachment_response(request.user, pk, attachment_pk, download=request.GET.get("download") == "1")


def attachment_response(user, case_pk: int, pk: int, *, download: bool) -> FileResponse:
    """The attachment as uploaded, after the same visibility check as the case (the API's too)."""
    case = get_object_or_404(selectors.cases_visible_to(user).select_related("category"), pk=case_pk)
    attachment = get_object_or_404(selectors.attachments_visible_to(user, case), pk=pk)
    return FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=download,
        filename=attachment.original_name,
    )
