"""The marketplace's fixtures: a testing service (检测, a 第四十五条 procedure the county's
食品经营许可 lists), the item's listing of it, and a builder of qualified intermediaries."""

import itertools

import pytest
from django.contrib.auth import get_user_model

from oneseal.applicants.rules import credit_check_char
from oneseal.intermediaries import actions
from oneseal.testing import day

_sequence = itertools.count(200)


def credit_code(serial: int) -> str:
    first17 = f"91640221MA{serial:07d}"
    return first17 + credit_check_char(first17)


@pytest.fixture
def service(admin_user, county):
    return actions.create_service(
        actor=admin_user,
        region=county,
        code="food-testing",
        name="食品检测",
        qualification_kind="检验检测机构资质认定",
        procedure_kind="testing",
    )


@pytest.fixture
def listing(handling_item, admin_user, service):
    material = handling_item.materials.get(name="食品安全管理制度")
    return actions.list_service(handling_item, actor=admin_user, service=service, material=material)


@pytest.fixture
def make_intermediary(admin_user, county, service):
    def make(name, *, fee="1000.00", days=5, valid_to="2027-12-31", user=None):
        intermediary = actions.register_intermediary(
            actor=admin_user, name=name, credit_code=credit_code(next(_sequence)), region=county
        )
        actions.add_qualification(
            intermediary,
            actor=admin_user,
            kind=service.qualification_kind,
            level="甲级",
            valid_from=day("2020-01-01"),
            valid_to=day(valid_to),
        )
        actions.publish_offer(
            intermediary, actor=admin_user, service=service, fee=fee, promised_days=days
        )
        if user is not None:
            intermediary.user = user
            intermediary.save(update_fields=["user"])
        return intermediary

    return make


@pytest.fixture
def agency_user(db):
    return get_user_model().objects.create_user(username="agency1", password="pw-agency1")
