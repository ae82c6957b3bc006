"""The ledger (台账) of every page that lists cases (issue 4 §2): the department's inbox, the
leader's sign-off queue, returned cases, extension requests and supervision sections, the window's
cases without a phone and a petitioner's cases. What the page lists, in its order, as CSV or Excel,
streamed; for the roles that may open the page; masked ID numbers; no formula runs in a
spreadsheet."""

import csv
import datetime
import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.handling import case_accept, case_receive, case_request_extension, case_return
from cases.ledger import neutralise
from cases.models import Case, Clock
from cases.sign_off import extension_decide
from cases.views.leader import SECTION_SIZE
from intake.validators import mask_id_number
from tests.api.conftest import RESIDENT_ID
from tests.cases.steps import forward
from tests.factories import ContactPointFactory, PetitionerFactory, UserFactory

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
    older = forward(make_case(request="补偿安置"), leader, department)
    newer = forward(make_case(request='=HYPERLINK("http://evil")'), leader, department)
    forward(make_case(request="支付工资"), leader, labour)
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
    case = forward(make_case(request='=HYPERLINK("http://evil")'), leader, department)

    response = client_for(department_user).get(reverse("cases:inbox_export"), {"format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert ".xlsx" in response["Content-Disposition"]
    header, row = xlsx_rows(response)
    assert header[0] == "信访件编号"
    assert row[0] == case.number
    assert row[header.index("诉求")] == '=HYPERLINK("http://evil")'  # text, as typed: see the next test
    assert row[header.index("状态")] == "已转送"


def test_excel_cells_are_never_formulas(make_case, leader, department, department_user):
    forward(make_case(request="=1+1"), leader, department)

    workbook = body(client_for(department_user).get(reverse("cases:inbox_export"), {"format": "xlsx"}))
    xml = zipfile.ZipFile(io.BytesIO(workbook)).read("xl/worksheets/sheet1.xml").decode()
    styles = zipfile.ZipFile(io.BytesIO(workbook)).read("xl/styles.xml").decode()

    assert "<f>" not in xml
    # shown as typed, in a cell that stays text when edited (Excel's leading apostrophe)
    assert "<t>=1+1</t>" in xml
    assert 'quotePrefix="1"' in styles


def test_sign_off_queue_ledger(make_case, leader, department):
    # given a group visit and a routine case awaiting sign-off, and one already forwarded
    routine = make_case(request="希望政府给予帮助")
    group = make_case(request="集体上访", is_group=True)
    forward(make_case(), leader, department)

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
    forward(make_case(), leader, department)

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


# --- the other lists: each ledger is its page's cases, in the page's order ----------------------


def numbers(response) -> list[str]:
    return [row[0] for row in csv_rows(response)[1:]]


def returned(case, leader, department, department_user, reason="不属于本部门职责"):
    forward(case, leader, department)
    case_return(case_id=case.pk, actor=department_user, reason=reason)
    return case


def accepted(case, leader, department, department_user):
    forward(case, leader, department)
    case_receive(case_id=case.pk, actor=department_user)
    case_accept(case_id=case.pk, actor=department_user)
    return case


def test_returned_cases_ledger_is_the_pages_list(make_case, leader, department, department_user, labour):
    # given two returned cases, and a forwarded and a waiting case that were not returned
    first = returned(make_case(request="第一件"), leader, department, department_user)
    second = returned(make_case(request="第二件"), leader, department, department_user, reason="属于镇政府")
    forward(make_case(), leader, labour)
    make_case()
    client = client_for(leader)
    page = [case.number for case in client.get(reverse("cases:returned")).context["page"]]

    csv_response = client.get(reverse("cases:returned_export"), {"format": "csv"})
    xlsx_response = client.get(reverse("cases:returned_export"), {"format": "xlsx"})

    assert page == [first.number, second.number]
    assert numbers(csv_response) == page
    header, *rows = xlsx_rows(xlsx_response)
    assert [row[0] for row in rows] == page
    assert rows[0][header.index("状态")] == "部门退回"
    # the department that gave each case back is named, as on the page
    assert {row[header.index("接办部门")] for row in rows} == {department.name}


def test_extension_requests_ledger_is_the_pages_list(make_case, leader, department, department_user):
    # given a case whose first request was refused and which asks again, and an older request
    older = accepted(make_case(), leader, department, department_user)
    again = accepted(make_case(), leader, department, department_user)
    case_request_extension(case_id=again.pk, actor=department_user, days=10, reason="需要协调")
    extension_decide(case_id=again.pk, leader=leader, approve=False, note="期限内可以办结")
    case_request_extension(case_id=older.pk, actor=department_user, days=20, reason="需要现场勘查")
    case_request_extension(case_id=again.pk, actor=department_user, days=5, reason="需要补充鉴定")
    accepted(make_case(), leader, department, department_user)
    client = client_for(leader)
    page = [extension.case.number for extension in client.get(reverse("cases:extensions")).context["page"]]

    rows = numbers(client.get(reverse("cases:extensions_export"), {"format": "csv"}))

    # each case once, the oldest request first, as the page
    assert page == [older.number, again.number]
    assert rows == page


def overdue(case):
    Clock.objects.filter(case=case, stopped_at__isnull=True).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    return case


def test_each_supervision_section_exports_its_cases(make_case, leader, department, department_user):
    # given two overdue cases, one of them also returned twice, and a case on time
    late = overdue(accepted(make_case(), leader, department, department_user))
    late_and_returned = overdue(accepted(make_case(), leader, department, department_user))
    Case.objects.filter(pk=late_and_returned.pk).update(returns_count=2)
    accepted(make_case(), leader, department, department_user)
    client = client_for(leader)
    sections = {
        section["key"]: [case.number for case in section["cases"]]
        for section in client.get(reverse("cases:supervision")).context["sections"]
    }

    for key, cases in sections.items():
        url = reverse("cases:supervision_export", args=[key])
        assert numbers(client.get(url, {"format": "csv"})) == cases, key
    assert sections["overdue"] == [late.number, late_and_returned.number]
    assert sections["returned_often"] == [late_and_returned.number]
    header, *rows = xlsx_rows(
        client.get(reverse("cases:supervision_export", args=["overdue"]), {"format": "xlsx"})
    )
    assert [row[0] for row in rows] == sections["overdue"]


def test_a_supervision_section_exports_the_cases_behind_the_first_page(make_case, leader):
    """The page shows the first cases of a section and says more wait; the ledger has them all."""
    cases = [make_case() for _ in range(SECTION_SIZE + 1)]
    Case.objects.update(returns_count=2)
    client = client_for(leader)
    sections = client.get(reverse("cases:supervision")).context["sections"]
    [section] = [section for section in sections if section["key"] == "returned_often"]
    url = reverse("cases:supervision_export", args=["returned_often"])

    rows = numbers(client.get(url, {"format": "csv"}))

    assert section["more"] and len(section["cases"]) == SECTION_SIZE
    assert rows == [case.number for case in cases]
    assert rows[:SECTION_SIZE] == [case.number for case in section["cases"]]


def test_an_unknown_supervision_section_is_not_found(leader):
    url = reverse("cases:supervision_export", args=["everything"])

    assert client_for(leader).get(url, {"format": "csv"}).status_code == 404


@pytest.mark.parametrize("role", ["receptionist", "leader"])
def test_cases_without_a_phone_ledger_is_the_pages_list(make_case, leader, receptionist, role):
    # given two cases nobody can be phoned about, and one whose petitioner has a mobile
    first, second = make_case(request="第一件"), make_case(request="第二件")
    reachable = make_case()
    ContactPointFactory(petitioner=reachable.petitioners.get())
    client = client_for({"receptionist": receptionist, "leader": leader}[role])
    page = [case.number for case in client.get(reverse("intake:missing_contacts")).context["page"]]

    csv_response = client.get(reverse("intake:missing_contacts_export"), {"format": "csv"})
    xlsx_response = client.get(reverse("intake:missing_contacts_export"), {"format": "xlsx"})

    assert page == [first.number, second.number]
    assert numbers(csv_response) == page
    assert [row[0] for row in xlsx_rows(xlsx_response)[1:]] == page


def test_a_petitioners_cases_ledger_is_the_pages_list(make_case, receptionist):
    # given a petitioner with two cases, and someone else's case
    older, newer, other = make_case(request="第一件"), make_case(request="第二件"), make_case()
    person = PetitionerFactory(
        name="李四",
        id_number=RESIDENT_ID,
        id_number_masked=mask_id_number(RESIDENT_ID),
        created_by=receptionist,
    )
    for case in (older, newer):
        case.petitioners.add(person)
    client = client_for(receptionist)
    page = [
        case.number for case in client.get(reverse("intake:petitioner", args=[person.pk])).context["cases"]
    ]
    url = reverse("intake:petitioner_cases_export", args=[person.pk])

    header, *rows = csv_rows(client.get(url, {"format": "csv"}))
    workbook = xlsx_rows(client.get(url, {"format": "xlsx"}))

    assert page == [newer.number, older.number]
    assert [row[0] for row in rows] == page
    assert "李四（1101**********002X）" in rows[0][header.index("信访人")]
    assert [row[0] for row in workbook[1:]] == page
    assert other.number not in page


def test_an_unknown_petitioners_ledger_is_not_found(receptionist):
    url = reverse("intake:petitioner_cases_export", args=[999999])

    assert client_for(receptionist).get(url, {"format": "csv"}).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        reverse("cases:returned_export"),
        reverse("cases:extensions_export"),
        reverse("cases:supervision_export", args=["overdue"]),
        reverse("intake:missing_contacts_export"),
    ],
)
@pytest.mark.parametrize("file_format", [None, "pdf"])
def test_other_lists_answer_only_csv_and_excel(leader, url, file_format):
    query = {"format": file_format} if file_format else {}

    assert client_for(leader).get(url, query).status_code == 404


