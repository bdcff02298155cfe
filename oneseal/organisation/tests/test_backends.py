"""Signing in: the user and their staff record with its roles are read by one statement per
request (`organisation.backends.StaffBackend`), and nothing of either is kept between requests:
a role withdrawn or an account deactivated is refused on the very next request, on every path."""

from unittest import mock

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.signals import user_login_failed
from django.test import Client
from rest_framework.test import APIClient

from oneseal.cases.models import Case, State
from oneseal.organisation import actions
from oneseal.organisation.backends import StaffBackend
from oneseal.organisation.models import Role, Staff
from oneseal.organisation.rules import has_role, scope_prefix, staff_of

pytestmark = pytest.mark.django_db


def test_the_user_and_the_staff_record_with_every_role_are_one_statement(
    make_staff, county, django_assert_num_queries
):
    user = make_staff("many", county, Role.CLERK, Role.SIGNATORY)
    with django_assert_num_queries(1):
        signed_in = StaffBackend().get_user(user.pk)
        assert signed_in is not None and signed_in.pk == user.pk
        staff = staff_of(signed_in)
        assert staff is not None and staff.role_set == {Role.CLERK, Role.SIGNATORY}
        assert staff.region == county and staff.user is signed_in
        assert has_role(signed_in, Role.SIGNATORY, county)
        assert scope_prefix(signed_in) == county.prefix
    assert signed_in.staff is staff  # the relation as Django would have cached it


def test_a_staff_member_without_roles_and_a_user_without_a_record_are_still_one_statement(
    make_staff, county, django_assert_num_queries
):
    roleless = make_staff("roleless", county)
    citizen = get_user_model().objects.create_user("citizen", password="x")
    with django_assert_num_queries(2):
        one, other = StaffBackend().get_user(roleless.pk), StaffBackend().get_user(citizen.pk)
        assert staff_of(one) is not None and staff_of(one).role_set == frozenset()
        assert staff_of(other) is None and not has_role(other, Role.CLERK)
    with pytest.raises(Staff.DoesNotExist):
        other.staff  # noqa: B018 - as Django answers a user with no staff row


def test_an_inactive_or_unknown_user_is_nobody(make_staff, county):
    user = make_staff("gone", county, Role.CLERK)
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert StaffBackend().get_user(user.pk) is None
    assert StaffBackend().get_user(user.pk + 1000) is None


def test_a_session_signed_in_before_keeps_working(make_staff, county, bureau):
    """Sessions name the backend that signed them in; those of the plain ModelBackend, opened
    before this one, still find their user."""
    user = make_staff("old", county, Role.CLERK, bureau=bureau)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/workbench/intake/").status_code == 200


def test_a_wrong_password_is_checked_once_and_counted_as_a_failure(make_staff, county):
    make_staff("pw", county, Role.CLERK)
    failures = []

    def failed(sender, credentials, **kwargs):
        failures.append(credentials["username"])

    user_login_failed.connect(failed)
    model = get_user_model()
    try:
        with mock.patch.object(
            model, "check_password", autospec=True, side_effect=model.check_password
        ) as checked:
            assert authenticate(None, username="pw", password="wrong") is None
            assert authenticate(None, username="nobody", password="wrong") is None
    finally:
        user_login_failed.disconnect(failed)
    assert checked.call_count == 1  # not again by the ModelBackend kept for old sessions
    assert failures == ["pw", "nobody"]
    user = authenticate(None, username="pw", password="pw-pw")
    assert user is not None and user.backend == "oneseal.organisation.backends.StaffBackend"


# --- a role withdrawn or an account deactivated: refused on the very next request ------------


def _withdraw_clerk(user, administrator):
    actions.set_roles(Staff.objects.get(user=user), [], actor=administrator)


def _deactivate(user, administrator):
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)


