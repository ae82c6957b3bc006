"""`GET /api/v1/cases/?format=csv|xlsx`: the case list, with its filters, as the ledger (台账)."""

import io
import zipfile

import pytest
import yaml
from django.core.management import call_command
from django.http import FileResponse

from cases.models import Case, Status
from intake.services import Attendee, PetitionerData, VisitData, visit_register
from tests.api.conftest import RESIDENT_ID
from tests.cases.test_ledger import body, csv_rows, xlsx_rows

pytestmark = [pytest.mark.django_db]

URL = "/api/v1/cases/"


def send_to(case: Case, department, **fields) -> Case:
    # Routed by hand: these tests are about what the ledger shows, not how a case got there.
    Case.objects.filter(pk=case.pk).update(department=department, **fields)
    case.refresh_from_db()
    return case


def numbers(response) -> list[str]:
    return [row[0] for row in csv_rows(response)[1:]]


@pytest.fixture
def cases(make_visit, department, other_department):
    return {
        "housing": send_to(make_visit(request="补偿安置").case, department, status=Status.FORWARDED),
        "labour": send_to(make_visit(request="支付工资").case, other_department, status=Status.ACCEPTED),
        "waiting": make_visit(request="尚未签批").case,
    }


def test_csv_ledger_has_every_case_the_list_has(leader_api, cases):
    response = leader_api.get(URL, {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = csv_rows(response)
    assert header[:2] == ["信访件编号", "查询码"]
    # Newest first, as the list.
    assert [row[0] for row in rows] == [cases[k].number for k in ("waiting", "labour", "housing")]
    assert rows[1][header.index("诉求")] == "支付工资"
    assert rows[1][header.index("接办部门")] == "人社局"


def test_ledger_applies_the_lists_filters(leader_api, cases, other_department):
    assert numbers(leader_api.get(URL, {"format": "csv", "status": "forwarded"})) == [cases["housing"].number]
    assert numbers(leader_api.get(URL, {"format": "csv", "department": other_department.pk})) == [
        cases["labour"].number
    ]
    assert numbers(leader_api.get(URL, {"format": "csv", "q": cases["waiting"].tracking_code.lower()})) == [
        cases["waiting"].number
    ]


def test_ledger_is_not_paginated(leader_api, make_visit, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "PAGE_SIZE": 2}
    for _ in range(3):
        make_visit()

    assert len(numbers(leader_api.get(URL, {"format": "csv"}))) == 3


def test_department_staff_export_only_their_cases(department_api, cases):
    assert numbers(department_api.get(URL, {"format": "csv"})) == [cases["housing"].number]

    header, *rows = xlsx_rows(department_api.get(URL, {"format": "xlsx"}))
    assert [row[0] for row in rows] == [cases["housing"].number]


def test_xlsx_ledger_in_chinese(leader_api, cases):
    response = leader_api.get(URL, {"format": "xlsx", "status": "accepted"})

    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".xlsx" in response["Content-Disposition"]
    header, row = xlsx_rows(response)
    assert header[header.index("诉求")] == "诉求"
    assert row[header.index("诉求")] == "支付工资"
    assert row[header.index("状态")] == "已受理"
    assert row[header.index("问题属地")] == "黎里镇"


def test_accept_header_also_chooses_the_ledger(leader_api, cases):
    response = leader_api.get(URL, HTTP_ACCEPT="text/csv")

    assert len(numbers(response)) == 3


def test_formulas_are_neutralised_in_both_formats(leader_api, make_visit):
    make_visit(request='=HYPERLINK("http://evil","点击")', names=("@王秀英",))

    header, row = csv_rows(leader_api.get(URL, {"format": "csv"}))
    assert row[header.index("诉求")] == '\'=HYPERLINK("http://evil","点击")'
    assert row[header.index("信访人")] == "'@王秀英"
    # The workbook shows the text as typed, its cell marked as Excel marks a leading apostrophe.
    header, row = xlsx_rows(leader_api.get(URL, {"format": "xlsx"}))
    assert row[header.index("诉求")] == '=HYPERLINK("http://evil","点击")'


def test_a_full_id_number_never_leaves_in_a_ledger(leader_api, make_visit, receptionist, reference):
    visit_register(
        data=VisitData(
            window_id=reference["window"].pk,
            persons=1,
            attendees=(
                Attendee(new=PetitionerData(name="王秀英", id_type="resident_id", id_number=RESIDENT_ID)),
            ),
            repeat_of=make_visit(names=("李四",)).case.pk,
        ),
        receptionist=receptionist,
    )

    csv_text = body(leader_api.get(URL, {"format": "csv"})).decode("utf-8-sig")
    workbook = zipfile.ZipFile(io.BytesIO(body(leader_api.get(URL, {"format": "xlsx"}))))
    xlsx_text = "".join(workbook.read(name).decode() for name in workbook.namelist())

    assert "王秀英（1101**********002X）" in csv_text
    assert "1101**********002X" in xlsx_text
    assert RESIDENT_ID not in csv_text
    assert RESIDENT_ID not in xlsx_text


@pytest.mark.parametrize("anonymous", [False, True])
def test_department_ledger_leaves_out_accusers_and_anonymous_petitioners(
    department_api, leader_api, make_visit, department, reference, anonymous
):
    """Art. 30: the department gets the matter, not who accused."""
    reference["category"].is_accusation = not anonymous
    reference["category"].save()
    send_to(make_visit(names=("王秀英",), anonymous=anonymous).case, department)

    header, row = csv_rows(department_api.get(URL, {"format": "csv"}))
    assert row[header.index("信访人")] == ""
    assert "王秀英" not in body(department_api.get(URL, {"format": "xlsx"})).decode("latin-1")
    header, row = csv_rows(leader_api.get(URL, {"format": "csv"}))
    assert row[header.index("信访人")] == "王秀英"


def test_a_refused_ledger_request_answers_in_json(leader_api, anonymous_api):
    bad_filter = leader_api.get(URL, {"format": "csv", "status": "nonsense"})
    unauthenticated = anonymous_api.get(URL, {"format": "xlsx"})

    assert bad_filter.status_code == 400
    assert "status" in bad_filter.json()
    assert unauthenticated.status_code in (401, 403)
    assert "detail" in unauthenticated.json()


def test_json_list_and_a_single_case_are_unchanged(leader_api, cases):
    assert leader_api.get(URL, {"format": "json"}).json()["count"] == 3
    assert leader_api.get(f"{URL}{cases['housing'].pk}/", {"format": "csv"}).status_code == 404


def test_ledger_is_documented(tmp_path):
    path = tmp_path / "schema.yml"
    # Warnings fail tests/api/test_schema.py; this is about what the list documents.
    call_command("spectacular", "--validate", "--file", str(path))

    operation = yaml.safe_load(path.read_text())["paths"]["/api/v1/cases/"]["get"]
    assert {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} <= set(
        operation["responses"]["200"]["content"]
    )
    format_parameter = next(p for p in operation["parameters"] if p["name"] == "format")
    assert set(format_parameter["schema"]["enum"]) == {"json", "csv", "xlsx"}


def test_the_list_its_filter_and_its_ledger_name_the_department_the_dashboard_counts(
    leader_api, make_visit, leader, department, department_user, other_department
):
    """A department that gave a case back is named, and found by `department=`, while the case
    waits to be routed again; not once the bureau answered it itself nor once it is signed off
    elsewhere. The JSON list, its filter, its ledger and the dashboard's cases by department agree
    (the ledger's column already left such a department out; the filter and the JSON did not)."""
    from django.utils import timezone

    from cases.handling import case_receive, case_return
    from cases.sign_off import SignOffData, case_sign_off
    from cases.statistics import Period, cases_by
    from tests.cases.steps import forward

    def returned(request: str) -> Case:
        case = forward(make_visit(request=request).case, leader, department)
        case_receive(case_id=case.pk, actor=department_user)
        return case_return(case_id=case.pk, actor=department_user, reason="非本局职责")

    waiting = returned("等待改派")
    answered = returned("窗口答复")
    case_sign_off(
        case_id=answered.pk,
        leader=leader,
        data=SignOffData(decision="answer_at_window", instruction="当场解释"),
    )
    rerouted = returned("改派人社局")
    case_sign_off(
        case_id=rerouted.pk,
        leader=leader,
        data=SignOffData(decision="forward", department_id=other_department.pk, instruction="请人社局处理"),
    )

    def listed(department_id) -> dict[str, str | None]:
        results = leader_api.get(URL, {"department": department_id}).json()["results"]
        return {case["number"]: case["department"] and case["department"]["name"] for case in results}

    def ledger(department_id) -> dict[str, str]:
        header, *rows = csv_rows(leader_api.get(URL, {"format": "csv", "department": department_id}))
        return {row[0]: row[header.index("接办部门")] for row in rows}

    assert listed(department.pk) == {waiting.number: "住建局"}
    assert ledger(department.pk) == {waiting.number: "住建局"}
    assert listed(other_department.pk) == ledger(other_department.pk) == {}
    everything = {case["number"]: case["department"] for case in leader_api.get(URL).json()["results"]}
    assert everything[answered.number] is None
    assert everything[rerouted.number] is None
    today = Period(start=timezone.localdate(), end=timezone.localdate())
    # The case waiting to be routed again is no department's yet in the dashboard's figures.
    assert cases_by(today, "department") == []
