"""The draw's pure rules, without a database: reproducible from the seed, uniform among the
eligible (a chi-square test over a fixed sequence of seeds that a biased draw fails), and
every exclusion rule on its own."""

import datetime
import itertools
from collections import Counter

import pytest

from oneseal.experts import rules
from oneseal.experts.rules import Candidate, Reason, Target

# Upper 0.1% points of the chi-square distribution (df: value), from the standard tables.
CHI2_999 = {9: 27.877, 44: 78.750}


def chi_square(counts: Counter, categories: list, draws: int) -> float:
    expected = draws / len(categories)
    return sum((counts[c] - expected) ** 2 / expected for c in categories)


def test_the_same_seed_gives_the_same_experts_whatever_the_order_of_the_list():
    eligible = [3, 17, 5, 42, 8, 11]
    first = rules.draw("12345", eligible, 3)
    assert first == rules.draw("12345", list(reversed(eligible)), 3)
    assert len(first) == 3 and set(first) <= set(eligible)


def test_another_seed_gives_another_draw_somewhere():
    eligible = list(range(1, 31))
    assert len({tuple(rules.draw(str(seed), eligible, 3)) for seed in range(20)}) > 15


def test_fewer_eligible_than_asked_draws_them_all():
    assert sorted(rules.draw("9", [4, 2], 5)) == [2, 4]
    assert rules.draw("9", [], 2) == []


def test_one_seat_is_uniform_among_ten_eligible():
    eligible = [101, 102, 103, 104, 105, 106, 107, 108, 109, 110]
    draws = 20_000
    counts = Counter(rules.draw(str(seed), eligible, 1)[0] for seed in range(draws))
    assert chi_square(counts, eligible, draws) < CHI2_999[9]


def test_every_pair_of_ten_is_equally_likely_for_two_seats():
    eligible = list(range(1, 11))
    pairs = [frozenset(p) for p in itertools.combinations(eligible, 2)]  # 45 pairs
    draws = 45_000
    counts = Counter(frozenset(rules.draw(f"s{seed}", eligible, 2)) for seed in range(draws))
    assert chi_square(counts, pairs, draws) < CHI2_999[44]


def test_the_uniformity_check_fails_a_biased_draw():
    # The same statistic on a draw that favours the lowest id a little must fail, or the
    # test above proves nothing.
    eligible = list(range(1, 11))
    draws = 20_000

    def biased(seed: int) -> int:
        pick = rules.draw(str(seed), eligible, 1)[0]
        return 1 if seed % 20 == 0 else pick

    counts = Counter(biased(seed) for seed in range(draws))
    assert chi_square(counts, eligible, draws) > CHI2_999[9]


TARGET = Target(
    field_id=1,
    region_code="640221",
    starts_on=datetime.date(2025, 9, 29),
    ends_on=datetime.date(2025, 10, 10),
    applicant_number="91350100M000100Y43",
    applicant_name="平罗县𠮷祥餐饮有限公司",
    applicant_is_organisation=True,
)


def candidate(**changes) -> Candidate:
    base = dict(
        expert_id=7,
        field_ids=frozenset({1, 2}),
        active=True,
        region_prefix="6402",
        id_number="640221197001010011",
        employer_name="宁夏某设计院",
        employer_credit_code="",
    )
    return Candidate(**{**base, **changes})


def test_an_expert_with_no_conflict_is_eligible():
    assert rules.exclusion_reasons(candidate(), TARGET) == []


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"field_ids": frozenset({2})}, Reason.FIELD),
        ({"active": False}, Reason.SUSPENDED),
        ({"region_prefix": "640202"}, Reason.REGION),
        (
            {"unavailable": ((datetime.date(2025, 10, 10), datetime.date(2025, 10, 20)),)},
            Reason.UNAVAILABLE,
        ),
        ({"employer_credit_code": "91350100M000100Y43"}, Reason.EMPLOYER),
        ({"employer_name": "平罗县 𠮷祥餐饮有限公司"}, Reason.EMPLOYER),
        ({"declared_numbers": frozenset({"91350100M000100Y43"})}, Reason.RELATIVE),
        ({"reviewed_applicant_recently": True}, Reason.RECENT),
        ({"on_review": True}, Reason.ON_REVIEW),
        ({"id_number": "91350100M000100Y43"}, Reason.APPLICANT),
    ],
)
def test_each_exclusion_rule(changes, reason):
    assert rules.exclusion_reasons(candidate(**changes), TARGET) == [reason]


def test_a_period_ending_the_day_before_the_review_does_not_exclude():
    c = candidate(unavailable=((datetime.date(2025, 9, 1), datetime.date(2025, 9, 28)),))
    assert rules.exclusion_reasons(c, TARGET) == []


def test_an_employer_name_is_compared_only_when_the_code_is_unknown():
    c = candidate(employer_name=TARGET.applicant_name, employer_credit_code="91640221MA0000001X")
    assert rules.exclusion_reasons(c, TARGET) == []


def test_a_person_applicant_is_nobody_s_employer():
    person = Target(**{**TARGET.__dict__, "applicant_is_organisation": False})
    assert rules.exclusion_reasons(candidate(employer_name=person.applicant_name), person) == []
