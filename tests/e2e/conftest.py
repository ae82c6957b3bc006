"""Playwright on Debian's chromium against pytest-django's live_server (see shared/TOOLCHAIN.md)."""

import os

import pytest
from django.conf import settings

from cases.reference_data import load_reference_data
from intake.demo import ensure_demo_users
from intake.services import Attendee, PetitionerData
from tests.e2e.window import registered_at_window
from tests.factories import WindowFactory

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the test makes
# between two clicks are still plain synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            # No look-ups of outside hosts; localhost stays resolvable for live_server.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
        ],
    }


@pytest.fixture
def bureau(live_server):
    """Reference data, the demo users (one per role) and one open window, committed so that
    the live server's thread sees them."""
    load_reference_data()
    window = WindowFactory(name="1号窗口")
    ensure_demo_users()
    return {"window": window}


@pytest.fixture
def english(page, live_server):
    """The page in English, whatever translations exist: the labels the test looks for are the
    source strings. The bureau's default (Simplified Chinese) is asserted on its own."""
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def her_case(bureau):
    """Registered at the window this morning and sent for sign-off."""
    return registered_at_window(
        bureau,
        (Attendee(new=PetitionerData(name="沈桂英")),),
        facts="原有住宅面临拆迁，按安置政策她和儿子可获得一处40平方米安置房，家中生活困难。",
        request="希望政府在安置上给予帮助。",
    ).case
