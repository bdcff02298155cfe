"""The expert pool's fixtures: fields, a pool builder, and a case of the county's 食品经营许可
(its guide lists 专家评审) accepted before the 2025 National Day holiday."""

import itertools

import pytest
from django.contrib.auth import get_user_model

from oneseal.applicants.rules import credit_check_char
from oneseal.experts import actions
from oneseal.testing import accepted_case, id_number

_sequence = itertools.count(100)


def credit_code(serial: int) -> str:
    first17 = f"91640221MA{serial:07d}"
    return first17 + credit_check_char(first17)


@pytest.fixture
def food(db):
    return actions.create_field(system=True, code="food", name="食品安全")


@pytest.fixture
def building(db):
    return actions.create_field(system=True, code="building", name="建筑工程")


@pytest.fixture
def make_expert(reviewer, county, food):
    def make(
        name, *, fields=None, region=None, employer="宁夏某设计院", code="", user=None, actor=None
    ):
        expert = actions.register_expert(
            actor=actor or reviewer,
            region=region or county,
            name=name,
            id_number=id_number("640221", "19700101", f"{next(_sequence):03d}"),
            fields=fields or [food],
            title="高级工程师",
            employer_name=employer,
            employer_credit_code=code,
            phone="13900000000",
        )
        if user is not None:
            expert.user = user
            expert.save(update_fields=["user"])
        return expert

    return make


@pytest.fixture
def expert_user(db):
    return get_user_model().objects.create_user(username="expert1", password="pw-expert1")


@pytest.fixture
def case(handling_item, applicant, clerk):
    return accepted_case(handling_item, applicant, clerk, "2025-09-22")
