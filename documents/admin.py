from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.admin import ReadOnlyAdmin

from .models import Document, DocumentState
from .services import document_retry


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    """Read-only: a letter is issued by its step and never edited; a failed one can be rendered
    again."""

    list_display = ("number", "kind", "case", "state", "created_at", "attempts")
    list_filter = ("kind", "state")
    search_fields = ("number", "case__number")
    actions = ["render_again"]

    @admin.action(description=_("Render the failed documents again"))
    def render_again(self, request, queryset):
        retried = sum(
            document_retry(document_id=pk)
            for pk in queryset.filter(state=DocumentState.FAILED).values_list("pk", flat=True)
        )
        messages.info(
            request,
            ngettext(
                "%(count)d document is being rendered again.",
                "%(count)d documents are being rendered again.",
                retried,
            )
            % {"count": retried},
        )
