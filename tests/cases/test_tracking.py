"""The petitioner's look-up page (issue 4 §5): what a code shows at each stage, and what it never shows."""

from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from cases.follow_up import case_close, case_follow_up
from cases.forwarding import case_forward
from cases.handling import case_accept, case_conclude, case_receive, case_reply, case_return
from cases.models import Decision
from cases.sign_off import SignOffData, case_sign_off
from cases.tracking import Stage, case_for_tracking, normalise_tracking_code
from tests.factories import ContactPointFactory, resident_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

ID_NUMBER = resident_id_number(7)
PHONE = "13912345678"
ADDRESS = "城东街道幸福里12号"
INSTRUCTION = "请住建局研究处理并于月底前报结果"


@pytest.fixture
def visitor():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def her_case(make_case):
    """The elderly woman's case, with everything that identifies her on record."""
    case = make_case(facts="住宅面临拆迁，安置政策只给她和儿子40平方米", request="希望政府给予帮助")
    woman = case.petitioners.get()
    woman.id_number = ID_NUMBER
    woman.id_number_masked = f"{ID_NUMBER[:6]}********{ID_NUMBER[-4:]}"
    woman.address = ADDRESS
    woman.save()
    ContactPointFactory(petitioner=woman, value=PHONE, lookup_key=PHONE)
    return case


@pytest.fixture
def forward(leader, department):
    def run(case):
        case_sign_off(
            case_id=case.pk,
            leader=leader,
            data=SignOffData(decision=Decision.FORWARD, department_id=department.pk, instruction=INSTRUCTION),
        )
        case_forward(sign_off_id=case.sign_offs.latest("created_at").pk)

    return run


def page(client, code):
    return client.get(f"/track/{code}/")


def test_a_registered_case_is_with_the_bureau_and_names_no_department(visitor, her_case):
    response = page(visitor, her_case.tracking_code)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Registered: the petition bureau is deciding who will handle it" in html
    assert her_case.tracking_code in html
    assert "Handled by" not in html
    assert f"{timezone.localdate(her_case.registered_at):%Y-%m-%d}" in html


def test_each_stage_shows_its_status_department_and_dates(
    visitor, her_case, forward, department, department_user, receptionist
):
    # given the case forwarded to 住建局
    forward(her_case)
    html = page(visitor, her_case.tracking_code).content.decode()
    assert "Sent to the department that will handle it" in html
    assert department.name in html
    assert "Sent to the department</dt>" in html

    # when the department receives, accepts and replies
    case_receive(case_id=her_case.pk, actor=department_user)
    assert "Received by the department</dd>" in page(visitor, her_case.tracking_code).content.decode()
    case_accept(case_id=her_case.pk, actor=department_user)
    assert "Accepted: the department is handling it" in page(visitor, her_case.tracking_code).content.decode()
    case_reply(case_id=her_case.pk, actor=department_user, outcome="explained", text="依政策解释")

    # then the reply's outcome shows, but not its text
    html = page(visitor, her_case.tracking_code).content.decode()
    assert "The department has replied" in html
    assert "Explained" in html
    assert "依政策解释" not in html

    case_conclude(case_id=her_case.pk, actor=department_user)
    public = case_for_tracking(her_case.tracking_code)
    today = timezone.localdate()
    assert public.stage == Stage.CONCLUDED
    assert (
        public.forwarded_on,
        public.received_on,
        public.accepted_on,
        public.replied_on,
        public.concluded_on,
    ) == (
        today,
        today,
        today,
        today,
        today,
    )

    case_follow_up(case_id=her_case.pk, actor=receptionist, satisfaction_department="satisfied")
    case_close(case_id=her_case.pk, actor=receptionist)
    html = page(visitor, her_case.tracking_code).content.decode()
    assert "Closed" in html
    assert department.name in html


def test_a_returned_case_is_back_with_the_bureau_without_the_old_department(
    visitor, her_case, forward, department, department_user
):
    forward(her_case)
    case_receive(case_id=her_case.pk, actor=department_user)
    case_return(case_id=her_case.pk, actor=department_user, reason="不属于本部门职责")

    html = page(visitor, her_case.tracking_code).content.decode()

    assert "Registered: the petition bureau is deciding who will handle it" in html
    assert department.name not in html
    assert "不属于本部门职责" not in html
    public = case_for_tracking(her_case.tracking_code)
    assert (public.department, public.forwarded_on, public.received_on) == (None, None, None)


def test_a_case_answered_at_the_window_is_concluded_without_a_department(visitor, her_case, leader):
    case_sign_off(
        case_id=her_case.pk,
        leader=leader,
        data=SignOffData(decision=Decision.ANSWER_AT_WINDOW, instruction="当场答复：政策已解释"),
    )

    public = case_for_tracking(her_case.tracking_code)

    assert (public.stage, public.department, public.concluded_on) == (
        Stage.CONCLUDED,
        None,
        timezone.localdate(),
    )


