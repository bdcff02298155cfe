"""Password guessing is cut off on every login path — staff login, applicant sign-in, the admin
and the API's Basic auth (django-axes): after the limit of wrong passwords the right one is
refused too, until the lockout ends. The public endpoints are throttled per client."""

import base64
import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from oneseal.organisation.models import Role

ATTACKER = "198.51.100.9"


@pytest.fixture
def clerk(make_staff, county):
    return make_staff("clerk", county, Role.CLERK)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.cn", "pw-root")


def post_login(path, username, password, addr=ATTACKER):
    return Client().post(path, {"username": username, "password": password}, REMOTE_ADDR=addr)


def signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


@pytest.mark.parametrize(
    ("path", "who", "password"),
    [
        ("/accounts/login/", "clerk", "pw-clerk"),
        ("/account/signin/", "clerk", "pw-clerk"),
        ("/admin/login/", "root", "pw-root"),
    ],
)
def test_thirty_wrong_passwords_then_the_right_one_is_refused(
    path, who, password, clerk, superuser, settings
):
    for n in range(30):
        assert not signed_in(post_login(path, who, f"guess-{n}"))
    locked = post_login(path, who, password)
    assert not signed_in(locked) and locked.status_code == 429
    assert "登录已暂停" in locked.content.decode()
    # From another address too: the user name itself is locked, not only the address.
    assert not signed_in(post_login(path, who, password, addr="192.0.2.44"))


def test_basic_auth_is_locked_out_like_the_login_pages(clerk):
    def basic(password, addr=ATTACKER):
        token = base64.b64encode(f"clerk:{password}".encode()).decode()
        return APIClient(HTTP_AUTHORIZATION=f"Basic {token}", REMOTE_ADDR=addr).get("/api/v1/cases")

    assert basic("pw-clerk").status_code == 200
    for n in range(30):
        assert basic(f"guess-{n}").status_code in (401, 403)
    assert basic("pw-clerk").status_code in (401, 403, 429)
    assert basic("pw-clerk", addr="192.0.2.44").status_code in (401, 403, 429)


def test_the_lockout_ends_after_the_cool_off(clerk, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        post_login("/accounts/login/", "clerk", f"guess-{n}")
    assert not signed_in(post_login("/accounts/login/", "clerk", "pw-clerk"))
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(hours=1))
    assert signed_in(post_login("/accounts/login/", "clerk", "pw-clerk"))


def test_signing_in_to_an_own_account_between_guesses_does_not_reset_the_count(
    clerk, make_staff, county, settings
):
    make_staff("accomplice", county, Role.CLERK)
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        post_login("/accounts/login/", "clerk", f"guess-{n}")
    assert signed_in(post_login("/accounts/login/", "accomplice", "pw-accomplice"))
    post_login("/accounts/login/", "clerk", "guess-last")
    assert not signed_in(post_login("/accounts/login/", "clerk", "pw-clerk"))


def test_a_few_wrong_passwords_do_not_lock_anyone_out(clerk, settings):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        post_login("/accounts/login/", "clerk", f"guess-{n}")
    assert signed_in(post_login("/accounts/login/", "clerk", "pw-clerk"))


def test_the_public_verification_api_and_page_are_throttled_per_client(db, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "verify": "3/min"}
    api = APIClient(REMOTE_ADDR=ATTACKER)
    assert [api.get("/api/v1/verify/ABCD2345").status_code for _ in range(4)] == [
        404,
        404,
        404,
        429,
    ]
    assert APIClient(REMOTE_ADDR="192.0.2.44").get("/api/v1/verify/ABCD2345").status_code == 404
    page = Client(REMOTE_ADDR="192.0.2.45")
    codes = [
        page.get("/documents/verify/ABCD2345/", REMOTE_ADDR="192.0.2.45").status_code
        for _ in range(4)
    ]
    assert codes == [404, 404, 404, 429]


def test_a_forged_forwarded_for_header_does_not_escape_the_throttle(db, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "search": "2/min"}
    statuses = [
        APIClient()
        .get(
            "/api/v1/search",
            {"q": "开饭店"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
        .status_code
        for n in range(3)
    ]
    assert statuses[-1] == 429


def test_sign_up_submissions_are_throttled(db, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "signup": "2/hour"}
    client = Client(REMOTE_ADDR=ATTACKER)
    statuses = [
        client.post("/account/signup/", {"username": f"u{n}"}, REMOTE_ADDR=ATTACKER).status_code
        for n in range(3)
    ]
    assert statuses == [400, 400, 429]
    assert (
        client.get("/account/signup/", REMOTE_ADDR=ATTACKER).status_code == 200
    )  # the form itself still shows
