import pytest
from axes.models import AccessAttempt
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

TOKEN_URL = "/api/v1/auth/token/"


@pytest.mark.django_db
def test_token_is_given_for_the_right_password_and_opens_the_api(receptionist):
    client = APIClient()

    response = client.post(TOKEN_URL, {"username": "reception", "password": "demo12345!"}, format="json")

    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=receptionist).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/categories/").status_code == 200


@pytest.mark.django_db
def test_wrong_password_gets_no_token(receptionist):
    response = APIClient().post(TOKEN_URL, {"username": "reception", "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not Token.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_overlong_username_is_refused_with_a_message(receptionist):
    # django-axes records a failed login's username in a column of 255: PostgreSQL refused 256
    # characters, a server error.
    client = APIClient(raise_request_exception=False)

    response = client.post(TOKEN_URL, {"username": "z" * 256, "password": "x"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"username": ["请确保这个字段不能超过 150 个字符。"]}


LOCKED_OUT_ZH = "登录失败次数过多，该账号已被锁定10分钟。请稍后再试，或联系系统管理员。"


@pytest.mark.django_db
def test_locked_out_account_gets_no_token_even_with_the_right_password(receptionist, settings):
    """django-axes counts failures through the token endpoint too: it is no way around the lockout."""
    client = APIClient()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(TOKEN_URL, {"username": "reception", "password": "wrong"}, format="json")

    response = client.post(TOKEN_URL, {"username": "reception", "password": "demo12345!"}, format="json")

    assert response.status_code == 429
    # In the bureau's language, as on the login page (django-axes' own message is English only).
    assert (
        response.json()["detail"] == "登录失败次数过多，该账号已被锁定10分钟。请稍后再试，或联系系统管理员。"
    )
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_bad_token_is_refused(reference):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    assert client.get("/api/v1/categories/").status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/departments/",
        "/api/v1/categories/",
        "/api/v1/subject-areas/",
        "/api/v1/places/",
        "/api/v1/windows/",
        "/api/v1/petitioners/?q=王秀英",
        "/api/v1/visits/",
        "/api/v1/cases/",
        "/api/v1/stats/daily/",
    ],
)
def test_anonymous_is_asked_to_authenticate(anonymous_api, url):
    response = anonymous_api.get(url)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_anonymous_cannot_register(anonymous_api, reference):
    response = anonymous_api.post("/api/v1/visits/", {"window": reference["window"].pk}, format="json")

    assert response.status_code == 401


@pytest.mark.django_db
def test_session_login_works_for_the_browser(receptionist, reference):
    client = APIClient()
    client.force_login(receptionist)

    assert client.get("/api/v1/windows/").status_code == 200


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.mark.django_db
def test_the_api_acts_as_the_tokens_user(receptionist, department_user, reference):
    assert _token_client(receptionist).get("/api/v1/visits/").status_code == 200
    # Department staff never see the window's records, whichever way they sign in.
    assert _token_client(department_user).get("/api/v1/visits/").status_code == 403


@pytest.mark.django_db
def test_a_deactivated_users_token_is_refused(receptionist, reference):
    client = _token_client(receptionist)
    receptionist.is_active = False
    receptionist.save()

    response = client.get("/api/v1/categories/")

    assert response.status_code == 401
    with translation.override("zh-hans"):
        assert response.json()["detail"] == translation.gettext("User inactive or deleted.")
    assert response.json()["detail"] != "User inactive or deleted."  # said in the bureau's language


@pytest.mark.django_db
def test_a_new_password_ends_the_users_api_tokens(receptionist, reference):
    # given a token in use, which she suspects has leaked
    client = _token_client(receptionist)
    assert client.get("/api/v1/categories/").status_code == 200

    # when she changes her password
    receptionist.set_password("a-new-password-2026!")
    receptionist.save()

    # then the old token no longer works, and a new one is had with the new password
    assert client.get("/api/v1/categories/").status_code == 401
    assert not Token.objects.exists()
    fresh = APIClient().post(
        TOKEN_URL, {"username": receptionist.username, "password": "a-new-password-2026!"}, format="json"
    )
    assert fresh.status_code == 200


@pytest.mark.django_db
def test_saving_a_user_without_a_new_password_keeps_the_token(receptionist, reference):
    client = _token_client(receptionist)
    receptionist.first_name = "进军"
    receptionist.save()

    assert client.get("/api/v1/categories/").status_code == 200


@pytest.mark.django_db
def test_a_stale_token_in_the_header_does_not_stand_in_the_way_of_a_new_one(receptionist):
    """A client that sends its token with every request keeps sending it when it logs in again
    because that token was refused: the login must not refuse the login for it."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")

    response = client.post(TOKEN_URL, {"username": "reception", "password": "demo12345!"}, format="json")

    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=receptionist).key


@pytest.mark.django_db
def test_a_browser_session_does_not_make_the_token_login_ask_for_a_csrf_token(receptionist):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(receptionist)

    response = client.post(TOKEN_URL, {"username": "reception", "password": "demo12345!"}, format="json")

    assert response.status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db
# The session key looked up, now with a space, is one memcached could not hold; Redis can.
@pytest.mark.filterwarnings("ignore::django.core.cache.backends.base.CacheKeyWarning")
@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("HTTP_AUTHORIZATION", "Token 00000000\x0000000000000000000000000000000"),
        ("HTTP_COOKIE", "sessionid=abcdefgh\x00ijklmnop"),
    ],
)
def test_a_nul_character_in_the_credentials_is_refused_as_no_credentials(reference, header, value):
    # PostgreSQL cannot hold NUL in text: looking the token or the session up with it was a
    # server error. RFC 9110 §5.5 lets a recipient read a NUL in a field value as a space.
    client = APIClient(raise_request_exception=False, **{header: value})

    response = client.get("/api/v1/categories/")

    assert response.status_code == 401
    assert response.json()["detail"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_failed_login_from_a_user_agent_with_a_nul_character_is_refused_as_any_other(receptionist):
    client = APIClient(raise_request_exception=False, HTTP_USER_AGENT="curl/8\x00")

    response = client.post(TOKEN_URL, {"username": "reception", "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    # and it counts towards the lockout, as every failed login does
    assert AccessAttempt.objects.get(username="reception").failures_since_start == 1
