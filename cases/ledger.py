"""The ledger (台账): a case list exported as CSV or Excel, with the list's own filters (issue 4 §2).

Both formats stream: the CSV is written row by row as the client reads it, the workbook is
written row by row to a temporary file (XlsxWriter's constant-memory mode) and sent from disk,
so a year of cases never sits in memory. Rows come from the database in chunks.

What leaves the bureau in a ledger is what the list shows and no more: ID numbers only masked;
the petitioners of an anonymous or accusation case (Art. 30) left out for department staff, as
on the case page and in the API.
"""

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator

import xlsxwriter
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.models import User
from intake.models import Petitioner

from .models import Case, ReplyOutcome, Satisfaction, Status

FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 2000
# Spreadsheets run a cell that begins with one of these as a formula (CSV injection); tab and
# carriage return hide such a start from a naive check.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(text: str) -> str:
    """The cell shown as text, never run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _when(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value else ""


def _petitioners(case: Case, hide_protected: bool) -> str:
    if hide_protected and (case.anonymous or case.category.is_accusation):
        return ""
    return "；".join(
        f"{person.name}（{person.id_number_masked}）" if person.id_number_masked else person.name
        for person in case.petitioners.all()
    )


def _field(name: str) -> str:
    return capfirst(Case._meta.get_field(name).verbose_name)


def _columns(hide_protected: bool) -> list[tuple[str, Callable[[Case], str]]]:
    return [
        (_field("number"), lambda case: case.number),
        (_field("tracking_code"), lambda case: case.tracking_code),
        (_field("registered_at"), lambda case: _when(case.registered_at)),
        (_field("category"), lambda case: case.category.name),
        (_field("subject_area"), lambda case: case.subject_area.name),
        (_field("place"), lambda case: case.place.name),
        (_field("is_group"), lambda case: _("Yes") if case.is_group else ""),
        (_field("petitioners"), lambda case: _petitioners(case, hide_protected)),
        (_field("request"), lambda case: case.request),
        (_field("status"), lambda case: _label(Status, case.status)),
        (_field("department"), _department_name),
        (_field("replied_at"), lambda case: _when(case.replied_at)),
        (_field("reply_outcome"), lambda case: _label(ReplyOutcome, case.reply_outcome)),
        (_field("satisfaction_department"), lambda case: _label(Satisfaction, case.satisfaction_department)),
        (_field("satisfaction_bureau"), lambda case: _label(Satisfaction, case.satisfaction_bureau)),
    ]


def _department_name(case: Case) -> str:
    return case.named_department.name if case.named_department else ""


def ledger_rows(queryset: QuerySet[Case], *, user: User) -> Iterator[list[str]]:
    """The header, then one row per case in the list's order, as text; each format keeps its
    cells from running as formulas its own way."""
    columns = _columns(hide_protected=user.is_department_staff)
    yield [str(header) for header, _value in columns]
    people = Petitioner.objects.only("name", "id_number_masked").order_by("name", "id")
    cases = (
        queryset.select_related("category", "subject_area", "place", "department")
        # The list's own prefetches (its clocks) are not in the ledger.
        .prefetch_related(None)
        .prefetch_related(Prefetch("petitioners", queryset=people))
    )
    for case in cases.iterator(chunk_size=CHUNK_SIZE):
        yield [value(case) for _header, value in columns]


def _filename(extension: str) -> str:
    name = _("Ledger")  # 台账; outside the f-string, where makemessages can find it
    return f"{name}-{timezone.localdate():%Y-%m-%d}.{extension}"


class _Echo:
    """csv.writer writes a row here and gets the line back, to yield it."""

    def write(self, value: str) -> str:
        return value


def _in_language(rows: Iterable[list[str]], language: str) -> Iterator[list[str]]:
    # The body is produced after the view has returned: keep the request's language for it.
    with translation.override(language):
        yield from rows


def _csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The byte-order mark makes Excel read the file as UTF-8 rather than the local code page.
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def csv_response(rows: Iterable[list[str]]) -> StreamingHttpResponse:
    return StreamingHttpResponse(
        _csv_lines(rows),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, _filename("csv"))},
    )


def xlsx_response(rows: Iterable[list[str]]) -> FileResponse:
    # Deleted when the response closes it, after the last byte is sent.
    file = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook = xlsxwriter.Workbook(
        file,
        {
            # Each row goes to disk once the next begins.
            "constant_memory": True,
            # Text stays text: no formulas, links or numbers made out of what a petitioner wrote.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet(_("Ledger"))
    bold = workbook.add_format({"bold": True})
    # What typing an apostrophe first does in Excel: the cell shows the text as it is (-5元, not
    # '-5元) and stays text when it is edited, where a plain text cell would become a formula.
    quoted = workbook.add_format({"quote_prefix": True})
    for index, row in enumerate(rows):
        for column, text in enumerate(row):
            style = bold if index == 0 else quoted if text.startswith(FORMULA_STARTS) else None
            sheet.write_string(index, column, text, style)
    workbook.close()
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=_filename("xlsx"), content_type=XLSX_CONTENT_TYPE)


def ledger_response(queryset: QuerySet[Case], *, user: User, file_format: str):
    """The cases of a list, in its order, as a CSV or Excel download."""
    rows = _in_language(ledger_rows(queryset, user=user), translation.get_language())
    return csv_response(rows) if file_format == "csv" else xlsx_response(rows)