@pytest.mark.parametrize("change", [_withdraw_clerk, _deactivate])
def test_the_api_refuses_on_the_very_next_request_by_session(
    change, clerk, administrator, handling_item, applicant
):
    client = APIClient()
    client.force_login(clerk)
    body = {"handling_item": handling_item.pk, "applicant": applicant.pk, "channel": "window"}
    opened = client.post("/api/v1/cases", body, format="json")
    assert opened.status_code == 201
    change(clerk, administrator)
    refused = client.post(f"/api/v1/cases/{opened.json()['id']}/accept", {}, format="json")
    assert refused.status_code in (401, 403, 404)
    assert Case.objects.get(pk=opened.json()["id"]).state == State.RECEIVED


@pytest.mark.parametrize("change", [_withdraw_clerk, _deactivate])
def test_the_api_refuses_on_the_very_next_request_by_password(
    change, clerk, administrator, handling_item, applicant
):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic " + _basic("clerk", "pw-clerk"))
    body = {"handling_item": handling_item.pk, "applicant": applicant.pk, "channel": "window"}
    opened = client.post("/api/v1/cases", body, format="json")
    assert opened.status_code == 201
    change(clerk, administrator)
    refused = client.post(f"/api/v1/cases/{opened.json()['id']}/accept", {}, format="json")
    assert refused.status_code in (401, 403, 404)
    assert Case.objects.get(pk=opened.json()["id"]).state == State.RECEIVED


@pytest.mark.parametrize("change", [_withdraw_clerk, _deactivate])
def test_the_window_pages_refuse_on_the_very_next_request(change, clerk, administrator):
    client = Client()
    client.force_login(clerk)
    assert client.get("/workbench/intake/").status_code == 200
    change(clerk, administrator)
    refused = client.get("/workbench/intake/")
    assert refused.status_code in (302, 403)
    if refused.status_code == 302:
        assert "login" in refused["Location"]


def _basic(username: str, password: str) -> str:
    import base64

    return base64.b64encode(f"{username}:{password}".encode()).decode()


def test_the_backend_and_staff_of_put_the_record_together_in_the_one_helper(
    make_staff, county, monkeypatch
):
    """Both reads of a staff record with its roles hand their rows to `rules.keep_staff`: the
    backend's (with the user) and `staff_of`'s own (a user not signed in by the backend)."""
    from oneseal.organisation import backends, rules

    user = make_staff("both", county, Role.CLERK, Role.SIGNATORY)
    seen, keep = [], rules.keep_staff

    def spy(who, staff, rows):
        seen.append(sorted(row.role_name for row in rows))
        return keep(who, staff, rows)

    monkeypatch.setattr(backends, "keep_staff", spy)
    monkeypatch.setattr(rules, "keep_staff", spy)
    by_backend = StaffBackend().get_user(user.pk)
    by_staff_of = get_user_model().objects.get(pk=user.pk)
    assert (
        staff_of(by_backend).role_set
        == staff_of(by_staff_of).role_set
        == {
            Role.CLERK,
            Role.SIGNATORY,
        }
    )
    assert seen == [[Role.CLERK, Role.SIGNATORY]] * 2
    assert by_backend.staff is staff_of(by_backend) and by_staff_of.staff is staff_of(by_staff_of)


def test_the_helper_hands_the_roles_to_the_record_and_keeps_it_on_the_user():
    from types import SimpleNamespace

    from oneseal.organisation.rules import keep_staff

    user, staff = get_user_model()(pk=7), Staff(display_name="甲")
    rows = [SimpleNamespace(role_name=Role.CLERK), SimpleNamespace(role_name=Role.OVERSEER)]
    assert keep_staff(user, staff, rows) is staff
    assert staff.role_set == {Role.CLERK, Role.OVERSEER} and user.staff is staff
    assert keep_staff(user, Staff(), [SimpleNamespace(role_name=None)]).role_set == frozenset()
    nobody = get_user_model()(pk=8)
    assert keep_staff(nobody, None, []) is None and nobody._oneseal_staff is False
    with pytest.raises(Staff.DoesNotExist):
        nobody.staff  # noqa: B018 - as Django answers a user with no staff row
