"""Steps the browser tests share."""

from playwright.sync_api import Page

from intake.demo import DEMO_PASSWORD


def log_in(page: Page, live_server, username: str) -> None:
    """Sign in through the login form as one of the demo users (English labels)."""
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # The user's home page, loaded: its scripts are running. Typing into a field before htmx has
    # bound it sends no look-up, and a test that types at once failed so on a loaded machine.
    page.wait_for_url(lambda url: "/login/" not in url, wait_until="load")
