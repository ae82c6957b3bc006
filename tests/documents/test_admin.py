"""The administrator's one action on letters: render a failed one again (issue 4 §1)."""

import pytest
from django.conf import settings

from documents.models import DocumentState
from documents.services import document_mark_failed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator_client(client):
    client.force_login(UserFactory(username="admin", role="administrator", is_staff=True, is_superuser=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_failed_letter_goes_back_in_line_and_a_ready_one_stays(
    administrator_client, forwarded, django_capture_on_commit_callbacks
):
    letter, notice = forwarded.documents.order_by("pk")
    document_mark_failed(document_id=letter.pk, error="OSError('no space left on device')")
    notice.state, notice.file.name, notice.size = DocumentState.READY, "documents/notice.pdf", 1
    notice.save(update_fields=["state", "file", "size"])

    with django_capture_on_commit_callbacks() as callbacks:
        response = administrator_client.post(
            "/admin/documents/document/",
            {"action": "render_again", "_selected_action": [letter.pk, notice.pk]},
            follow=True,
        )

    assert "1 document is being rendered again." in response.content.decode()
    letter.refresh_from_db()
    assert (letter.state, letter.last_error, letter.attempts) == (DocumentState.PENDING, "", 1)
    notice.refresh_from_db()
    assert notice.state == DocumentState.READY
    assert len(callbacks) == 1  # the render task, sent after commit


def test_letters_cannot_be_added_changed_or_deleted(administrator_client, forwarded):
    letter = forwarded.documents.first()

    assert administrator_client.get(f"/admin/documents/document/{letter.pk}/change/").status_code == 200
    assert administrator_client.post(f"/admin/documents/document/{letter.pk}/change/", {}).status_code == 403
    assert administrator_client.get("/admin/documents/document/add/").status_code == 403
