"""The letters on the case page and in the API: who may open which (issue 4 §1; Art. 30)."""

import datetime
import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.middleware import RENEWED_AT
from documents.models import DocumentKind, DocumentState
from tests.cases.steps import forward
from tests.factories import UserFactory

from .conftest import render_all

pytestmark = pytest.mark.django_db


def pdf_url(document) -> str:
    return reverse("documents:pdf", args=[document.pk])


def test_the_case_page_shows_letters_being_prepared_and_asks_again(client, leader, forwarded):
    client.force_login(leader)

    page = client.get(reverse("cases:detail", args=[forwarded.pk])).content.decode()

    assert page.count('data-document-state="pending"') == 2
    assert f'hx-get="{reverse("documents:case_panel", args=[forwarded.pk])}"' in page
    assert "吴信转〔" in page


def test_asking_again_for_the_letters_does_not_keep_an_idle_session_alive(client, leader, forwarded):
    # given the leader's case page, open with a letter being prepared, and her session idle for
    # 29 minutes
    client.force_login(leader)
    page = client.get(reverse("cases:detail", args=[forwarded.pk])).content.decode()
    assert """hx-headers='{"X-Background-Poll": "1"}'""" in page
    session = client.session
    session[RENEWED_AT] = int(time.time()) - 29 * 60
    session.save()
    ends = timezone.now() + datetime.timedelta(minutes=1)
    Session.objects.filter(pk=session.session_key).update(expire_date=ends)

    # when the page asks again for the letters, as it does every two seconds
    response = client.get(
        reverse("documents:case_panel", args=[forwarded.pk]), headers={"X-Background-Poll": "1"}
    )

    # then her session still ends a minute from now
    assert response.status_code == 200
    assert Session.objects.get(pk=session.session_key).expire_date == ends


@pytest.mark.pdf
def test_ready_letters_can_be_opened_to_print_and_downloaded(client, leader, forwarded):
    letter, _ = render_all(forwarded)
    client.force_login(leader)

    panel = client.get(reverse("documents:case_panel", args=[forwarded.pk])).content.decode()
    inline = client.get(pdf_url(letter))
    download = client.get(pdf_url(letter) + "?download=1")

    assert 'data-document-state="ready"' in panel
    assert "hx-get" not in panel  # nothing left to wait for
    assert f'href="{pdf_url(letter)}?download=1"' in panel
    assert inline["Content-Type"] == "application/pdf"
    assert inline["Content-Disposition"].startswith("inline")
    assert download["Content-Disposition"].startswith("attachment")
    assert "filename*=utf-8''" in download["Content-Disposition"]  # the Chinese number, encoded
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_letter_being_prepared_is_not_served(client, leader, forwarded):
    client.force_login(leader)

    assert client.get(pdf_url(forwarded.documents.first())).status_code == 404


@pytest.mark.pdf
def test_another_departments_letters_do_not_exist(client, forwarded, labour_user):
    letter, notice = render_all(forwarded)
    client.force_login(labour_user)

    assert client.get(pdf_url(letter)).status_code == 404
    assert client.get(pdf_url(notice)).status_code == 404
    # nor does the list of them: the case itself does not exist for 人社局
    assert client.get(reverse("documents:case_panel", args=[forwarded.pk])).status_code == 404


@pytest.mark.pdf
def test_the_department_gets_the_letter_but_not_the_accusers_notice(
    client, make_case, leader, department, department_user, reference
):
    reference["category"].is_accusation = True
    reference["category"].save()
    case = forward(make_case(), leader, department)
    letter, notice = render_all(case)
    client.force_login(department_user)

    panel = client.get(reverse("documents:case_panel", args=[case.pk])).content.decode()

    assert client.get(pdf_url(letter)).status_code == 200
    assert client.get(pdf_url(notice)).status_code == 404
    assert DocumentKind.RECEIPT_NOTICE not in panel
    # The bureau's staff see both.
    client.force_login(leader)
    assert client.get(pdf_url(notice)).status_code == 200


def test_documents_need_a_login(client, forwarded):
    response = client.get(pdf_url(forwarded.documents.first()))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.pdf
def test_the_api_case_detail_lists_the_letters_and_serves_each_pdf_with_a_token(forwarded, department_user):
    letter, notice = render_all(forwarded)
    notice.state = DocumentState.PENDING  # as if its render had not run yet
    notice.save(update_fields=["state"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=department_user).key}")

    documents = api.get(f"/api/v1/cases/{forwarded.pk}/").json()["documents"]
    pdf = api.get(documents[0]["url"], HTTP_ACCEPT="application/pdf")

    assert [(row["kind"], row["number"], row["state"]) for row in documents] == [
        ("forwarding_letter", letter.number, "ready"),
        ("receipt_notice", notice.number, "pending"),
    ]
    assert documents[0]["url"] == f"http://testserver/api/v1/documents/{letter.pk}/"
    assert documents[1]["url"] == ""
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert api.get(f"/api/v1/documents/{notice.pk}/").json()["detail"]


def test_the_api_hides_another_departments_pdf(forwarded, labour_user):
    api = APIClient()
    api.force_authenticate(labour_user)

    response = api.get(f"/api/v1/documents/{forwarded.documents.first().pk}/")

    assert response.status_code == 404


def test_a_receptionist_sees_the_letters_too(client, forwarded):
    client.force_login(UserFactory(username="window2", role="receptionist"))

    page = client.get(reverse("cases:detail", args=[forwarded.pk])).content.decode()

    assert page.count("data-document-kind") == 2
