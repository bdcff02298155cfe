import datetime
from zoneinfo import ZoneInfo

import pytest

from oneseal.applicants.actions import register_applicant
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import Material
from oneseal.organisation.models import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    """A moment on a business day in the bureau's time zone: '2025-01-24 10:00'."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def clerk(make_staff, county, bureau):
    return make_staff("clerk", county, Role.CLERK, display_name="王窗口", bureau=bureau)


@pytest.fixture
def handling_item(complete_draft, admin_user):
    """食品经营许可（新办）, promised 5 / statutory 20 working days, with a core material and a
    tolerable non-core one."""
    version = complete_draft()
    hi = version.handling_items.get()
    catalogue_actions.save_draft_part(Material(handling_item=hi, name="食品安全管理制度", order=2, is_core=False,
                                               is_tolerable=True), actor=admin_user)
    catalogue_actions.publish(version, actor=admin_user, effective_from=day("2024-01-01"))
    return hi


@pytest.fixture
def applicant(clerk):
    return register_applicant(actor=clerk, kind="organisation", name="平罗县𠮷祥餐饮有限公司",
                              number="91350100M000100Y43", phone="0952-6012345")
