"""The ledger (台账) of the department's inbox and the leader's sign-off queue (issue 4 §2): what
the page lists, as CSV or Excel, streamed; masked ID numbers; no formula runs in a spreadsheet."""

import csv
import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from cases.forwarding import case_forward
from cases.ledger import neutralise
from cases.models import Decision
from cases.sign_off import SignOffData, case_sign_off
from intake.validators import mask_id_number
from tests.api.conftest import RESIDENT_ID
from tests.factories import PetitionerFactory

pytestmark = [pytest.mark.django_db]

SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def body(response) -> bytes:
    """All of a streamed download, as the browser would save it."""
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    content = body(response)
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def sheet_xml(response) -> str:
    return zipfile.ZipFile(io.BytesIO(body(response))).read("xl/worksheets/sheet1.xml").decode()


def xlsx_rows(response) -> list[list[str]]:
    """The first sheet's text, cell by cell (the workbook holds its strings inline)."""
    rows = []
    for row in ElementTree.fromstring(sheet_xml(response)).iter(f"{SHEET}row"):
        cells = {}
        for cell in row.iter(f"{SHEET}c"):
            letters = re.match(r"[A-Z]+", cell.get("r")).group()
            column = 0
            for letter in letters:
                column = column * 26 + ord(letter) - ord("A") + 1
            cells[column - 1] = "".join(text.text or "" for text in cell.iter(f"{SHEET}t"))
        rows.append([cells.get(i, "") for i in range(max(cells) + 1)] if cells else [])
    return rows


def client_for(user, language="zh-hans") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


def send_to(case, leader, department):
    case_sign_off(
        case_id=case.pk,
        leader=leader,
        data=SignOffData(decision=Decision.FORWARD, department_id=department.pk, instruction="请研究处理"),
    )
    case_forward(sign_off_id=case.sign_offs.last().pk)
    case.refresh_from_db()
    return case


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("希望政府给予帮助=1", "希望政府给予帮助=1"),
        ("", ""),
    ],
)
def test_a_cell_that_would_run_as_a_formula_is_shown_as_text(text, shown):
    assert neutralise(text) == shown


def test_inbox_ledger_lists_the_departments_open_cases(
    make_case, leader, department, department_user, labour, receptionist
):
    # given two cases sent to the housing bureau, one to labour, one still awaiting sign-off
    older = send_to(make_case(request="补偿安置"), leader, department)
    newer = send_to(make_case(request='=HYPERLINK("http://evil")'), leader, department)
    send_to(make_case(request="支付工资"), leader, labour)
    make_case(request="尚未签批")
    newer.petitioners.add(
        PetitionerFactory(
            name="李四",
            id_number=RESIDENT_ID,
            id_number_masked=mask_id_number(RESIDENT_ID),
            created_by=receptionist,
        )
    )

    # when the department exports its inbox
    response = client_for(department_user).get(reverse("cases:inbox_export"), {"format": "csv"})

    # then it gets its own two cases, newest first as on the page, in Chinese
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header[:3] == ["信访件编号", "查询码", "登记时间"]
    assert "诉求" in header and "接办部门" in header
    assert [row[0] for row in rows] == [newer.number, older.number]
    request = header.index("诉求")
    assert rows[0][request] == '\'=HYPERLINK("http://evil")'
    assert rows[0][header.index("接办部门")] == "住建局"
    assert "李四（1101**********002X）" in rows[0][header.index("信访人")]


