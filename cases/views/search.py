"""The staff search page (issue 4 §4) and its ledger: every staff role searches the cases it may
see; the ledger exports exactly what the search finds, in the same order."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import Role
from accounts.permissions import role_required

from ..ledger import FORMATS, ledger_response
from ..search import SearchPaginator, case_search, search_cases

PAGE_SIZE = 25


def typed(text: str) -> str:
    # PostgreSQL's text cannot hold NUL: nobody types one, and a crafted one was a server error.
    return text.replace("\x00", "").strip()


staff = role_required(Role.RECEPTIONIST, Role.LEADER, Role.DEPARTMENT, Role.ADMINISTRATOR)


@staff
@require_GET
def search_page(request):
    query = typed(request.GET.get("q", ""))
    search = search_cases(request.user, query)
    paginator = SearchPaginator(search, PAGE_SIZE)
    return render(
        request,
        "cases/search.html",
        {
            "q": query,
            "search": search,
            "paginator": paginator,
            "page": paginator.get_page(request.GET.get("page")),
        },
    )


@staff
@require_GET
def search_export(request):
    file_format = request.GET.get("format")
    if file_format not in FORMATS:
        raise Http404
    query = typed(request.GET.get("q", ""))
    return ledger_response(case_search(request.user, query), user=request.user, file_format=file_format)
