import pytest
from django.core.files.base import ContentFile

from cases.models import Attachment, Case
from intake.models import Petitioner
from intake.services import Attendee, ContactData, PetitionerData, VisitData, contact_add, visit_register
from tests.api.conftest import RESIDENT_ID
from tests.factories import DepartmentFactory

URL = "/api/v1/cases/"


def send_to(case: Case, department) -> Case:
    # Routed by hand: these tests are about who sees which case, not how it got there
    # (tests/api/test_actions.py walks the road).
    Case.objects.filter(pk=case.pk).update(department=department)
    case.refresh_from_db()
    return case


@pytest.fixture
def housing_case(make_visit, department):
    return send_to(make_visit(names=("王秀英",), facts="住宅面临拆迁").case, department)


@pytest.fixture
def labour_case(make_visit, other_department):
    return send_to(make_visit(persons=32, names=("工人甲",), facts="拖欠工资").case, other_department)


# --- list --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("api", ["reception_api", "leader_api", "admin_api"])
def test_window_leader_and_administrator_see_every_case(request, api, housing_case, labour_case, make_visit):
    unrouted = make_visit().case

    response = request.getfixturevalue(api).get(URL)

    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {housing_case.pk, labour_case.pk, unrouted.pk}


@pytest.mark.django_db
def test_list_row(leader_api, housing_case, department, reference):
    [row] = leader_api.get(URL, {"department": department.pk}).json()["results"]

    assert row["number"] == housing_case.number
    assert row["status"] == "awaiting_sign_off"
    assert row["department"] == {
        "id": department.pk,
        "name": "住建局",
        "code": "housing",
        "is_court_liaison": False,
    }
    assert row["place"] == {"id": reference["place"].pk, "name": "黎里镇"}
    assert "facts" not in row and "petitioners" not in row


@pytest.mark.django_db
def test_list_filters(leader_api, housing_case, labour_case, other_department):
    Case.objects.filter(pk=labour_case.pk).update(status="forwarded")

    def ids(**query):
        return [row["id"] for row in leader_api.get(URL, query).json()["results"]]

    assert ids(status="forwarded") == [labour_case.pk]
    assert ids(department=other_department.pk) == [labour_case.pk]
    assert ids(q=housing_case.number) == [housing_case.pk]
    assert ids(q=f" {housing_case.tracking_code.lower()} ") == [housing_case.pk]
    assert ids(q="2000-000001") == []
    assert ids(status="forwarded", department=other_department.pk, q=housing_case.number) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [({"status": "lost"}, "status"), ({"department": 999999}, "department"), ({"open": "maybe"}, "open")],
)
def test_list_refuses_a_bad_filter(leader_api, query, field):
    response = leader_api.get(URL, query)

    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.django_db
def test_department_staff_list_only_their_department(department_api, housing_case, labour_case, make_visit):
    make_visit()

    response = department_api.get(URL)

    assert [row["id"] for row in response.json()["results"]] == [housing_case.pk]


@pytest.mark.django_db
def test_list_does_not_query_per_case(leader_api, make_visit, department, django_assert_max_num_queries):
    for n in range(10):
        send_to(make_visit(names=(f"甲{n}", f"乙{n}"), persons=2).case, department if n % 2 else None)

    with django_assert_max_num_queries(3):
        response = leader_api.get(URL)

    assert response.json()["count"] == 10


# --- detail ------------------------------------------------------------------------------------


def attach_letter(case, receptionist) -> Attachment:
    """Her scanned letter, as the window attaches it."""
    return Attachment.objects.create(
        case=case,
        file=ContentFile(b"%PDF-1.4 letter", name="letter.pdf"),
        original_name="来信.pdf",
        content_type="application/pdf",
        size=15,
        uploaded_by=receptionist,
    )


