"""`GET /api/v1/track/{tracking_code}/` (DESIGN §6): public, nothing personal, rate-limited."""

from types import SimpleNamespace

import django_ratelimit.core
import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone

from cases.forwarding import case_forward
from cases.handling import case_accept, case_receive, case_reply
from cases.models import Decision
from cases.sign_off import SignOffData, case_sign_off
from tests.factories import ContactPointFactory, resident_id_number

from .conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

ID_NUMBER = resident_id_number(11)
PHONE = "13812345678"
INSTRUCTION = "请住建局依法研究处理"


@pytest.fixture
def her_case(make_visit):
    case = make_visit(names=("王秀英",), facts="住宅面临拆迁，安置政策只给她和儿子40平方米").case
    woman = case.petitioners.get()
    woman.id_number = ID_NUMBER
    woman.save()
    ContactPointFactory(petitioner=woman, value=PHONE, lookup_key=PHONE)
    return case


@pytest.fixture
def replied_case(her_case, leader, department, department_user):
    case_sign_off(
        case_id=her_case.pk,
        leader=leader,
        data=SignOffData(decision=Decision.FORWARD, department_id=department.pk, instruction=INSTRUCTION),
    )
    case_forward(sign_off_id=her_case.sign_offs.get().pk)
    case_receive(case_id=her_case.pk, actor=department_user)
    case_accept(case_id=her_case.pk, actor=department_user)
    case_reply(case_id=her_case.pk, actor=department_user, outcome="supported", text="同意增加安置面积")
    return her_case


def track(client, code, **extra):
    return client.get(f"/api/v1/track/{code}/", HTTP_ACCEPT_LANGUAGE="en", **extra)


def test_a_registered_case_has_a_status_and_no_department(anonymous_api, her_case):
    response = track(anonymous_api, her_case.tracking_code)

    assert response.status_code == 200
    assert response.json() == {
        "tracking_code": her_case.tracking_code,
        "status": "with_bureau",
        "status_display": "Registered: the petition bureau is deciding who will handle it",
        "department": None,
        "registered_on": f"{timezone.localdate(her_case.registered_at):%Y-%m-%d}",
        "forwarded_on": None,
        "received_on": None,
        "accepted_on": None,
        "replied_on": None,
        "concluded_on": None,
        "reply_outcome": None,
        "reply_outcome_display": "",
    }


def test_a_replied_case_names_its_department_dates_and_outcome(anonymous_api, replied_case, department):
    body = track(anonymous_api, replied_case.tracking_code.lower()).json()

    today = f"{timezone.localdate():%Y-%m-%d}"
    assert (body["status"], body["status_display"]) == ("replied", "The department has replied")
    assert body["department"] == department.name
    assert [body[f"{step}_on"] for step in ("forwarded", "received", "accepted", "replied")] == [today] * 4
    assert body["concluded_on"] is None
    assert (body["reply_outcome"], body["reply_outcome_display"]) == ("supported", "Supported")


def test_nothing_personal_or_written_by_staff_is_in_the_answer(anonymous_api, replied_case):
    text = track(anonymous_api, replied_case.tracking_code).content.decode()

    for secret in (
        "王秀英",
        ID_NUMBER,
        PHONE,
        replied_case.facts,
        replied_case.request,
        INSTRUCTION,
        "同意增加安置面积",
        replied_case.number,
    ):
        assert secret not in text


def test_an_unknown_code_is_404(anonymous_api, her_case):
    unknown = "ZZZZZZZZ" if her_case.tracking_code != "ZZZZZZZZ" else "YYYYYYYY"

    response = track(anonymous_api, unknown)

    assert response.status_code == 404
    assert response.json() == {"detail": "No petition has this tracking code."}


def test_no_login_is_needed_and_a_stale_token_does_not_get_in_the_way(her_case):
    response = track(client_for(None), her_case.tracking_code, HTTP_AUTHORIZATION="Token not-a-real-token")

    assert response.status_code == 200


def test_the_21st_look_up_in_a_minute_from_one_address_is_429(anonymous_api, her_case, monkeypatch):
    # The counter's window is fixed in time: pin the clock so the 21 requests share one window.
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: 1_800_000_000))

    statuses = [
        track(anonymous_api, her_case.tracking_code, REMOTE_ADDR="203.0.113.7").status_code for _ in range(21)
    ]

    assert statuses == [200] * 20 + [429]
    refused = track(anonymous_api, her_case.tracking_code, REMOTE_ADDR="203.0.113.7")
    assert refused.json() == {
        "detail": "Too many look-ups from your connection. Please wait a minute and try again."
    }
    assert track(anonymous_api, her_case.tracking_code, REMOTE_ADDR="198.51.100.2").status_code == 200


def test_behind_the_proxy_each_citizen_has_a_budget_of_their_own(
    anonymous_api, her_case, monkeypatch, settings
):
    """Production counts the address the reverse proxy passes on: every request arrives from the
    proxy's own address, and one person's 20 look-ups must not shut everyone else out."""
    settings.RATELIMIT_IP_META_KEY = "petition_desk.client_address.behind_proxy"  # production's
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: 1_800_000_000))
    proxy = {"REMOTE_ADDR": "172.18.0.1"}
    for _ in range(20):
        track(anonymous_api, her_case.tracking_code, HTTP_X_REAL_IP="203.0.113.7", **proxy)

    assert (
        track(anonymous_api, her_case.tracking_code, HTTP_X_REAL_IP="203.0.113.7", **proxy).status_code == 429
    )
    assert (
        track(anonymous_api, her_case.tracking_code, HTTP_X_REAL_IP="198.51.100.23", **proxy).status_code
        == 200
    )
    # a header that is not an address counts as the proxy's
    assert (
        track(anonymous_api, her_case.tracking_code, HTTP_X_REAL_IP="not-an-ip", **proxy).status_code == 200
    )


def test_the_page_and_the_api_share_one_budget(anonymous_api, client, her_case, monkeypatch):
    """Alternating between them must not double the guesses an address gets."""
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: 1_800_000_000))
    for _ in range(10):
        client.get(f"/track/{her_case.tracking_code}/", REMOTE_ADDR="203.0.113.7")
        track(anonymous_api, her_case.tracking_code, REMOTE_ADDR="203.0.113.7")

    assert track(anonymous_api, her_case.tracking_code, REMOTE_ADDR="203.0.113.7").status_code == 429
    assert client.get(f"/track/{her_case.tracking_code}/", REMOTE_ADDR="203.0.113.7").status_code == 429


def test_the_look_up_is_documented_as_public(tmp_path):
    path = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))

    operation = yaml.safe_load(path.read_text())["paths"]["/api/v1/track/{tracking_code}/"]["get"]

    # No security requirement here and none global: OpenAPI's way of saying "no login".
    assert "security" not in operation
    assert "security" not in yaml.safe_load(path.read_text())
    for code in ("200", "404", "429"):
        assert operation["responses"][code]["content"]["application/json"]["examples"]
