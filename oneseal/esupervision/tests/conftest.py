import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from oneseal.cases import actions
from oneseal.cases.actions import _base
from oneseal.esupervision import jobs
from oneseal.organisation.models import Role
from oneseal.testing import accepted_case, at, day, reviewed

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def overseer(make_staff, county):
    return make_staff("overseer", county, Role.OVERSEER, display_name="刘督查")


@pytest.fixture
def city_overseer(make_staff, regions):
    from oneseal.regions.models import Region

    return make_staff(
        "city_overseer", Region.objects.get(code="640200"), Role.OVERSEER, display_name="周督查"
    )


@pytest.fixture
def far_overseer(make_staff, other_county):
    return make_staff("far_overseer", other_county, Role.OVERSEER, display_name="外区督查")


@pytest.fixture
def recorded_at(monkeypatch):
    """Stamp the events written next with this local time (CaseEvent.at is the real clock)."""

    def set_time(text: str):
        moment = datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)
        monkeypatch.setattr(_base.timezone, "now", lambda: moment)

    return set_time


def granted(
    item, applicant, clerk, reviewer, second_reviewer, signatory, *, accepted: str, decided: str
):
    case = accepted_case(item, applicant, clerk, accepted)
    case = reviewed(case, reviewer, second_reviewer, accepted)
    actions.grant(
        case,
        actor=signatory,
        on=day(decided),
        scope="预包装食品销售",
        valid_from=day(decided),
        valid_until=None,
    )
    case.refresh_from_db()
    return case


def rollup(today: str = "2025-03-31"):
    return jobs.rollup(day(today))


__all__ = ["SHANGHAI", "accepted_case", "at", "day", "granted", "reviewed", "rollup", "timezone"]
