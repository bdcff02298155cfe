"""The township centres, their clerks and the bureau's seal that the delegation tests share."""

import pytest

from oneseal.catalogue import actions as catalogue_actions
from oneseal.documents import actions as document_actions
from oneseal.organisation.models import Role, ServiceCentre
from oneseal.regions.actions import load_regions
from oneseal.regions.models import Region
from oneseal.testing import day


@pytest.fixture
def townships(county):
    load_regions(
        {"640221100": "城关镇", "640221101": "黄渠桥镇", "640202100": "长胜街道"},
        source="test townships",
        system=True,
    )
    return Region.objects


@pytest.fixture
def centre(townships, bureau):
    return ServiceCentre.objects.create(
        region=townships.get(code="640221100"), bureau=bureau, name="城关镇便民服务中心"
    )


@pytest.fixture
def other_centre(townships, bureau):
    return ServiceCentre.objects.create(
        region=townships.get(code="640221101"), bureau=bureau, name="黄渠桥镇便民服务中心"
    )


@pytest.fixture
def centre_clerk(make_staff, centre):
    return make_staff(
        "cgclerk", centre.region, Role.CLERK, display_name="刘中心", service_centre=centre
    )


@pytest.fixture
def other_clerk(make_staff, other_centre):
    return make_staff(
        "hqclerk",
        other_centre.region,
        Role.CLERK,
        display_name="马中心",
        service_centre=other_centre,
    )


@pytest.fixture
def seal(bureau):
    return document_actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))


@pytest.fixture
def second_item(complete_draft, admin_user):
    version = complete_draft(basic_code="640221-XK-002", name="小餐饮登记")
    catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
    return version.handling_items.get()
