"""Steps the browser tests share."""

from playwright.sync_api import Page

from intake.demo import DEMO_PASSWORD


def log_in(page: Page, live_server, username: str) -> None:
    """Sign in through the login form as one of the demo users (English labels)."""
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
