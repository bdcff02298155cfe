"""The pure rules: transition periods, the staff share against seed 004, and when an item may
switch to the bureau."""

import datetime

from oneseal.transfers import rules

d = datetime.date


def test_a_three_month_transition_ends_the_day_before_the_same_date_three_months_on():
    assert rules.transition_end(d(2025, 7, 1)) == d(2025, 9, 30)
    assert rules.transition_end(d(2021, 3, 31)) == d(2021, 6, 29)  # no 31 June: 30 June − 1


def test_months_are_added_to_the_last_day_of_a_shorter_month():
    assert rules.add_months(d(2025, 11, 30), 3) == d(2026, 2, 28)
    assert rules.add_months(d(2023, 11, 29), 3) == d(2024, 2, 29)
    assert rules.add_months(d(2025, 12, 15), 1) == d(2026, 1, 15)


def test_the_share_of_staff_moved_is_judged_against_thirty_to_fifty_percent():
    assert rules.Share(moved=2, base=10).verdict == "below"
    assert rules.Share(moved=3, base=10).verdict == "within"
    assert rules.Share(moved=5, base=10).verdict == "within"
    assert rules.Share(moved=6, base=10).verdict == "above"
    assert rules.Share(moved=1, base=3).percent == 33.3
    assert rules.Share(moved=0, base=0).verdict == "" and rules.Share(0, 0).percent is None


def test_a_switch_needs_a_signed_agreement_and_its_date():
    kwargs = {"transfer_date": d(2025, 10, 9)}
    assert rules.switch_problems(
        switching=True, has_agreement=False, signed=False, effective_from=d(2025, 10, 9), **kwargs
    ) == ["no_agreement"]
    assert rules.switch_problems(
        switching=True, has_agreement=True, signed=False, effective_from=d(2025, 10, 8), **kwargs
    ) == ["unsigned", "too_early"]
    assert (
        rules.switch_problems(
            switching=True, has_agreement=True, signed=True, effective_from=d(2025, 10, 9), **kwargs
        )
        == []
    )
    # A new item of the list needs no agreement, but one that covers it still binds it.
    assert (
        rules.switch_problems(
            switching=False, has_agreement=False, signed=False, effective_from=None, **kwargs
        )
        == []
    )
    assert rules.switch_problems(
        switching=False, has_agreement=True, signed=True, effective_from=d(2025, 9, 30), **kwargs
    ) == ["too_early"]
