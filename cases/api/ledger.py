"""`?format=csv` and `?format=xlsx` on the case list (the ledger, DESIGN.md §6).

These renderers only let content negotiation choose a ledger format (by `?format=` or by the
Accept header): the list answers it with the streamed file cases.ledger builds, which a DRF
renderer, handed the whole body at once, could not do.
"""

from rest_framework.renderers import BaseRenderer

from ..ledger import XLSX_CONTENT_TYPE


class LedgerRenderer(BaseRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError("The case list streams the ledger itself.")


class CSVLedgerRenderer(LedgerRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"


class XLSXLedgerRenderer(LedgerRenderer):
    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"


LEDGER_RENDERERS = [CSVLedgerRenderer, XLSXLedgerRenderer]
