"""The receiving department: its inbox and what it does with a case (DESIGN §5; issue 3 §4).
Another department's case is a 404 here as everywhere: `act` finds cases through
`selectors.cases_visible_to`."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from accounts.permissions import role_required

from .. import selectors
from ..handling import (
    case_accept,
    case_add_note,
    case_conclude,
    case_decline,
    case_receive,
    case_reply,
    case_report,
    case_request_extension,
    case_return,
    supervision_answer,
)
from .case import act

PAGE_SIZE = 25
department_only = role_required(Role.DEPARTMENT)


@department_only
@require_GET
def inbox(request):
    page = Paginator(selectors.department_inbox(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/inbox.html", {"page": page})


@department_only
@require_POST
def receive(request, pk: int):
    return act(
        request,
        pk,
        "receive",
        lambda case, form: case_receive(case_id=case.pk, actor=request.user),
        _("Case %(number)s received."),
    )


@department_only
@require_POST
def accept(request, pk: int):
    return act(
        request,
        pk,
        "accept",
        lambda case, form: case_accept(case_id=case.pk, actor=request.user, note=form.cleaned_data["note"]),
        _("Case %(number)s accepted: the 60 days to handle it have started."),
    )


@department_only
@require_POST
def decline(request, pk: int):
    return act(
        request,
        pk,
        "decline",
        lambda case, form: case_decline(case_id=case.pk, actor=request.user, **form.cleaned_data),
        _("Case %(number)s declined."),
    )


@department_only
@require_POST
def return_case(request, pk: int):
    return act(
        request,
        pk,
        "return",
        lambda case, form: case_return(
            case_id=case.pk, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        _("Case %(number)s returned to the bureau."),
    )


@department_only
@require_POST
def extend(request, pk: int):
    return act(
        request,
        pk,
        "extend",
        lambda case, form: case_request_extension(case_id=case.pk, actor=request.user, **form.cleaned_data),
        _("Extension asked on case %(number)s; it waits for a leader's approval."),
    )


@department_only
@require_POST
def note(request, pk: int):
    return act(
        request,
        pk,
        "note",
        lambda case, form: case_add_note(case_id=case.pk, actor=request.user, text=form.cleaned_data["text"]),
        _("Note added to case %(number)s."),
    )


@department_only
@require_POST
def reply(request, pk: int):
    return act(
        request,
        pk,
        "reply",
        lambda case, form: case_reply(case_id=case.pk, actor=request.user, **form.cleaned_data),
        _("Reply recorded on case %(number)s."),
    )


@department_only
@require_POST
def conclude(request, pk: int):
    return act(
        request,
        pk,
        "conclude",
        lambda case, form: case_conclude(case_id=case.pk, actor=request.user, note=form.cleaned_data["note"]),
        _("Case %(number)s concluded."),
    )


@department_only
@require_POST
def report(request, pk: int):
    return act(
        request,
        pk,
        "report",
        lambda case, form: case_report(case_id=case.pk, actor=request.user, text=form.cleaned_data["text"]),
        _("Completion report sent on case %(number)s."),
    )


@department_only
@require_POST
def answer_supervision(request, pk: int):
    return act(
        request,
        pk,
        "answer_supervision",
        lambda case, form: supervision_answer(
            case_id=case.pk, actor=request.user, text=form.cleaned_data["text"]
        ),
        _("Supervision notice on case %(number)s answered."),
    )
