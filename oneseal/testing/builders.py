"""The bodies of the shared fixtures (oneseal/conftest.py, `oneseal.testing.fixtures`) as plain
functions: the fixtures build one test's county with them, and a module that shares one build
between its tests (a module-scoped fixture in a savepoint, as `cases/tests/
test_licence_register.py` does) builds the same rows with the same names, which a fixture of
narrower scope cannot give it."""

from django.contrib.auth import get_user_model

from oneseal.applicants.actions import register_applicant
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import Catalogue, HandlingItem, Material
from oneseal.organisation.models import Bureau, Department, Role, Staff, StaffRole
from oneseal.regions.actions import GB2260_SOURCE, gb2260_table, load_regions
from oneseal.regions.models import Region

COUNTY = "640221"  # 平罗县
OTHER_COUNTY = "640202"  # 大武口区, same city


def regions():
    # 宁夏: 平罗县 640221 and its neighbours; 四川: 广安区 511602
    load_regions(gb2260_table(), source=GB2260_SOURCE, only_prefix="64", system=True)
    load_regions(gb2260_table(), source=GB2260_SOURCE, only_prefix="51", system=True)
    return Region.objects


def bureau(county: Region) -> Bureau:
    return Bureau.objects.create(
        region=county, name="平罗县审批服务管理局", complaint_phone="0952-12345"
    )


def department(county: Region) -> Department:
    return Department.objects.create(
        region=county, name="平罗县市场监督管理局", short_name="市场监管局", order=6
    )


def catalogue(county: Region, bureau: Bureau) -> Catalogue:
    return Catalogue.objects.create(region=county, bureau=bureau, name="平罗县审批服务事项目录")


def make_staff(username: str, region: Region, *roles: str, **fields):
    user = get_user_model().objects.create_user(username=username, password="pw-" + username)
    staff = Staff.objects.create(
        user=user, region=region, display_name=fields.pop("display_name", username), **fields
    )
    for role in roles:
        StaffRole.objects.create(staff=staff, role=role)
    return user


def admin_user(county: Region):
    return make_staff("catadmin", county, Role.CATALOGUE_ADMIN)


def complete_draft(
    catalogue: Catalogue,
    admin_user,
    department: Department,
    basic_code: str = "640221-XK-001",
    name: str = "食品经营许可",
    **fields,
):
    """A draft version 1 whose guide is complete enough to publish."""
    v = catalogue_actions.create_item(
        catalogue,
        actor=admin_user,
        basic_code=basic_code,
        name=name,
        legal_basis="《中华人民共和国食品安全法》第三十五条",
        original_department=department,
        **fields,
    )
    hi = catalogue_actions.save_draft_part(
        HandlingItem(
            item_version=v,
            code=basic_code + "-01",
            name=name + "（新办）",
            statutory_limit_days=20,
            promised_limit_days=5,
            complaint_phone="0952-12345",
        ),
        actor=admin_user,
    )
    catalogue_actions.save_draft_part(
        Material(handling_item=hi, name="食品经营许可申请书", order=1), actor=admin_user
    )
    return v


def clerk(county: Region, bureau: Bureau):
    return make_staff("clerk", county, Role.CLERK, display_name="王窗口", bureau=bureau)


def signatory(county: Region, bureau: Bureau):
    return make_staff("chief", county, Role.SIGNATORY, display_name="张局长", bureau=bureau)


def far_staff(other_county: Region):
    """Staff of the neighbouring county holding every role there."""
    return make_staff(
        "far", other_county, Role.CLERK, Role.REVIEWER, Role.SIGNATORY, display_name="外区人员"
    )


def applicant(clerk):
    return register_applicant(
        actor=clerk,
        kind="organisation",
        name="平罗县𠮷祥餐饮有限公司",
        number="91350100M000100Y43",
        phone="0952-6012345",
    )


def applicant_user():
    return get_user_model().objects.create_user(username="public", password="pw-public")


def own_applicant(clerk, applicant_user):
    """An applicant with an online account (a natural person)."""
    return register_applicant(
        actor=clerk,
        kind="person",
        name="马𠮷祥",
        number="640221198001011237",
        phone="13909520000",
        user=applicant_user,
    )


def other_applicant_user(clerk):
    user = get_user_model().objects.create_user(username="stranger", password="pw-stranger")
    register_applicant(
        actor=clerk,
        kind="person",
        name="路人甲",
        number="640221199002150049",
        phone="13909520001",
        user=user,
    )
    return user
