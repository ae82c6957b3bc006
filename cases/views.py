from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from accounts.permissions import role_required

from . import selectors
from .models import Attachment
from .services import TransitionNotAllowed, case_submit
from .workflow import Action, allowed_actions


@require_GET
def case_detail(request, pk: int):
    """A case with its people, visits, attachments and timeline; another department's case does
    not exist for department staff."""
    case = get_object_or_404(
        selectors.cases_visible_to(request.user).select_related(
            "category", "subject_area", "place", "department", "registered_by"
        ),
        pk=pk,
    )
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "petitioners": case.petitioners.all(),
            "visits": case.visits.select_related("window", "receptionist").order_by("visited_at"),
            "attachments": case.attachments.all(),
            "events": case.events.select_related("actor"),
            "can_submit": Action.SUBMIT in allowed_actions(case.status, request.user.role),
            "show_people": not request.user.is_department_staff or not case.category.is_accusation,
        },
    )


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
    case = get_object_or_404(selectors.cases_visible_to(request.user), pk=pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, case=case)
    return FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=request.GET.get("download") == "1",
        filename=attachment.original_name,
    )


@role_required(Role.LEADER)
@require_GET
def sign_off_queue(request):
    page = Paginator(selectors.sign_off_queue(), 50).get_page(request.GET.get("page"))
    return render(request, "cases/sign_off_queue.html", {"page": page})


@role_required(Role.DEPARTMENT)
@require_GET
def inbox(request):
    page = Paginator(selectors.department_inbox(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "cases/inbox.html", {"page": page})
