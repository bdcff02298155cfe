import pytest
from django.contrib.auth import get_user_model

from oneseal.applicants.actions import register_applicant
from oneseal.applicants.models import Applicant
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.organisation.models import Role


@pytest.fixture
def clerk(make_staff, county):
    return make_staff("clerk", county, Role.CLERK)


def test_a_clerk_registers_a_person_whose_name_has_a_rare_character(clerk):
    a = register_applicant(actor=clerk, kind="person", name="𠮷野家", number="11010519491231002x", phone="13800138000")
    a.refresh_from_db()
    assert a.name == "𠮷野家" and len(a.name) == 3  # one code point outside the BMP kept intact
    assert a.id_number == "11010519491231002X"
    assert Applicant.objects.get(name="𠮷野家").pk == a.pk


def test_registering_the_same_number_again_finds_the_applicant(clerk):
    a = register_applicant(actor=clerk, kind="organisation", name="平罗县某某餐饮有限公司",
                           number="91350100M000100Y43", phone="0952-6012345")
    b = register_applicant(actor=clerk, kind="organisation", name="平罗县某某餐饮有限公司",
                           number="91350100m000100y43", phone="0952-6012345")
    assert a.pk == b.pk and Applicant.objects.count() == 1


def test_every_bad_field_is_named_and_nothing_is_stored(clerk):
    with pytest.raises(ValidationFailed) as e:
        register_applicant(actor=clerk, kind="person", name="", number="110105194912310021", phone="12345")
    assert set(e.value.fields) == {"name", "id_number", "phone"}
    assert "校验位错误" in e.value.fields["id_number"][0]
    assert Applicant.objects.count() == 0


def test_a_number_already_registered_under_another_name_is_refused(clerk):
    register_applicant(actor=clerk, kind="person", name="张三", number="11010519491231002X", phone="13800138000")
    with pytest.raises(ValidationFailed) as e:
        register_applicant(actor=clerk, kind="person", name="李四", number="11010519491231002X", phone="13800138000")
    assert "name" in e.value.fields


def test_a_member_of_the_public_registers_only_themselves(db):
    users = get_user_model().objects
    me, other = users.create_user("me", password="x"), users.create_user("other", password="x")
    a = register_applicant(actor=me, user=me, kind="person", name="王五", number="640221199003071238", phone="13900139000")
    assert a.user == me
    with pytest.raises(NotPermitted):
        register_applicant(actor=me, user=other, kind="person", name="赵六", number="11010519491231002X", phone="13900139000")


def test_the_public_cannot_take_over_or_probe_someone_elses_number(clerk, db):
    users = get_user_model().objects
    owner, prober = users.create_user("owner", password="x"), users.create_user("prober", password="x")
    register_applicant(actor=owner, user=owner, kind="person", name="王五", number="640221199003071238", phone="13900139000")
    with pytest.raises(ValidationFailed) as e:
        register_applicant(actor=prober, user=prober, kind="person", name="李四", number="640221199003071238",
                           phone="13900139000")
    assert "王五" not in str(e.value.fields)
    with pytest.raises(NotPermitted):
        register_applicant(actor=prober, user=prober, kind="person", name="王五", number="640221199003071238",
                           phone="13900139000")
    assert Applicant.objects.get(id_number="640221199003071238").user == owner

