import datetime

import pytest
from django.utils import timezone

from oneseal.calendars.queries import current_calendar
from oneseal.organisation.models import Role

from .. import actions

MONDAY = datetime.date(2025, 3, 3)


def moment(day: datetime.date, hhmm: str) -> datetime.datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def hall(bureau, county, clerk):
    return actions.create_hall(
        bureau,
        actor=clerk,
        region=county,
        name="平罗县政务服务中心",
        address="平罗县城关镇",
        phone="0952-6012345",
    )


@pytest.fixture
def group(hall, department, clerk):
    """市场准入: the windows of the market department's items, two people per half hour."""
    return actions.save_group(
        hall,
        actor=clerk,
        name="市场准入",
        windows="3—6号窗口",
        capacity=2,
        departments=[department],
    )


@pytest.fixture
def slots(hall, group, clerk):
    """Slots from Monday 3 March 2025 for five working days after it."""
    actions.generate_slots(hall, actor=clerk, today=MONDAY)
    return group.slots.order_by("day", "starts_at")


@pytest.fixture
def live_slots(hall, group, clerk):
    """Slots from the real today, for pages that read the clock."""
    actions.generate_slots(hall, actor=clerk)
    return group.slots.order_by("day", "starts_at")


@pytest.fixture
def next_workday():
    return current_calendar().add(timezone.localdate(), 1).date


@pytest.fixture
def far_clerk(make_staff, other_county):
    return make_staff("far_clerk", other_county, Role.CLERK, display_name="外区窗口")


@pytest.fixture(autouse=True)
def _chinese_first():
    # A request through the LocaleMiddleware leaves its language active in the test thread;
    # every test starts in the default language, as a fresh request would.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