LEADER_LEDGERS = ["cases:returned_export", "cases:extensions_export", "cases:supervision_export"]
WINDOW_LEDGERS = ["intake:missing_contacts_export", "intake:petitioner_cases_export"]


def ledger_url(name: str, case) -> str:
    if name == "cases:supervision_export":
        return reverse(name, args=["overdue"])
    if name == "intake:petitioner_cases_export":
        return reverse(name, args=[case.petitioners.get().pk])
    return reverse(name)


@pytest.mark.parametrize("name", LEADER_LEDGERS + WINDOW_LEDGERS)
def test_each_ledger_is_exported_only_by_the_roles_that_see_its_page(
    make_case, leader, department, department_user, labour_user, receptionist, name
):
    """As its page: the leader's lists for leaders, the window's for the window and leaders; a
    department, whose case or not, and an administrator get 403 and not a byte of a case."""
    # given a case the housing bureau returned, nobody to phone
    case = returned(make_case(), leader, department, department_user)
    administrator = UserFactory(username="admin", role="administrator")
    allowed = {leader} | ({receptionist} if name in WINDOW_LEDGERS else set())
    url = ledger_url(name, case)

    for user in (leader, receptionist, department_user, labour_user, administrator):
        response = client_for(user).get(url, {"format": "csv"})
        if user in allowed:
            assert response.status_code == 200, (name, user.username)
        else:
            assert response.status_code == 403, (name, user.username)
            assert case.number not in response.content.decode(), (name, user.username)


