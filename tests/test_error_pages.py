"""The error pages speak the bureau's language: Django's own 400 and 500 pages are English."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import path

from cases.models import Case
from petition_desk import urls as project_urls


def _fails(request):
    raise RuntimeError("a fault of the server")


# The project's addresses, which the page links to, and one that fails.
urlpatterns = [path("fails/", _fails), *project_urls.urlpatterns]


@pytest.mark.django_db
def test_too_many_files_at_once_get_a_page_in_chinese(receptionist, reference):
    # Django refuses a request of more than DATA_UPLOAD_MAX_NUMBER_FILES files before any form
    # sees it: the desk's own "at most 10 files" message cannot come.
    client = Client(raise_request_exception=False)
    client.force_login(receptionist)
    pages = [SimpleUploadedFile(f"第{n}页.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100) for n in range(101)]

    response = client.post("/desk/", {"window": reference["window"].pk, "attachments": pages})

    assert response.status_code == 400
    assert "无法处理该请求" in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_server_error_gets_a_page_in_chinese(receptionist):
    client = Client(raise_request_exception=False)
    client.force_login(receptionist)

    response = client.get("/fails/")

    assert response.status_code == 500
    assert "服务器出错" in response.content.decode()
    # Drawn without the request, it has no CSRF token: a language switch there could only fail.
    assert "/i18n/setlang/" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/desk/", "/track/"])
def test_a_form_sent_with_an_old_token_says_what_to_do_in_chinese(receptionist, reference, path):
    """She logged out and in again in another tab: the desk she had open carries the old token."""
    client = Client(enforce_csrf_checks=True)
    if path == "/desk/":
        client.force_login(receptionist)

    response = client.post(path, {"csrfmiddlewaretoken": "x" * 64, "facts": "邻里纠纷"})

    main = response.content.decode().split("<main", 1)[1].split("</main>")[0]
    assert response.status_code == 403
    assert "页面已过期，未保存任何内容。" in main
    assert 'href="/"' in main and "CSRF" not in main
    assert not Case.objects.exists()
