import pytest
from django.contrib.auth import get_user_model

from oneseal.applicants.actions import look_up, register_applicant
from oneseal.applicants.models import Applicant
from oneseal.audit.models import AuditEvent
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.organisation.models import Role


@pytest.fixture
def clerk(make_staff, county):
    return make_staff("clerk", county, Role.CLERK)


def test_a_clerk_registers_a_person_whose_name_has_a_rare_character(clerk):
    a = register_applicant(
        actor=clerk, kind="person", name="𠮷野家", number="11010519491231002x", phone="13800138000"
    )
    a.refresh_from_db()
    assert a.name == "𠮷野家" and len(a.name) == 3  # one code point outside the BMP kept intact
    assert a.id_number == "11010519491231002X"
    assert Applicant.objects.get(name="𠮷野家").pk == a.pk


def test_registering_the_same_number_again_finds_the_applicant(clerk):
    a = register_applicant(
        actor=clerk,
        kind="organisation",
        name="平罗县某某餐饮有限公司",
        number="91350100M000100Y43",
        phone="0952-6012345",
    )
    b = register_applicant(
        actor=clerk,
        kind="organisation",
        name="平罗县某某餐饮有限公司",
        number="91350100m000100y43",
        phone="0952-6012345",
    )
    assert a.pk == b.pk and Applicant.objects.count() == 1


def test_every_bad_field_is_named_and_nothing_is_stored(clerk):
    with pytest.raises(ValidationFailed) as e:
        register_applicant(
            actor=clerk, kind="person", name="", number="110105194912310021", phone="12345"
        )
    assert set(e.value.fields) == {"name", "id_number", "phone"}
    assert "校验位错误" in e.value.fields["id_number"][0]
    assert Applicant.objects.count() == 0


def test_a_number_already_registered_under_another_name_is_refused(clerk):
    register_applicant(
        actor=clerk, kind="person", name="张三", number="11010519491231002X", phone="13800138000"
    )
    with pytest.raises(ValidationFailed) as e:
        register_applicant(
            actor=clerk,
            kind="person",
            name="李四",
            number="11010519491231002X",
            phone="13800138000",
        )
    assert "name" in e.value.fields


def test_a_member_of_the_public_registers_nobody_not_even_themselves(db):
    # An account is the person it signed up as; a name and a number typed online prove nothing.
    me = get_user_model().objects.create_user("me", password="x")
    with pytest.raises(NotPermitted) as refused:
        register_applicant(
            actor=me,
            user=me,
            kind="person",
            name="王五",
            number="640221199003071238",
            phone="13900139000",
        )
    assert "窗口" in str(refused.value.message)
    assert Applicant.objects.count() == 0


def test_a_clerk_binds_a_person_to_an_account_but_never_an_organisation(clerk):
    holder = get_user_model().objects.create_user("holder", password="x")
    with pytest.raises(ValidationFailed) as refused:
        register_applicant(
            actor=clerk,
            user=holder,
            kind="organisation",
            name="平罗县某某餐饮有限公司",
            number="91350100M000100Y43",
            phone="0952-6012345",
        )
    assert "user" in refused.value.fields and Applicant.objects.count() == 0
    person = register_applicant(
        actor=clerk, kind="person", name="王五", number="640221199003071238", phone="13900139000"
    )
    assert person.user is None
    # The holder shows their ID card at the window: the registered person is bound to the account.
    again = register_applicant(
        actor=clerk,
        user=holder,
        kind="person",
        name="王五",
        number="640221199003071238",
        phone="13900139000",
    )
    assert again.pk == person.pk and again.user == holder
    assert AuditEvent.objects.filter(
        action="applicants.bind_account", subject_id=str(person.pk)
    ).exists()
    # One person per account.
    with pytest.raises(ValidationFailed) as second:
        register_applicant(
            actor=clerk,
            user=holder,
            kind="person",
            name="张三",
            number="11010519491231002X",
            phone="13800138000",
        )
    assert "user" in second.value.fields


def test_a_clerk_finding_a_registered_number_is_audited(clerk):
    a = register_applicant(
        actor=clerk, kind="person", name="王五", number="640221199003071238", phone="13900139000"
    )
    assert not AuditEvent.objects.filter(
        action="applicants.look_up"
    ).exists()  # registering is not a look-up
    register_applicant(
        actor=clerk, kind="person", name="王五", number="640221199003071238", phone="13900139000"
    )
    found = look_up(actor=clerk, kind="person", number="640221199003071238", via="intake-check")
    assert found == a
    rows = AuditEvent.objects.filter(action="applicants.look_up", subject_id=str(a.pk))
    assert sorted(r.data["via"] for r in rows) == ["intake-check", "register"]
    assert all(r.actor == clerk and r.data["number"] == a.masked_number for r in rows)
    assert (
        look_up(actor=clerk, kind="person", number="11010519491231002X", via="intake-check") is None
    )


def test_only_a_clerk_may_look_up_a_number(db):
    someone = get_user_model().objects.create_user("someone", password="x")
    with pytest.raises(NotPermitted):
        look_up(actor=someone, kind="person", number="640221199003071238", via="api")
