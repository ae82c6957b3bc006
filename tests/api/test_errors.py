"""The exception handler: services' exceptions in the API's error shapes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.decorators import api_view
from rest_framework.test import APIRequestFactory, force_authenticate

from cases.models import CaseEvent
from cases.services import TransitionNotAllowed, case_submit
from cases.workflow import Action
from intake.services import MAX_PERSONS
from petition_desk.api_errors import exception_handler


@api_view(["POST"])
def submit_again(request, case_id):
    """Stands in for the case actions to come: a service refusing a transition."""
    case_submit(case_id=case_id, actor=request.user)


@pytest.mark.django_db
def test_transition_not_allowed_is_409_and_changes_nothing(make_visit, receptionist):
    case = make_visit().case  # already submitted for sign-off
    request = APIRequestFactory().post("/")
    force_authenticate(request, user=receptionist)
    events = CaseEvent.objects.count()

    response = submit_again(request, case_id=case.pk)

    assert response.status_code == 409
    assert response.data["detail"] == str(TransitionNotAllowed(case, Action.SUBMIT))
    assert response.data["detail"].code == "transition_not_allowed"
    assert CaseEvent.objects.count() == events


def test_permission_denied_is_403_with_the_services_message():
    response = exception_handler(PermissionDenied("Your role may not do this."), {})

    assert response.status_code == 403
    assert response.data == {"detail": "Your role may not do this."}


def test_validation_error_by_field_is_400_by_field():
    error = ValidationError({"persons": ["too few"], "attendees": ["twice", "gone"]})

    response = exception_handler(error, {})

    assert response.status_code == 400
    assert response.data == {"persons": ["too few"], "attendees": ["twice", "gone"]}


@pytest.mark.parametrize(
    "error",
    [
        ValidationError("not possible"),
        ValidationError(["not possible"]),
        ValidationError({"__all__": ["not possible"]}),
    ],
)
def test_validation_error_without_field_is_non_field_errors(error):
    response = exception_handler(error, {})

    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["not possible"]}


def test_validation_error_keeps_params_and_code():
    error = ValidationError(
        {"id_number": [ValidationError("has %(count)d", code="id_length", params={"count": 17})]}
    )

    response = exception_handler(error, {})

    assert response.data["id_number"][0] == "has 17"
    assert response.data["id_number"][0].code == "id_length"


# --- in the bureau's language, whatever DRF or Django wrote ------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cases/999999/",
        "/api/v1/petitioners/999999/",
        "/api/v1/departments/999999/",
        "/api/v1/cases/999999/attachments/1/",
        "/api/v1/documents/999999/",
    ],
)
def test_not_found_is_said_in_the_bureaus_language(reception_api, path):
    response = reception_api.get(path)

    assert response.status_code == 404
    # Django's get_object_or_404 said "No Case matches the given query.", in English.
    assert response.json() == {"detail": "未找到。"}


@pytest.mark.django_db
def test_another_departments_case_is_not_found_in_the_bureaus_language(make_visit, department_api):
    response = department_api.get(f"/api/v1/cases/{make_visit().case.pk}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}


@pytest.mark.django_db
def test_a_body_that_is_not_json_is_refused_in_the_bureaus_language(reception_api):
    response = reception_api.post("/api/v1/visits/", "{bad", content_type="application/json")

    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("无法读取请求正文：") and "line 1 column 2" in detail


@pytest.mark.django_db
def test_a_limits_message_follows_each_requests_language(reception_api, reference, case_payload):
    # The API's serializers build their fields once (FieldsBuiltOnce), and DRF words a limit's
    # message once: the first request's language was every later request's.
    payload = {
        "window": reference["window"].pk,
        "persons": MAX_PERSONS + 1,
        "attendees": [{"new": {"name": "王秀英", "address": "黎" * 201}}],
        "case": case_payload,
    }

    english = reception_api.post("/api/v1/visits/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    chinese = reception_api.post("/api/v1/visits/", payload, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert english.json()["persons"] == [f"Ensure this value is less than or equal to {MAX_PERSONS}."]
    assert chinese.json()["persons"] == [f"请确保该值小于或者等于 {MAX_PERSONS}。"]
    assert chinese.json()["attendees"]["0"]["new"]["address"] == ["请确保这个字段不能超过 200 个字符。"]


@pytest.mark.django_db
def test_a_nul_character_is_refused_in_words_that_say_so(reception_api):
    # Django's own Chinese says "empty strings are not allowed" (petition_desk/i18n.py).
    response = reception_api.post("/api/v1/petitioners/", {"name": "王\x00秀英"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"name": ["不能含有空字符（NUL）。"]}