def test_inbox_ledger_as_excel(make_case, leader, department, department_user):
    case = send_to(make_case(request='=HYPERLINK("http://evil")'), leader, department)

    response = client_for(department_user).get(reverse("cases:inbox_export"), {"format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert ".xlsx" in response["Content-Disposition"]
    header, row = xlsx_rows(response)
    assert header[0] == "信访件编号"
    assert row[0] == case.number
    assert row[header.index("诉求")] == '\'=HYPERLINK("http://evil")'
    assert row[header.index("状态")] == "已转送"


def test_excel_cells_are_never_formulas(make_case, leader, department, department_user):
    send_to(make_case(request="=1+1"), leader, department)

    xml = sheet_xml(client_for(department_user).get(reverse("cases:inbox_export"), {"format": "xlsx"}))

    assert "<f>" not in xml
    assert "'=1+1" in xml


def test_sign_off_queue_ledger(make_case, leader, department):
    # given a group visit and a routine case awaiting sign-off, and one already forwarded
    routine = make_case(request="希望政府给予帮助")
    group = make_case(request="集体上访", is_group=True)
    send_to(make_case(), leader, department)

    # when the leader exports the queue (in English)
    response = client_for(leader, "en").get(reverse("cases:sign_off_queue_export"), {"format": "csv"})

    # then the rows are the queue's, in its order: group visits first
    header, *rows = csv_rows(response)
    assert header[0] == "Case number"
    assert [row[0] for row in rows] == [group.number, routine.number]
    assert rows[0][header.index("Group visit")] == "Yes"
    assert rows[0][header.index("Status")] == "Awaiting sign-off"
    assert rows[0][header.index("Petitioners")] == "王秀英"


def test_the_department_never_sees_an_accusers_name(
    make_case, leader, department, department_user, reference
):
    """Art. 30: the matter goes to the department, the accuser's identity stays at the bureau."""
    reference["category"].is_accusation = True
    reference["category"].save()
    send_to(make_case(), leader, department)

    content = body(client_for(department_user).get(reverse("cases:inbox_export"), {"format": "csv"}))

    assert "王秀英" not in content.decode("utf-8-sig")


def test_the_leader_sees_an_accusers_name(make_case, leader, reference):
    reference["category"].is_accusation = True
    reference["category"].save()
    make_case()

    response = client_for(leader).get(reverse("cases:sign_off_queue_export"), {"format": "xlsx"})

    assert "王秀英" in sheet_xml(response)


def test_filename_names_the_ledger_and_the_day(leader):
    english = client_for(leader, "en").get(reverse("cases:sign_off_queue_export"), {"format": "csv"})
    chinese = client_for(leader, "zh-hans").get(reverse("cases:sign_off_queue_export"), {"format": "xlsx"})

    assert re.search(r"Ledger-\d{4}-\d{2}-\d{2}\.csv", english["Content-Disposition"])
    # RFC 6266: the non-ASCII name travels percent-encoded (台账 = %E5%8F%B0%E8%B4%A6).
    assert "%E5%8F%B0%E8%B4%A6-" in chinese["Content-Disposition"]


@pytest.mark.parametrize("query", [{}, {"format": "pdf"}])
def test_unknown_format_is_not_found(leader, query):
    assert client_for(leader).get(reverse("cases:sign_off_queue_export"), query).status_code == 404


def test_only_the_lists_owner_exports_it(leader, department_user, receptionist):
    assert client_for(leader).get(reverse("cases:inbox_export"), {"format": "csv"}).status_code == 403
    assert (
        client_for(department_user).get(reverse("cases:sign_off_queue_export"), {"format": "csv"}).status_code
        == 403
    )
    assert client_for(receptionist).get(reverse("cases:inbox_export"), {"format": "csv"}).status_code == 403


def test_pages_link_to_their_ledger(leader, department_user):
    queue = client_for(leader).get(reverse("cases:sign_off_queue")).content.decode()
    inbox = client_for(department_user).get(reverse("cases:inbox")).content.decode()

    assert f'href="{reverse("cases:sign_off_queue_export")}?format=xlsx"' in queue
    assert f'href="{reverse("cases:inbox_export")}?format=csv"' in inbox


def test_export_reads_cases_in_a_few_queries(make_case, leader, django_assert_max_num_queries):
    for _ in range(5):
        make_case()
    client = client_for(leader)

    with django_assert_max_num_queries(8):
        rows = csv_rows(client.get(reverse("cases:sign_off_queue_export"), {"format": "csv"}))

    assert len(rows) == 6
