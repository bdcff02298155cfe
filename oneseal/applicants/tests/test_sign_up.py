import pytest
from django.contrib.auth import get_user_model

from oneseal.applicants.actions import sign_up
from oneseal.applicants.models import Applicant
from oneseal.applicants.rules import number_problem
from oneseal.audit.models import AuditEvent
from oneseal.errors import ValidationFailed


def test_signing_up_ties_a_new_account_to_its_applicant_and_is_audited(db):
    user, applicant = sign_up(username="zhangshan", password="Pingluo-2025!", kind="person", name="张珊",
                              number="640221199605180423", phone="13995210418")
    assert applicant.user == user and user.check_password("Pingluo-2025!")
    # What the case history shows for her online actions.
    from oneseal.cases.actions._base import actor_name

    assert actor_name(user) == "张珊"
    assert AuditEvent.objects.filter(action="applicants.sign_up", subject_id=str(applicant.pk)).exists()


def test_a_registered_number_cannot_be_claimed_and_no_account_is_left_behind(db):
    sign_up(username="first", password="Pingluo-2025!", kind="person", name="张珊", number="640221199605180423",
            phone="13995210418")
    with pytest.raises(ValidationFailed) as refused:
        sign_up(username="second", password="Pingluo-2025!", kind="person", name="张珊",
                number="640221199605180423", phone="13995210418")
    assert list(refused.value.fields) == ["number"] and "张珊" not in refused.value.fields["number"][0]
    assert not get_user_model().objects.filter(username="second").exists()
    assert Applicant.objects.count() == 1


def test_a_digits_only_password_is_refused(db):
    with pytest.raises(ValidationFailed) as refused:
        sign_up(username="zhangshan", password="20250101", kind="person", name="张珊",
                number="640221199605180423", phone="13995210418")
    assert "password" in refused.value.fields


def test_the_typed_number_check_reports_the_format_only():
    assert number_problem("person", "640221199605180423") == ""
    assert "校验位" in number_problem("person", "640221199605180424")
    assert "18位" in number_problem("organisation", "91350100M000100Y4")
