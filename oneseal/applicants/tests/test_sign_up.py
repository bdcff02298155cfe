import pytest
from django.contrib.auth import get_user_model

from oneseal.applicants.actions import sign_up
from oneseal.applicants.models import Applicant
from oneseal.applicants.rules import number_problem
from oneseal.audit.models import AuditEvent
from oneseal.errors import ValidationFailed


def test_signing_up_ties_a_new_account_to_its_applicant_and_is_audited(db):
    user, applicant = sign_up(
        username="zhangshan",
        password="Pingluo-2025!",
        kind="person",
        name="张珊",
        number="640221199605180423",
        phone="13995210418",
    )
    assert applicant.user == user and user.check_password("Pingluo-2025!")
    # What the case history shows for her online actions.
    from oneseal.cases.actions._base import actor_name

    assert actor_name(user) == "张珊"
    assert AuditEvent.objects.filter(
        action="applicants.sign_up", subject_id=str(applicant.pk)
    ).exists()


def test_an_address_given_at_sign_up_is_kept_and_none_is_needed(db):
    _user, applicant = sign_up(
        username="zhangshan",
        password="Pingluo-2025!",
        name="张珊",
        number="640221199605180423",
        phone="13995210418",
        address=" 平罗县城关镇鼓楼南街17号 ",
    )
    assert applicant.address == "平罗县城关镇鼓楼南街17号"
    _user, other = sign_up(
        username="yangxiumei",
        password="Pingluo-2025!",
        name="杨秀梅",
        number="640221198001011237",
        phone="13995210419",
    )
    assert other.address == ""


def test_a_registered_number_cannot_be_claimed_and_no_account_is_left_behind(db):
    sign_up(
        username="first",
        password="Pingluo-2025!",
        kind="person",
        name="张珊",
        number="640221199605180423",
        phone="13995210418",
    )
    with pytest.raises(ValidationFailed) as refused:
        sign_up(
            username="second",
            password="Pingluo-2025!",
            kind="person",
            name="张珊",
            number="640221199605180423",
            phone="13995210418",
        )
    assert (
        list(refused.value.fields) == ["number"] and "张珊" not in refused.value.fields["number"][0]
    )
    assert not get_user_model().objects.filter(username="second").exists()
    assert Applicant.objects.count() == 1


def test_a_digits_only_password_is_refused(db):
    with pytest.raises(ValidationFailed) as refused:
        sign_up(
            username="zhangshan",
            password="20250101",
            kind="person",
            name="张珊",
            number="640221199605180423",
            phone="13995210418",
        )
    assert "password" in refused.value.fields


def test_the_typed_number_check_reports_the_format_only():
    assert number_problem("person", "640221199605180423") == ""
    assert "校验位" in number_problem("person", "640221199605180424")
    assert "18位" in number_problem("organisation", "91350100M000100Y4")


def test_an_organisation_cannot_sign_up_online_and_nothing_is_stored(db):
    # A credit code and a representative's name are public: an organisation is acted for by a
    # person whose authorisation a window recorded, never by an account of its own.
    with pytest.raises(ValidationFailed) as refused:
        sign_up(
            username="shahu",
            password="Pingluo-2025!",
            kind="organisation",
            name="平罗县沙湖人家餐饮有限公司",
            number="91350100M000100Y43",
            phone="0952-6021835",
        )
    assert list(refused.value.fields) == ["kind"] and "窗口" in refused.value.fields["kind"][0]
    assert not get_user_model().objects.exists() and not Applicant.objects.exists()


def test_the_real_person_signs_up_after_someone_tried_to_claim_her_number(db):
    from oneseal.applicants.actions import register_applicant
    from oneseal.errors import NotPermitted

    attacker, _ = sign_up(
        username="attacker",
        password="Pingluo-2025!",
        name="路人甲",
        number="640221199002150049",
        phone="13909520001",
    )
    with pytest.raises(NotPermitted):
        register_applicant(
            actor=attacker,
            user=attacker,
            kind="person",
            name="张珊",
            number="640221199605180423",
            phone="13995210418",
        )
    user, applicant = sign_up(
        username="zhangshan",
        password="Pingluo-2025!",
        name="张珊",
        number="640221199605180423",
        phone="13995210418",
    )
    assert applicant.user == user and Applicant.objects.filter(user=attacker).count() == 1
