"""Logging in and out: each role lands on its own page; five failed logins lock the account for
ten minutes (django-axes); an idle session ends after thirty minutes, activity keeps it alive.

django-axes needs the request at authentication, so these tests post the login form itself
instead of calling client.login()."""

import datetime
import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import RENEWED_AT
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db]

PASSWORD = "demo12345!"  # the factories' password


@pytest.fixture
def client():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin", role="administrator", is_staff=True, is_superuser=True)


def log_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- landing ----------------------------------------------------------------------------------


def test_the_login_page_opens_without_login(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    text = response.content.decode()
    assert 'name="username"' in text and 'name="password"' in text
    assert 'value="Log in"' in text


@pytest.mark.parametrize(
    ("user", "home"),
    [
        ("receptionist", "intake:desk"),
        ("leader", "cases:sign_off_queue"),
        ("department_user", "cases:inbox"),
        ("administrator", "admin:index"),
    ],
)
def test_each_role_lands_on_its_own_page(client, request, user, home):
    user = request.getfixturevalue(user)

    response = log_in(client, user.username)

    assert response.status_code == 302 and response["Location"] == reverse("home")
    landing = client.get(reverse("home"))
    assert landing.status_code == 302 and landing["Location"] == reverse(home)
    assert client.get(reverse(home)).status_code == 200


def test_a_logged_in_user_opening_the_login_page_goes_home(client, receptionist):
    log_in(client, receptionist.username)

    response = client.get(reverse("login"))

    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_wrong_password_is_refused_on_the_login_page(client, receptionist):
    response = log_in(client, receptionist.username, "wrong-password")

    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert not is_logged_in(client)


# --- lockout ----------------------------------------------------------------------------------


def fail_five_times(client, username):
    return [log_in(client, username, f"wrong-{n}") for n in range(5)]


def test_five_failed_logins_lock_the_account(client, receptionist):
    responses = fail_five_times(client, receptionist.username)

    # the fifth failure already answers with the lockout page
    assert [response.status_code for response in responses] == [200, 200, 200, 200, 429]
    assert AccessAttempt.objects.get(username=receptionist.username).failures_since_start == 5

    # and the sixth attempt, even with the right password, is refused
    response = log_in(client, receptionist.username)
    assert response.status_code == 429
    assert "Account locked" in response.content.decode()
    assert "locked for 10 minutes" in response.content.decode()
    assert not is_logged_in(client)


def test_a_failed_login_records_no_id_number_the_page_was_left_with(client, leader):
    """A search for an ID number whose session has ended is sent to the login with the search in
    `next`; django-axes kept a failed login's GET and POST data whole, in clear, in its table
    and on its admin page."""
    # given a search left when the session ended
    id_number = "11010519491231002X"
    response = client.get(reverse("cases:search"), {"q": id_number})
    login_url = response["Location"]
    assert id_number in login_url

    # when the password is then mistyped
    client.post(
        login_url, {"username": leader.username, "password": "wrong", "next": f"/cases/search/?q={id_number}"}
    )

    # then the attempt is counted against the account, and the number is nowhere in its record
    attempt = AccessAttempt.objects.get(username=leader.username)
    assert attempt.failures_since_start == 1
    assert id_number not in attempt.get_data and id_number not in attempt.post_data


def test_the_lock_is_per_account_not_per_address(client, receptionist, leader):
    """The windows share one NAT address: one locked account does not lock the others."""
    fail_five_times(client, receptionist.username)

    log_in(client, leader.username)

    assert is_logged_in(client)


def travel(minutes: float) -> None:
    """Time passes for django-axes: its failed attempts move into the past."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutes))


def test_the_lock_holds_for_nine_minutes(client, receptionist):
    fail_five_times(client, receptionist.username)

    travel(9)

    assert log_in(client, receptionist.username).status_code == 429
    assert not is_logged_in(client)


def test_the_lock_lifts_after_ten_minutes(client, receptionist):
    assert datetime.timedelta(minutes=10) == settings.AXES_COOLOFF_TIME
    fail_five_times(client, receptionist.username)

    travel(10.1)

    response = log_in(client, receptionist.username)
    assert response.status_code == 302 and is_logged_in(client)
    # a successful login forgets the failures
    assert not AccessAttempt.objects.filter(username=receptionist.username).exists()


# --- the session ------------------------------------------------------------------------------


def session_row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_an_idle_session_lasts_thirty_minutes_and_each_request_renews_it(client, receptionist):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    log_in(client, receptionist.username)
    thirty_minutes = datetime.timedelta(minutes=30)
    assert abs(session_row(client).expire_date - (timezone.now() + thirty_minutes)) < datetime.timedelta(
        seconds=30
    )

    # 29 idle minutes later, one more request gives her another thirty
    session = client.session
    session[RENEWED_AT] = int(time.time()) - 29 * 60
    session.save()
    Session.objects.filter(pk=session_row(client).pk).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=1)
    )
    response = client.get(reverse("intake:desk"))

    assert response.status_code == 200
    assert abs(session_row(client).expire_date - (timezone.now() + thirty_minutes)) < datetime.timedelta(
        seconds=30
    )
    # the cookie is renewed with every answer, and ends with the browser
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value == client.session.session_key
    assert not cookie["max-age"] and not cookie["expires"]


def test_a_session_idle_for_thirty_minutes_has_ended(client, receptionist):
    log_in(client, receptionist.username)
    Session.objects.filter(pk=session_row(client).pk).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    # with Redis the session is cached too, for as long as it lasts
    cache.clear()

    response = client.get(reverse("intake:desk"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- logout -----------------------------------------------------------------------------------


def test_logging_out_takes_a_post(client, receptionist):
    log_in(client, receptionist.username)

    assert client.get(reverse("logout")).status_code == 405
    assert is_logged_in(client)

    response = client.post(reverse("logout"))

    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not is_logged_in(client)
    assert client.get(reverse("intake:desk")).status_code == 302


def test_logging_out_after_the_session_has_ended_lands_on_the_login_page(client, receptionist):
    # given a receptionist whose session ended while she was away from the desk
    log_in(client, receptionist.username)
    Session.objects.all().delete()
    cache.clear()

    # when she presses "Log out" on the page still open
    response = client.post(reverse("logout"))

    # then she is on the login page, not sent to log in only to be logged out (a 405 after it)
    assert response.status_code == 302 and response["Location"] == reverse("login")


def test_the_log_out_button_is_a_form_that_posts(client, receptionist):
    log_in(client, receptionist.username)

    text = client.get(reverse("intake:desk")).content.decode()

    assert f'<form action="{reverse("logout")}" method="post">' in text


# --- the signed-in user, read on every page -------------------------------------------------------


def test_a_user_deactivated_while_signed_in_is_sent_to_the_login_page(client, receptionist):
    log_in(client, receptionist.username)
    assert client.get(reverse("intake:desk")).status_code == 200

    receptionist.is_active = False
    receptionist.save()

    response = client.get(reverse("intake:desk"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_password_changed_elsewhere_signs_the_old_session_out(client, receptionist):
    log_in(client, receptionist.username)

    receptionist.set_password("another-password-42")
    receptionist.save()

    response = client.get(reverse("intake:desk"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not is_logged_in(client)


def test_a_deleted_users_session_opens_nothing(client, department_user):
    log_in(client, department_user.username)
    assert client.get(reverse("cases:inbox")).status_code == 200

    department_user.delete()

    response = client.get(reverse("cases:inbox"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_page_being_typed_into_renews_the_session_by_asking_the_server(client, receptionist):
    log_in(client, "reception")
    session = client.session
    session[RENEWED_AT] = 0
    session.save()

    response = client.get(reverse("still_here"))

    assert response.status_code == 204
    assert "no-store" in response["Cache-Control"]
    assert client.session[RENEWED_AT] > time.time() - 60


def test_asking_after_the_session_ended_leads_to_the_login(client):
    response = client.get(reverse("still_here"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_form_sent_after_the_session_ended_leads_back_to_its_page_after_the_login(client):
    """Its own address takes POST only: sent there after the login, a blank 405."""
    response = client.post(
        "/cases/7/reply/", {"reply-text": "已答复"}, HTTP_REFERER="http://testserver/cases/7/?tab=1"
    )

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/cases/7/%3Ftab%3D1"


def test_a_form_sent_from_another_site_after_the_session_ended_leads_home(client):
    response = client.post("/cases/7/reply/", HTTP_REFERER="https://evil.example/cases/7/")

    assert response["Location"] == f"{reverse('login')}?next=/"


def test_a_panel_refreshing_itself_after_the_session_ended_stops_instead_of_leaving_the_page(client):
    """The letters panel polls while a letter is prepared: sent to the login page, the whole page
    went with it, and what was being typed into its forms."""
    response = client.get(
        reverse("documents:case_panel", args=[7]), HTTP_HX_REQUEST="true", HTTP_X_BACKGROUND_POLL="1"
    )

    assert response.status_code == 286
    assert "HX-Redirect" not in response
    # htmx swaps a 286 like any 2xx: told not to, the panel stays as it is
    assert response["HX-Reswap"] == "none"


def test_a_form_sent_from_a_refused_actions_own_page_after_the_session_ended_leads_home(client):
    """A refused action's page is drawn at the action's POST-only address."""
    response = client.post("/cases/7/note/", HTTP_REFERER="http://testserver/cases/7/note/")

    assert response["Location"] == f"{reverse('login')}?next=/"
