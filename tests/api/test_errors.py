"""The exception handler: services' exceptions in the API's error shapes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.decorators import api_view
from rest_framework.test import APIRequestFactory, force_authenticate

from cases.models import CaseEvent
from cases.services import TransitionNotAllowed, case_submit
from cases.workflow import Action
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
