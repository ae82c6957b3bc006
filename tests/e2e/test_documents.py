"""A letter in a real browser: 住建局 opens the case the leader forwarded, sees its letters being
prepared, the list turns ready by itself once the worker has rendered them, and the forwarding
letter downloads as a PDF that reads back in Chinese.

The rendering is what the Celery task does (`documents.tasks.render_documents`): without a worker
in this test, the test calls the task's body while the page waits."""

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts.models import User
from cases.models import Decision, Department
from documents.services import document_render
from tests.cases.steps import forward
from tests.e2e.session import log_in

pytestmark = [pytest.mark.browser, pytest.mark.pdf, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def forwarded_case(her_case):
    leader = User.objects.get(username="leader")
    return forward(her_case, leader, Department.objects.get(code="housing"), decision=Decision.FORWARD)


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
