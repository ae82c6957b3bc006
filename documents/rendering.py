"""HTML templates to A4 PDF with WeasyPrint, in the CJK font the set-up installs
(Debian's fonts-noto-cjk)."""

from django.template.loader import render_to_string

from .models import Document, DocumentKind

TEMPLATES = {
    DocumentKind.FORWARDING_LETTER: "documents/delivery_letter.html",
    DocumentKind.ASSIGNMENT_LETTER: "documents/delivery_letter.html",
    DocumentKind.RECEIPT_NOTICE: "documents/receipt_notice.html",
    DocumentKind.REPLY_LETTER: "documents/reply_letter.html",
    DocumentKind.EXTENSION_NOTICE: "documents/extension_notice.html",
}


def render_html(document: Document) -> str:
    return render_to_string(
        TEMPLATES[document.kind],
        {"document": document, "letter": document.content, "kind": document.kind, "kinds": DocumentKind},
    )


def render_pdf(document: Document) -> bytes:
    # Imported here: a web process that never renders a letter needs no Pango.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Everything a letter needs is in its HTML: no protocol allowed, nothing fetched.
    no_fetching = URLFetcher(allowed_protocols=())
    return HTML(string=render_html(document), url_fetcher=no_fetching).write_pdf()
