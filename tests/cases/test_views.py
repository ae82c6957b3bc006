"""The case pages: the case, its attachments, the leader's sign-off queue and the department's inbox.
Another department's case does not exist for department staff (404, not 403)."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from cases.forwarding import case_forward
from cases.models import Case, Decision
from cases.services import CaseData
from cases.sign_off import SignOffData, case_sign_off
from intake.services import Attendee, PetitionerData, VisitData, visit_register
from intake.validators import id_check_char
from tests.factories import CategoryFactory, DepartmentFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

WOMAN_ID = "32058419460315042" + id_check_char("32058419460315042")
WOMAN_ID_MASKED = "3205**********042" + WOMAN_ID[-1]
PDF_BYTES = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def register(receptionist, reference, names=("沈桂英",), *, id_number="", persons=None, urgent=False, **case):
    people = tuple(
        Attendee(
            new=PetitionerData(
                name=name,
                id_type="resident_id" if id_number and index == 0 else "none",
                id_number=id_number if index == 0 else "",
            )
        )
        for index, name in enumerate(names)
    )
    return visit_register(
        data=VisitData(
            window_id=reference["window"].pk,
            persons=persons or len(people),
            attendees=people,
            case=CaseData(
                facts=case.get("facts", "原有住宅面临拆迁，安置面积不足。"),
                request="希望政府在安置上给予帮助。",
                category_id=case.get("category", reference["category"]).pk,
                subject_area_id=reference["subject_area"].pk,
                place_id=reference["place"].pk,
                urgent=urgent,
            ),
            attachments=tuple(case.get("attachments", ())),
        ),
        receptionist=receptionist,
    ).case


@pytest.fixture
def housing_case(receptionist, reference, department) -> Case:
    """Her case, forwarded to 住建局, with a scanned letter."""
    case = register(
        receptionist,
        reference,
        id_number=WOMAN_ID,
        attachments=[SimpleUploadedFile("来信.pdf", PDF_BYTES, "application/pdf")],
    )
    sign_off = case_sign_off(
        case_id=case.pk,
        leader=UserFactory(username="leader", role="leader"),
        data=SignOffData(decision=Decision.FORWARD, department_id=department.pk),
    )
    case_forward(sign_off_id=sign_off.sign_offs.get().pk)
    case.refresh_from_db()
    return case


@pytest.fixture
def labour_user(db):
    labour = DepartmentFactory(name="人社局", code="labour")
    return UserFactory(username="labour", role="department", department=labour)


def case_pages(case) -> dict[str, str]:
    return {
        "case": reverse("cases:detail", args=[case.pk]),
        "attachment": reverse("cases:attachment", args=[case.pk, case.attachments.get().pk]),
    }


def statuses(user, pages: dict[str, str]) -> dict[str, int]:
    client = client_for(user)
    return {name: client.get(url).status_code for name, url in pages.items()}


# --- the case and its attachments -------------------------------------------------------------


def test_the_window_the_leader_and_the_cases_department_open_the_case(
    receptionist, leader, department_user, housing_case
):
    for user in (receptionist, leader, department_user):
        assert statuses(user, case_pages(housing_case)) == {"case": 200, "attachment": 200}, user.username


def test_another_departments_case_does_not_exist_for_its_staff(labour_user, housing_case):
    assert statuses(labour_user, case_pages(housing_case)) == {"case": 404, "attachment": 404}


def test_a_case_not_yet_forwarded_exists_for_no_department(department_user, receptionist, reference):
    case = register(receptionist, reference, attachments=[SimpleUploadedFile("a.pdf", PDF_BYTES)])

    assert statuses(department_user, case_pages(case)) == {"case": 404, "attachment": 404}


def test_an_attachment_is_served_with_its_name_and_type(receptionist, housing_case):
    attachment = housing_case.attachments.get()
    url = reverse("cases:attachment", args=[housing_case.pk, attachment.pk])

    response = client_for(receptionist).get(url, {"download": "1"})

    assert response["Content-Type"] == "application/pdf"
    assert "attachment;" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_an_attachment_is_found_only_under_its_own_case(receptionist, reference, housing_case):
    other = register(receptionist, reference, ("钱福根",))
    url = reverse("cases:attachment", args=[other.pk, housing_case.attachments.get().pk])

    assert client_for(receptionist).get(url).status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(housing_case):
    pages = case_pages(housing_case) | {
        "sign-off queue": reverse("cases:sign_off_queue"),
        "inbox": reverse("cases:inbox"),
        "home": reverse("home"),
    }
    for name, url in pages.items():
        response = client_for(None).get(url)

        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login") + "?next="), name


def test_the_case_page_shows_the_masked_id_number_only(receptionist, housing_case):
    response = client_for(receptionist).get(reverse("cases:detail", args=[housing_case.pk]))

    text = response.content.decode()
    assert WOMAN_ID_MASKED in text and WOMAN_ID not in text
    assert housing_case.number in text and "住建局" in text


def test_department_staff_do_not_see_who_made_an_accusation(receptionist, reference, department_user):
    """Art. 30: the accuser's identity is never passed on."""
    accusation = CategoryFactory(name="检举控告", code="accusation", is_accusation=True)
    case = register(receptionist, reference, id_number=WOMAN_ID, category=accusation)
    Case.objects.filter(pk=case.pk).update(department=department_user.department)

    department_view = client_for(department_user).get(reverse("cases:detail", args=[case.pk]))
    window_view = client_for(receptionist).get(reverse("cases:detail", args=[case.pk]))

    assert "沈桂英" not in department_view.content.decode()
    assert "identity is withheld (Art. 30)." in department_view.content.decode()
    assert "沈桂英" in window_view.content.decode()


