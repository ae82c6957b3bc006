"""Each role's pages load whole: no request of theirs fails (a missing script, style, icon or
htmx fragment) and no script reports an error, as the browser's console would show staff."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.session import log_in

HOME_PAGES = {
    "reception": ["/desk/", "/desk/tally/"],
    "leader": ["/cases/sign-off/", "/cases/supervision/"],
    "housing": ["/cases/inbox/"],
    "admin": ["/admin/"],
}


def watch(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "requestfailed",
        # Leaving a page stops what it still fetched (its icon): not a failure of the page's.
        lambda request: (
            problems.append(f"{request.failure} {request.url}")
            if request.failure != "net::ERR_ABORTED"
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    return problems


@pytest.mark.parametrize("username", HOME_PAGES)
def test_a_role_s_pages_load_without_a_failed_request_or_a_script_error(
    english: Page, live_server, bureau, her_case, username
):
    problems = watch(english)
    log_in(english, live_server, username)
    for path in HOME_PAGES[username]:
        english.goto(f"{live_server.url}{path}", wait_until="networkidle")

    assert problems == []


def test_the_login_page_loads_without_a_failed_request(english: Page, live_server, bureau):
    problems = watch(english)

    english.goto(f"{live_server.url}/login/", wait_until="networkidle")

    assert problems == []


def test_the_api_documentation_asks_nothing_of_another_host(english: Page, live_server, bureau):
    outside: list[str] = []

    def went_out(request) -> None:
        # A request the page's own policy stopped in the browser never left it ("csp").
        blocked = "csp" in (request.failure or "").lower()
        if not request.url.startswith((live_server.url, "data:", "blob:")) and not blocked:
            outside.append(f"{request.url} {request.failure}")

    english.on("requestfinished", went_out)
    english.on("requestfailed", went_out)

    english.goto(f"{live_server.url}/api/docs/", wait_until="networkidle")

    expect(english.get_by_role("heading", name="Petition Desk API").first).to_be_visible()
    assert outside == []
