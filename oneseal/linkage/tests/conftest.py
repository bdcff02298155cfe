"""Linkage fixtures: a decided case of the county, reached through the real case actions, and
the supervisors of two departments."""

import pytest

from oneseal.cases import actions as case_actions
from oneseal.organisation.models import Department, Role
from oneseal.testing import accepted_case, day, reviewed


@pytest.fixture
def supervisor(make_staff, county, department):
    return make_staff(
        "supervisor", county, Role.SUPERVISOR, department=department, display_name="张监管"
    )


@pytest.fixture
def other_department(county):
    return Department.objects.create(
        region=county, name="平罗县卫生健康局", short_name="卫健局", order=10
    )


@pytest.fixture
def other_supervisor(make_staff, county, other_department):
    return make_staff(
        "health", county, Role.SUPERVISOR, department=other_department, display_name="马卫健"
    )


@pytest.fixture
def far_department(other_county):
    return Department.objects.create(
        region=other_county, name="大武口区市场监督管理局", short_name="大武口市场监管局"
    )


@pytest.fixture
def far_supervisor(make_staff, other_county, far_department):
    return make_staff("far_supervisor", other_county, Role.SUPERVISOR, department=far_department)


@pytest.fixture
def decide(item, applicant, clerk, reviewer, second_reviewer, signatory):
    """A case accepted on `accepted`, reviewed and granted (or denied) on `on`."""

    def make(*, accepted="2025-03-03", on="2025-03-05", deny=False):
        case = reviewed(
            accepted_case(item, applicant, clerk, accepted), reviewer, second_reviewer, on
        )
        if deny:
            return case_actions.deny(
                case, actor=signatory, on=day(on), reasons=["经营场所不符合食品安全要求"]
            )
        case_actions.grant(
            case,
            actor=signatory,
            on=day(on),
            scope="预包装食品销售",
            valid_from=day(on),
            valid_until=day("2030-03-04"),
        )
        case.refresh_from_db()
        return case

    return make


@pytest.fixture
def superuser(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("root", password="pw-root")


@pytest.fixture
def root_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def token(department):
    """A token of the department holding `scopes`; returns (row, header value)."""
    from oneseal.linkage import actions

    def make(*scopes, department=department):
        row, plain = actions.create_token(
            department, system=True, name="监管系统", scopes=list(scopes)
        )
        return row, f"Bearer {plain}"

    return make


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