@pytest.mark.parametrize(
    ("protected", "told"),
    [("accusation", "material is withheld (Art. 30)."), ("anonymous", "the material stays at the bureau.")],
)
def test_department_staff_get_neither_the_petitioners_letter_nor_its_file_name(
    receptionist, reference, department_user, protected, told
):
    """Art. 30, and anonymity: the scanned letter bears the petitioner's name and signature."""
    # given an accusation, or an anonymous case, registered with her signed letter, at 住建局
    category = reference["category"]
    if protected == "accusation":
        category = CategoryFactory(name="检举控告", code="accusation", is_accusation=True)
    letter = SimpleUploadedFile("沈桂英来信（签名）.pdf", PDF_BYTES, content_type="application/pdf")
    case = register(receptionist, reference, category=category, attachments=[letter])
    Case.objects.filter(pk=case.pk).update(
        department=department_user.department, anonymous=protected == "anonymous"
    )
    attachment = case.attachments.get()
    api = APIClient()
    api.force_authenticate(department_user)

    # when 住建局's staff open the case, on the page and through the API, and the letter's address
    page = client_for(department_user).get(reverse("cases:detail", args=[case.pk])).content.decode()
    detail = api.get(reverse("api:case-detail", args=[case.pk])).json()
    downloads = [
        client_for(department_user).get(reverse("cases:attachment", args=[case.pk, attachment.pk])),
        api.get(reverse("api:case-attachment", args=[case.pk, attachment.pk])),
    ]

    # then the letter is nowhere, and the page says why
    assert "来信" not in page
    assert told in page
    assert detail["attachments"] == []
    assert [response.status_code for response in downloads] == [404, 404]
    # while the window still has it
    window_page = client_for(receptionist).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "沈桂英来信（签名）.pdf" in window_page


# --- the sign-off queue and the inbox ---------------------------------------------------------


def test_only_the_leader_opens_the_sign_off_queue(receptionist, leader, department_user, db):
    url = reverse("cases:sign_off_queue")

    assert [client_for(user).get(url).status_code for user in (leader, receptionist, department_user)] == [
        200,
        403,
        403,
    ]


def test_only_department_staff_open_the_inbox(receptionist, leader, department_user, db):
    url = reverse("cases:inbox")

    assert [client_for(user).get(url).status_code for user in (department_user, receptionist, leader)] == [
        200,
        403,
        403,
    ]


def test_the_inbox_lists_the_departments_cases_only(department_user, labour_user, housing_case):
    assert list(client_for(department_user).get(reverse("cases:inbox")).context["page"]) == [housing_case]
    assert list(client_for(labour_user).get(reverse("cases:inbox")).context["page"]) == []


def test_the_queue_puts_group_visits_then_urgent_cases_first(receptionist, leader, reference):
    ordinary = register(receptionist, reference, ("钱福根",))
    urgent = register(receptionist, reference, ("李建国",), urgent=True)
    group = register(receptionist, reference, ("朱国华", "沈红梅"), persons=32)

    response = client_for(leader).get(reverse("cases:sign_off_queue"))

    assert list(response.context["page"]) == [group, urgent, ordinary]


def test_the_sign_off_queue_takes_as_many_queries_with_more_cases(
    receptionist, leader, reference, django_assert_max_num_queries
):
    client = client_for(leader)
    url = reverse("cases:sign_off_queue")
    register(receptionist, reference, ("钱福根",))
    client.get(url)
    with CaptureQueriesContext(connection) as baseline:
        client.get(url)

    for n in range(5):
        register(receptionist, reference, (f"甲{n}", f"乙{n}"), persons=12 if n % 2 else None, urgent=n == 3)

    with django_assert_max_num_queries(len(baseline)):
        response = client.get(url)
    assert len(response.context["page"]) == 6
    assert len(baseline) <= 10
