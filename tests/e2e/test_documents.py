"""A letter in a real browser: 住建局 opens the case the leader forwarded, sees its letters being
prepared, the list turns ready by itself once the worker has rendered them, and the forwarding
letter downloads as a PDF that reads back in Chinese.

The rendering is what the Celery task does (`documents.tasks.render_document`): without a worker
in this test, the test calls the task's body while the page waits."""

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts.models import User
from cases.models import Category, Decision, Department, Place, SubjectArea
from cases.services import CaseData
from documents.services import document_render
from intake.services import Attendee, PetitionerData, VisitData, visit_register
from tests.cases.steps import forward
from tests.e2e.test_sign_off_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.pdf, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def forwarded_case(bureau):
    case = visit_register(
        data=VisitData(
            window_id=bureau["window"].pk,
            persons=1,
            attendees=(Attendee(new=PetitionerData(name="沈桂英")),),
            case=CaseData(
                facts="原有住宅面临拆迁，按安置政策她和儿子可获得一处40平方米安置房。",
                request="希望政府在安置上给予帮助。",
                category_id=Category.objects.get(code="appeal").pk,
                subject_area_id=SubjectArea.objects.get(code="housing").pk,
                place_id=Place.objects.get(name="黎里镇（汾湖高新区）").pk,
            ),
        ),
        receptionist=User.objects.get(username="reception"),
    ).case
    housing = Department.objects.get(code="housing")
    return forward(case, User.objects.get(username="leader"), housing, decision=Decision.FORWARD)


def test_housing_downloads_the_forwarding_letter_once_it_is_ready(
    english: Page, live_server, forwarded_case, tmp_path
):
    page = english
    log_in(page, live_server, "housing")
    page.goto(f"{live_server.url}/cases/{forwarded_case.pk}/")

    letter_row = page.locator('[data-document-kind="forwarding_letter"]')
    expect(letter_row).to_contain_text("Being prepared")

    # the worker renders the letters; the page notices without a reload
    for document in forwarded_case.documents.all():
        document_render(document_id=document.pk)
    expect(letter_row).to_have_attribute("data-document-state", "ready")

    with page.expect_download() as download_info:
        letter_row.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    path = tmp_path / "letter.pdf"
    download.save_as(path)

    letter = forwarded_case.documents.get(kind="forwarding_letter")
    assert download.suggested_filename == f"{letter.number}.pdf"
    text = "".join(sheet.extract_text() for sheet in PdfReader(path).pages).replace("\n", "")
    assert "信访事项转送单" in text
    assert forwarded_case.number in text
    assert "沈桂英" in text
    expect(letter_row.get_by_role("link", name="Open to print")).to_have_attribute("target", "_blank")
