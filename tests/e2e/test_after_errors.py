"""What the pages do when something has gone wrong on the way: a form sent back with errors, a
session that ended while the page stayed open, a screen narrower than the windows' own."""

import re
from importlib import import_module

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from intake.models import Visit
from tests.e2e.session import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def use_language(page: Page, live_server, code: str) -> None:
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": live_server.url}])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("width", [768, 1024])
def test_the_navigation_fits_a_tablet(english: Page, live_server, bureau, width, language):
    english.set_viewport_size({"width": width, "height": 900})
    log_in(english, live_server, "reception")
    use_language(english, live_server, language)
    english.goto(f"{live_server.url}/desk/")

    # the page is no wider than the screen, the menu folds behind its button, and "Log out" is
    # there when it is opened
    assert english.evaluate("document.documentElement.scrollWidth") == width
    english.locator("button.navbar-toggler").click()
    log_out = english.locator("nav form[action='/logout/'] button")
    expect(log_out).to_be_visible()
    box = log_out.bounding_box()
    assert box["x"] + box["width"] <= width


def take_her_as_the_person(page: Page) -> None:
    # One look-up answered before the next is asked: a late answer redraws the panel, and a click
    # on the list it replaces is lost (CI, under load, took no one).
    with page.expect_response(lambda response: "/desk/lookup/" in response.url):
        page.get_by_label("Town or street").select_option(label="黎里镇（汾湖高新区）")
    with page.expect_response(lambda response: "/desk/lookup/" in response.url):
        page.get_by_label("Name", exact=True).fill("沈桂英")
    page.get_by_role("region", name="Came before?").get_by_role("button", name="This is the person").click()


def test_a_known_petitioner_chosen_stays_chosen_when_the_form_comes_back(
    english: Page, live_server, her_case
):
    page = english
    log_in(page, live_server, "reception")
    take_her_as_the_person(page)
    page.get_by_label("What happened").fill("又来反映安置问题")
    page.get_by_role("button", name="Register", exact=True).click()  # request, category, area missing
    expect(page.get_by_text("The visit was not registered")).to_be_visible()

    # the row still shows her, chosen: not a blank person whose name could be typed over
    expect(page.get_by_label("Name", exact=True)).to_have_value("沈桂英")
    expect(page.get_by_label("Name", exact=True)).not_to_be_editable()
    page.get_by_label("Request (诉求)").fill("希望政府给予帮助")
    page.get_by_label("Category").select_option(label="申诉求决")
    page.get_by_label("Subject area").select_option(label="其他")
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("registered")
    visit = Visit.objects.order_by("-pk").first()
    assert [attendance.petitioner_id for attendance in visit.attendances.all()] == [
        her_case.petitioners.get().pk
    ]


def test_switching_language_after_a_refused_action_stays_on_the_case(english: Page, live_server, her_case):
    page = english
    log_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/cases/{her_case.pk}/")
    sign_off = page.get_by_role("form", name="Sign-off (签阅)")
    sign_off.get_by_label("Assign with a report due").check()
    sign_off.get_by_role("button", name="Sign off").click()  # no report due date
    expect(page.get_by_text("Nothing was saved")).to_be_visible()

    page.get_by_label("Language").select_option("zh-hans")

    expect(page.get_by_role("heading", name=re.compile(her_case.number))).to_be_visible()
    assert page.url.endswith(f"/cases/{her_case.pk}/")


def test_the_clock_badges_are_chinese_to_the_last_word(english: Page, live_server, her_case):
    log_in(english, live_server, "leader")
    use_language(english, live_server, "zh-hans")
    english.goto(f"{live_server.url}/cases/sign-off/")

    badge = english.locator(".badge.clock").first
    title = badge.get_attribute("title")
    assert "期限" in title and not re.search(r"[A-Za-z]{2,}", title), title


def test_a_look_up_after_the_session_ended_takes_the_whole_page_to_the_login(
    english: Page, live_server, her_case
):
    page = english
    log_in(page, live_server, "reception")
    # 30 idle minutes at the window (SESSION_COOKIE_AGE): the server forgets the session.
    key = next(c["value"] for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    import_module(settings.SESSION_ENGINE).SessionStore(session_key=key).delete()

    page.get_by_label("Name", exact=True).fill("沈桂英")

    page.wait_for_url(re.compile(r"/login/\?next=/desk/"))
    expect(page.locator("nav.navbar")).to_have_count(1)
    expect(page.locator("input[type=password]")).to_have_count(1)


def test_arrowing_through_the_places_asks_once_and_logs_no_errors(english: Page, live_server, her_case):
    page = english
    log_in(page, live_server, "reception")
    errors, lookups = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on(
        "request", lambda request: lookups.append(request.url) if "/desk/lookup/" in request.url else None
    )
    page.get_by_label("Name", exact=True).fill("沈桂英")
    page.wait_for_timeout(600)
    lookups.clear()
    page.get_by_label("Town or street").focus()
    for _ in range(6):  # a keyboard user looking for 黎里镇 in the list
        page.keyboard.press("ArrowDown")
    page.wait_for_timeout(1000)

    assert (len(lookups), errors) == (1, [])


def test_a_candidate_taken_by_mistake_can_be_let_go(english: Page, live_server, her_case):
    page = english
    log_in(page, live_server, "reception")
    take_her_as_the_person(page)
    expect(page.get_by_label("Name", exact=True)).not_to_be_editable()

    # it is another woman of the same name: the row becomes a new person again
    page.get_by_role("button", name="Not this person").click()
    expect(page.get_by_label("Name", exact=True)).to_be_editable()
    page.get_by_label("Name", exact=True).fill("沈桂英")
    page.get_by_role("textbox", name="Phone").fill("13912345678")
    page.get_by_label("What happened").fill("邻里纠纷")
    page.get_by_label("Request (诉求)").fill("请求调解")
    page.get_by_label("Category").select_option(label="申诉求决")
    page.get_by_label("Subject area").select_option(label="其他")
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("registered")

    [newcomer] = Visit.objects.order_by("-pk").first().petitioners.all()
    assert newcomer.pk != her_case.petitioners.get().pk
