"""The ledger (台账) of every page that lists cases: the same cases, in the same order, as the page
lists them, as CSV or Excel (`?format=csv|xlsx`), for the roles that may open the page. Each
export reads the page's own selector, so a page and its ledger cannot drift apart."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from accounts.models import Role
from accounts.permissions import role_required
from intake import selectors as intake_selectors
from intake.models import Petitioner
from intake.views import READ_ROLES

from .. import selectors
from ..ledger import FORMATS, ledger_response


def _export(request, queryset):
    file_format = request.GET.get("format")
    if file_format not in FORMATS:
        raise Http404
    return ledger_response(queryset, user=request.user, file_format=file_format)


# --- the department ---------------------------------------------------------------------------


@role_required(Role.DEPARTMENT)
@require_GET
def inbox_export(request):
    return _export(request, selectors.department_inbox(request.user))


# --- the leader -------------------------------------------------------------------------------


@role_required(Role.LEADER)
@require_GET
def sign_off_queue_export(request):
    return _export(request, selectors.sign_off_queue())


@role_required(Role.LEADER)
@require_GET
def returned_export(request):
    return _export(request, selectors.returned_cases())


@role_required(Role.LEADER)
@require_GET
def extensions_export(request):
    return _export(request, selectors.cases_with_pending_extension())


@role_required(Role.LEADER)
@require_GET
def supervision_export(request, section: str):
    """One section of the supervision list, whole: the page shows the first cases of each."""
    sections = selectors.supervision_list()
    if section not in sections:
        raise Http404
    return _export(request, sections[section])


# --- the window -------------------------------------------------------------------------------


@role_required(*READ_ROLES)
@require_GET
def missing_contacts_export(request):
    return _export(request, intake_selectors.cases_missing_contact())


@role_required(*READ_ROLES)
@require_GET
def petitioner_cases_export(request, pk: int):
    petitioner = get_object_or_404(Petitioner, pk=pk)
    return _export(request, intake_selectors.petitioner_cases(petitioner))