def test_a_case_a_department_returned_and_the_bureau_answered_names_no_department(
    visitor, her_case, forward, department_user, leader
):
    # given 住建局 received the case and returned it, and the leader answered her at the window
    forward(her_case)
    case_receive(case_id=her_case.pk, actor=department_user)
    case_return(case_id=her_case.pk, actor=department_user, reason="非本局职责")
    case_sign_off(
        case_id=her_case.pk,
        leader=leader,
        data=SignOffData(decision=Decision.ANSWER_AT_WINDOW, instruction="当场答复：政策已解释"),
    )

    public = case_for_tracking(her_case.tracking_code)

    # then she reads that the bureau concluded it, not that 住建局 handled it
    shown = (public.stage, public.department, public.forwarded_on, public.received_on, public.concluded_on)
    assert shown == (Stage.CONCLUDED, None, None, None, timezone.localdate())
    assert "住建局" not in page(visitor, her_case.tracking_code).content.decode()


def test_nothing_personal_or_written_by_staff_is_shown(visitor, her_case, forward, department_user):
    # given a case forwarded with the leader's instruction and a handling note
    forward(her_case)
    case_receive(case_id=her_case.pk, actor=department_user)
    case_accept(case_id=her_case.pk, actor=department_user, note="已约谈当事人")

    html = page(visitor, her_case.tracking_code).content.decode()

    for secret in (
        "王秀英",
        ID_NUMBER,
        ID_NUMBER[-4:],
        PHONE,
        ADDRESS,
        her_case.facts,
        her_case.request,
        INSTRUCTION,
        "已约谈当事人",
        her_case.number,
        department_user.username,
    ):
        assert secret not in html


@pytest.mark.parametrize("typed", ["{code}", "{lower}", " {lower} ", "{first} {last}", "{fullwidth}"])
def test_the_form_reads_the_code_however_it_is_typed(visitor, her_case, typed):
    code = her_case.tracking_code
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())
    value = typed.format(code=code, lower=code.lower(), first=code[:4], last=code[4:], fullwidth=fullwidth)

    response = visitor.get("/track/", {"code": value}, follow=True)

    assert response.redirect_chain == [(f"/track/{code}/", 302)]
    assert "Your petition" in response.content.decode()


def test_a_lower_case_code_in_the_address_finds_the_case(visitor, her_case):
    assert page(visitor, her_case.tracking_code.lower()).status_code == 200


def test_the_form_refuses_what_cannot_be_a_code_without_looking_it_up(visitor, db):
    response = visitor.get("/track/", {"code": "ABC"})

    assert response.status_code == 200
    assert "A tracking code has 8 letters and digits" in response.content.decode()


def test_an_unknown_code_is_a_friendly_404(visitor, her_case):
    unknown = "ZZZZZZZZ" if her_case.tracking_code != "ZZZZZZZZ" else "YYYYYYYY"

    response = page(visitor, unknown)

    assert response.status_code == 404
    assert "No petition has this tracking code" in response.content.decode()


def test_the_page_is_chinese_by_default_and_needs_no_login(her_case):
    # given a visitor who never logged in and chose no language
    response = Client().get(f"/track/{her_case.tracking_code}/")

    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()
    assert Client().get("/track/").status_code == 200


def test_the_21st_look_up_in_a_minute_from_one_address_is_refused(visitor, her_case, monkeypatch):
    # The counter's window is fixed in time: pin the clock so the 21 requests share one window.
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: 1_800_000_000))
    code = her_case.tracking_code

    statuses = [visitor.get(f"/track/{code}/", REMOTE_ADDR="203.0.113.7").status_code for _ in range(21)]

    assert statuses == [200] * 20 + [429]
    refused = visitor.get(f"/track/{code}/", REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429
    assert "Too many look-ups" in refused.content.decode()
    assert visitor.get(f"/track/{code}/", REMOTE_ADDR="198.51.100.2").status_code == 200


def test_unknown_codes_count_against_the_limit_too(visitor, her_case, monkeypatch):
    """Guessing codes is what the limit is for."""
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: 1_800_000_000))
    guesses = [f"{n:02d}ABCDEF".replace("0", "Z").replace("1", "Y") for n in range(20)]

    statuses = {visitor.get(f"/track/{guess}/", REMOTE_ADDR="203.0.113.7").status_code for guess in guesses}

    assert statuses == {404}
    assert page(visitor, her_case.tracking_code).status_code == 200  # another address: the test client's
    assert visitor.get(f"/track/{her_case.tracking_code}/", REMOTE_ADDR="203.0.113.7").status_code == 429


def test_normalising_keeps_only_the_code():
    assert normalise_tracking_code(" ｋ７ｒｍ－２ｑ９ｘ\u3000") == "K7RM2Q9X"
