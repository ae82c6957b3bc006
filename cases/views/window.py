"""The window after the department: the follow-up call, a request for review, closing."""

from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required

from ..follow_up import case_close, case_follow_up, case_request_review
from .case import act


@role_required(Role.RECEPTIONIST)
@require_POST
def follow_up(request, pk: int):
    return act(
        request,
        pk,
        "follow_up",
        lambda case, form: case_follow_up(case_id=case.pk, actor=request.user, **form.cleaned_data),
        _("Follow-up call recorded on case %(number)s."),
    )


@role_required(Role.RECEPTIONIST)
@require_POST
def review(request, pk: int):
    return act(
        request,
        pk,
        "review",
        lambda case, form: case_request_review(
            case_id=case.pk, actor=request.user, note=form.cleaned_data["note"]
        ),
        _("Request for review recorded on case %(number)s."),
    )


# The leader may close a concluded case as well (cases.workflow).
@role_required(Role.RECEPTIONIST, Role.LEADER)
@require_POST
def close(request, pk: int):
    return act(
        request,
        pk,
        "close",
        lambda case, form: case_close(case_id=case.pk, actor=request.user, note=form.cleaned_data["note"]),
        _("Case %(number)s closed."),
    )
