"""The pages fit the window screens' 1366×768, in either language."""

import pytest
from django.conf import settings
from playwright.sync_api import Page

from tests.e2e.session import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("username", ["reception", "leader", "housing", "admin"])
def test_the_navigation_bar_is_one_line(english: Page, live_server, bureau, username, language):
    english.set_viewport_size({"width": 1366, "height": 768})
    log_in(english, live_server, username)
    cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
    english.context.add_cookies([cookie])

    english.goto(f"{live_server.url}/notifications/")

    # one line of Bootstrap's navbar is 56 px; a wrapped item made it 78
    assert english.locator("nav.navbar").bounding_box()["height"] <= 60
    assert english.evaluate("document.documentElement.scrollWidth") <= 1366
