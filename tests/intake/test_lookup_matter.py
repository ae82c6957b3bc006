"""The desk's look-up of a matter by its organisation: who may ask, what odd input does to it, and
what the cards show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, Status
from tests.factories import UserFactory
from tests.intake.test_views import client_for, page_text

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

FACTORY = "汾湖某纺织有限公司"
URL = reverse("intake:lookup")


# --- access -----------------------------------------------------------------------------------


@pytest.fixture
def others(department_user, leader):
    return {
        "department": department_user,
        "leader": leader,
        "administrator": UserFactory(username="admin", role="administrator"),
    }


@pytest.mark.parametrize("role", ["department", "leader", "administrator"])
def test_only_the_window_may_look_up_a_matter(make_visit, others, role):
    make_visit(organisation=FACTORY)

    response = client_for(others[role]).get(URL, {"organisation": FACTORY})

    assert response.status_code == 403
    assert FACTORY not in response.content.decode()


def test_a_signed_out_browser_is_sent_to_log_in(make_visit):
    make_visit(organisation=FACTORY)

    response = client_for(None).get(URL, {"organisation": FACTORY})

    assert response.status_code == 302 and "/login/" in response["Location"]


# --- what is shown ------------------------------------------------------------------------------


SCRIPT = '<script>alert("x")</script>'


def test_the_organisation_is_escaped_in_the_heading_the_card_and_the_label(receptionist, make_visit):
    stored = f"汾湖{SCRIPT}某纺织有限公司"
    case = make_visit(organisation=stored).case

    text = (
        client_for(receptionist).get(URL, {"organisation": f'汾湖{SCRIPT}某纺织有限公司"'}).content.decode()
    )

    assert f'data-case="{case.pk}"' in text
    assert "<script>" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text


@pytest.mark.parametrize(
    "typed",
    [
        "\x00",
        "汾湖\x00某纺织有限公司",
        "某" * 10_000,
        "——（）！？。，、" * 1_000,
        "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
        "㍿" * 5_000,
    ],
    ids=["nul", "nul-inside", "10000-chars", "punctuation", "bad-utf8", "lengthening"],
)
def test_odd_input_is_answered_without_an_error(receptionist, make_visit, typed):
    case = make_visit(organisation=FACTORY).case

    response = client_for(receptionist).get(URL, {"organisation": typed, "people-0-name": typed[:50]})

    assert response.status_code == 200
    if typed == "汾湖\x00某纺织有限公司":
        assert f'data-case="{case.pk}"' in response.content.decode()


def test_the_look_up_asks_once_for_the_matter(receptionist, make_visit):
    for _ in range(5):
        make_visit(organisation=FACTORY)
    client = client_for(receptionist)
    client.get(URL, {"organisation": FACTORY})  # the session and the user read once

    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"organisation": FACTORY})

    assert response.content.decode().count("matter-case") == 5
    assert sum("organisation_key" in query["sql"] for query in queries.captured_queries) == 1


def test_an_anonymous_case_is_offered_without_its_people_and_a_finished_one_not_at_all(
    receptionist, make_visit
):
    anonymous = make_visit(organisation=FACTORY, anonymous=True, names=()).case
    finished = make_visit(organisation=FACTORY).case
    Case.objects.filter(pk=finished.pk).update(status=Status.CONCLUDED)

    text = page_text(client_for(receptionist).get(URL, {"organisation": FACTORY}))

    assert f'data-case="{anonymous.pk}"' in text
    assert f'data-case="{finished.pk}"' not in text
