"""The ledger (台账) of the department's inbox and of the leader's sign-off queue: the same cases,
in the same order, as the page lists them, as CSV or Excel (`?format=csv|xlsx`)."""

from django.http import Http404
from django.views.decorators.http import require_GET

from accounts.models import Role
from accounts.permissions import role_required

from .. import selectors
from ..ledger import FORMATS, ledger_response


def _export(request, queryset):
    file_format = request.GET.get("format")
    if file_format not in FORMATS:
        raise Http404
    return ledger_response(queryset, user=request.user, file_format=file_format)


@role_required(Role.DEPARTMENT)
@require_GET
def inbox_export(request):
    return _export(request, selectors.department_inbox(request.user))


@role_required(Role.LEADER)
@require_GET
def sign_off_queue_export(request):
    return _export(request, selectors.sign_off_queue())