def test_a_department_never_exports_another_departments_case(
    make_case, leader, department, department_user, labour, labour_user
):
    # given a case with each department, and one the housing bureau returned
    housing = forward(make_case(), leader, department)
    labours = forward(make_case(), leader, labour)
    gone = returned(make_case(), leader, department, department_user)

    housing_rows = numbers(client_for(department_user).get(reverse("cases:inbox_export"), {"format": "csv"}))
    labour_rows = numbers(client_for(labour_user).get(reverse("cases:inbox_export"), {"format": "csv"}))

    assert housing_rows == [housing.number]
    assert labour_rows == [labours.number]
    assert gone.number not in housing_rows + labour_rows


def test_each_list_links_to_its_ledger(make_case, leader, department, department_user, receptionist):
    returned(make_case(), leader, department, department_user)
    case = overdue(accepted(make_case(), leader, department, department_user))
    case_request_extension(case_id=case.pk, actor=department_user, days=5, reason="需要协调")
    person = case.petitioners.get()
    leader_client, window = client_for(leader), client_for(receptionist)
    pages = {
        reverse("cases:returned_export"): leader_client.get(reverse("cases:returned")),
        reverse("cases:extensions_export"): leader_client.get(reverse("cases:extensions")),
        reverse("cases:supervision_export", args=["overdue"]): leader_client.get(
            reverse("cases:supervision")
        ),
        reverse("intake:missing_contacts_export"): window.get(reverse("intake:missing_contacts")),
        reverse("intake:petitioner_cases_export", args=[person.pk]): window.get(
            reverse("intake:petitioner", args=[person.pk])
        ),
    }

    for export, page in pages.items():
        html = page.content.decode()
        for file_format in ("xlsx", "csv"):
            assert f'href="{export}?format={file_format}"' in html, export
    # A supervision section with no case offers nothing to export.
    supervision = pages[reverse("cases:supervision_export", args=["overdue"])].content.decode()
    assert reverse("cases:supervision_export", args=["dissatisfied"]) not in supervision


@pytest.mark.parametrize(
    ("page", "export"),
    [
        ("cases:returned", "cases:returned_export"),
        ("intake:missing_contacts", "intake:missing_contacts_export"),
    ],
)
def test_a_ledger_takes_the_same_queries_however_many_cases(
    make_case, leader, department, department_user, page, export
):
    client = client_for(leader)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = csv_rows(client.get(reverse(export), {"format": "csv"}))
        assert len(rows) - 1 == len(client.get(reverse(page)).context["page"])
        return len(captured)

    returned(make_case(), leader, department, department_user)
    one = queries()
    for _ in range(4):
        returned(make_case(), leader, department, department_user)

    assert queries() == one