@pytest.mark.django_db
def test_another_departments_attachment_does_not_exist(department_api, labour_case, receptionist):
    attachment = attach_letter(labour_case, receptionist)

    response = department_api.get(f"{URL}{labour_case.pk}/attachments/{attachment.pk}/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_detail_has_petitioners_visits_attachments_and_timeline(
    leader_api, housing_case, receptionist, make_visit
):
    woman = housing_case.petitioners.get()
    contact_add(
        petitioner_id=woman.pk,
        data=ContactData(kind="mobile", value="13912345678", relation="son"),
        added_by=receptionist,
    )
    repeat = make_visit(repeat_of=housing_case, names=("李强",))
    attachment = attach_letter(housing_case, receptionist)

    response = leader_api.get(f"{URL}{housing_case.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["facts"] == "住宅面临拆迁"
    assert [p["name"] for p in body["petitioners"]] == ["李强", "王秀英"]
    assert body["petitioners"][1]["contacts"][0]["value"] == "13912345678"
    assert [v["is_repeat"] for v in body["visits"]] == [False, True]
    assert body["visits"][1]["id"] == repeat.pk
    assert body["visits"][0]["window"] == "1号窗口"
    [listed] = body["attachments"]
    assert listed | {"uploaded_at": None} == {
        "id": attachment.pk,
        "name": "来信.pdf",
        "type": "application/pdf",
        "size": 15,
        "uploaded_at": None,
        "url": f"http://testserver/api/v1/cases/{housing_case.pk}/attachments/{attachment.pk}/",
    }
    # the link serves the file to the token that read the case
    download = leader_api.get(listed["url"])
    assert (download.status_code, download["Content-Type"]) == (200, "application/pdf")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 letter"
    assert [(e["action"], e["from_status"], e["to_status"], e["actor"]) for e in body["timeline"]] == [
        ("register", "", "registered", "张进军"),
        ("submit", "registered", "awaiting_sign_off", "张进军"),
        ("repeat_visit", "awaiting_sign_off", "awaiting_sign_off", "张进军"),
    ]
    assert set(body["timeline"][0]) == {
        "actor",
        "by_system",
        "action",
        "action_label",
        "from_status",
        "to_status",
        "note",
        "created_at",
    }


@pytest.mark.django_db
def test_detail_shows_id_numbers_only_masked(leader_api, make_visit, receptionist, reference):
    visit = visit_register(
        data=VisitData(
            window_id=reference["window"].pk,
            persons=1,
            attendees=(
                Attendee(new=PetitionerData(name="王秀英", id_type="resident_id", id_number=RESIDENT_ID)),
            ),
            repeat_of=make_visit().case.pk,
        ),
        receptionist=receptionist,
    )

    response = leader_api.get(f"{URL}{visit.case_id}/")

    assert RESIDENT_ID not in response.content.decode()
    assert "1101**********002X" in [p["id_number_masked"] for p in response.json()["petitioners"]]


@pytest.mark.django_db
def test_department_staff_open_their_case_but_no_other(department_api, housing_case, labour_case, make_visit):
    assert department_api.get(f"{URL}{housing_case.pk}/").status_code == 200
    assert department_api.get(f"{URL}{labour_case.pk}/").status_code == 404
    assert department_api.get(f"{URL}{make_visit().case.pk}/").status_code == 404
    assert department_api.get(f"{URL}999999/").status_code == 404


@pytest.mark.django_db
def test_a_case_shows_its_petitioners_as_the_case_page_does(department_api, leader_api, housing_case):
    """Who came and how to reach them; the bureau's own record of the person stays at the bureau."""
    Petitioner.objects.filter(cases=housing_case).update(address="黎里镇东村12号", note="常来访，情绪激动")

    for api in (department_api, leader_api):
        [woman] = api.get(f"{URL}{housing_case.pk}/").json()["petitioners"]
        assert sorted(woman) == ["contacts", "id", "id_number_masked", "name"]
    assert department_api.get(f"/api/v1/petitioners/{woman['id']}/").status_code == 403
    assert leader_api.get(f"/api/v1/petitioners/{woman['id']}/").json()["note"] == "常来访，情绪激动"


@pytest.mark.django_db
def test_anonymous_petitioner_stays_unknown_to_the_department(
    department_api, leader_api, make_visit, department
):
    case = send_to(make_visit(anonymous=True).case, department)

    assert department_api.get(f"{URL}{case.pk}/").json()["petitioners"] == []
    assert len(leader_api.get(f"{URL}{case.pk}/").json()["petitioners"]) == 1


@pytest.mark.django_db
def test_an_accusers_identity_stays_at_the_bureau(
    department_api, leader_api, make_visit, department, reference
):
    """Art. 30: who accuses is never passed on with the matter, as on the case page."""
    reference["category"].is_accusation = True
    reference["category"].save()
    case = send_to(make_visit().case, department)

    assert department_api.get(f"{URL}{case.pk}/").json()["petitioners"] == []
    assert len(leader_api.get(f"{URL}{case.pk}/").json()["petitioners"]) == 1


@pytest.mark.django_db
def test_detail_does_not_query_per_row(leader_api, housing_case, make_visit, django_assert_max_num_queries):
    for n in range(5):
        make_visit(repeat_of=housing_case, names=(f"甲{n}",))

    # The case, petitioners, contacts, visits, attachments, timeline, clocks, sign-offs,
    # extensions, supervision notices and documents: one query each, however many rows.
    with django_assert_max_num_queries(11):
        response = leader_api.get(f"{URL}{housing_case.pk}/")

    assert len(response.json()["petitioners"]) == 6


# --- reference lists ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("api", ["reception_api", "leader_api", "admin_api", "department_api"])
def test_every_role_reads_the_reference_lists(request, api, reference, department):
    DepartmentFactory(name="旧部门", code="old", is_active=False)
    client = request.getfixturevalue(api)

    assert client.get("/api/v1/departments/").json() == [
        {"id": department.pk, "name": "住建局", "code": "housing", "is_court_liaison": False}
    ]
    assert client.get("/api/v1/categories/").json() == [
        {"id": reference["category"].pk, "name": "申诉求决", "code": "appeal", "is_accusation": False}
    ]
    assert client.get("/api/v1/subject-areas/").json() == [
        {"id": reference["subject_area"].pk, "name": "城乡建设/拆迁安置", "code": "housing"}
    ]
    assert client.get("/api/v1/places/").json() == [{"id": reference["place"].pk, "name": "黎里镇"}]
    assert client.get("/api/v1/windows/").json() == [{"id": reference["window"].pk, "name": "1号窗口"}]
    assert client.get(f"/api/v1/places/{reference['place'].pk}/").status_code == 200


@pytest.mark.django_db
def test_reference_lists_are_read_only(reception_api, reference):
    response = reception_api.post("/api/v1/categories/", {"name": "新", "code": "new"}, format="json")

    assert response.status_code == 405


@pytest.mark.django_db
def test_detail_of_a_case_awaiting_sign_off(leader_api, make_visit):
    case = make_visit().case

    body = leader_api.get(f"{URL}{case.pk}/").json()

    [clock] = body["clocks"]
    assert (clock["clock"], clock["days_left"], clock["provisional"]) == ("forward", 15, False)
    assert (body["sign_offs"], body["extensions"], body["supervision_notices"]) == ([], [], [])
    assert (body["report_due"], body["returns_count"]) == (None, 0)
    assert (body["reply_outcome"], body["reply_text"], body["replied_at"]) == ("", "", None)
    assert (body["satisfaction_department"], body["satisfaction_bureau"]) == ("", "")
    assert body["actions"] == ["sign-off"]


@pytest.mark.django_db
def test_list_filters_by_organisation_as_the_window_matches_it(
    leader_api, department_api, make_visit, department
):
    group = make_visit(organisation="汾湖某纺织有限公司", persons=32).case
    sent = send_to(make_visit(organisation="汾湖某纺织有限公司").case, department)
    make_visit(organisation="盛泽某丝绸有限公司")
    make_visit()

    def ids(api, organisation):
        response = api.get(URL, {"organisation": organisation})
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids(leader_api, "汾湖 某纺织有限公司。") == {group.pk, sent.pk}
    Case.objects.filter(pk=sent.pk).update(status="concluded")
    open_ones = leader_api.get(URL, {"organisation": "汾湖某纺织有限公司", "open": "true"}).json()["results"]
    assert [row["id"] for row in open_ones] == [group.pk]
    closed = leader_api.get(URL, {"organisation": "汾湖某纺织有限公司", "open": "false"}).json()["results"]
    assert [row["id"] for row in closed] == [sent.pk]
    assert ids(leader_api, "——") == set()
    assert ids(department_api, "汾湖某纺织有限公司") == {sent.pk}
