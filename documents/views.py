"""The letters of a case: listed on the case page, opened to print or downloaded as PDF."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cases.selectors import cases_visible_to

from .models import DocumentState
from .selectors import case_documents, documents_visible_to


def pdf_response(document, *, download: bool) -> FileResponse:
    return FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=download,
        filename=document.filename,
    )


@require_GET
def document_pdf(request, pk: int):
    """Inline, the browser's viewer prints it; `?download=1` saves it."""
    document = get_object_or_404(documents_visible_to(request.user), pk=pk, state=DocumentState.READY)
    return pdf_response(document, download=request.GET.get("download") == "1")


@require_GET
def case_documents_panel(request, case_pk: int):
    """The case page's list of letters; the page polls it while a letter is being prepared.
    A case the user may not see is not found, as its page is (DESIGN §3)."""
    case = get_object_or_404(cases_visible_to(request.user).only("pk"), pk=case_pk)
    return render(request, "documents/_case_documents.html", case_documents(request.user, case.pk))
