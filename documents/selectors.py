from django.db.models import Q, QuerySet

from accounts.models import User
from cases.selectors import cases_visible_to

from .models import Document, DocumentKind, DocumentState

# Addressed to the petitioner, so they name the petitioners.
TO_THE_PETITIONER = (DocumentKind.RECEIPT_NOTICE, DocumentKind.REPLY_LETTER, DocumentKind.EXTENSION_NOTICE)


def documents_visible_to(user: User) -> QuerySet[Document]:
    """The documents of the cases the user may see. Department staff do not get the letters that
    name the petitioner of an anonymous or accusation case (Art. 30), as they do not see them on
    the case page either."""
    documents = Document.objects.filter(case__in=cases_visible_to(user))
    if user.is_department_staff:
        documents = documents.exclude(
            Q(kind__in=TO_THE_PETITIONER) & (Q(case__anonymous=True) | Q(case__category__is_accusation=True))
        )
    return documents


def case_documents(user: User, case_id: int) -> dict:
    """The case page's list of letters, and whether one is still being prepared."""
    documents = list(documents_visible_to(user).filter(case_id=case_id).order_by("created_at", "id"))
    return {
        "case_pk": case_id,
        "documents": documents,
        "documents_pending": any(document.state == DocumentState.PENDING for document in documents),
    }
