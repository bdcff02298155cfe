"""Shared fixtures: a real slice of the region table, a bureau with departments, and staff
with roles. States are reached through real actions, not raw rows."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import Catalogue, HandlingItem, Material
from oneseal.organisation.models import Bureau, Department, Role, Staff, StaffRole
from oneseal.regions.actions import gb2260_table, load_regions
from oneseal.regions.models import Region


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 is slow by design; tests create many accounts and never need that strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_calendar():
    # Each test's database is rolled back; the process-wide calendar must not outlive it.
    from oneseal.calendars.queries import invalidate

    invalidate()
    yield
    invalidate()


@pytest.fixture
def regions(db):
    load_regions(gb2260_table(), only_prefix="64")  # 宁夏: 平罗县 640221 and its neighbours
    load_regions(gb2260_table(), only_prefix="51")  # 四川: 广安区 511602
    return Region.objects


@pytest.fixture
def county(regions):
    return Region.objects.get(code="640221")


@pytest.fixture
def other_county(regions):
    return Region.objects.get(code="640202")  # 大武口区, same city


@pytest.fixture
def bureau(county):
    return Bureau.objects.create(region=county, name="平罗县审批服务管理局", complaint_phone="0952-12345")


@pytest.fixture
def department(county):
    return Department.objects.create(region=county, name="平罗县市场监督管理局", short_name="市场监管局", order=6)


@pytest.fixture
def catalogue(county, bureau):
    return Catalogue.objects.create(region=county, bureau=bureau, name="平罗县审批服务事项目录")


@pytest.fixture
def make_staff(db):
    def make(username, region, *roles, **fields):
        user = get_user_model().objects.create_user(username=username, password="pw-" + username)
        staff = Staff.objects.create(user=user, region=region, display_name=fields.pop("display_name", username), **fields)
        for role in roles:
            StaffRole.objects.create(staff=staff, role=role)
        return user
    return make


@pytest.fixture
def admin_user(make_staff, county):
    return make_staff("catadmin", county, Role.CATALOGUE_ADMIN)


@pytest.fixture
def complete_draft(catalogue, admin_user, department):
    """A draft version 1 whose guide is complete enough to publish."""
    def make(basic_code="640221-XK-001", name="食品经营许可", **fields):
        v = catalogue_actions.create_item(
            catalogue, actor=admin_user, basic_code=basic_code, name=name,
            legal_basis="《中华人民共和国食品安全法》第三十五条", original_department=department, **fields,
        )
        hi = catalogue_actions.save_draft_part(HandlingItem(
            item_version=v, code=basic_code + "-01", name=name + "（新办）", statutory_limit_days=20,
            promised_limit_days=5, complaint_phone="0952-12345",
        ), actor=admin_user)
        catalogue_actions.save_draft_part(Material(handling_item=hi, name="食品经营许可申请书", order=1), actor=admin_user)
        return v
    return make


@pytest.fixture
def day():
    return datetime.date(2025, 3, 3)
