"""Periods that are not whole months read the daily sums for their part-months and the monthly
sums for the months between: the figures must be those of the cases themselves."""

import pytest

from oneseal.cases import actions
from oneseal.cases.models import Case
from oneseal.esupervision import queries
from oneseal.esupervision.models import DailyStat, MonthlyStat
from oneseal.testing import accepted_case, at, day, reviewed

from .conftest import granted, rollup

pytestmark = pytest.mark.django_db

THERE = "640202"  # 大武口区, beside 平罗县 (640221) in 石嘴山市


@pytest.fixture
def around_national_day(item, applicant, clerk, reviewer, second_reviewer, signatory):
    """Cases on both sides of the 2025 National Day holiday (1–8 October; Sunday 28 September
    and Saturday 11 October are working days) in two counties of the city."""
    cases = [
        granted(
            item,
            applicant,
            clerk,
            reviewer,
            second_reviewer,
            signatory,
            accepted="2025-09-28",
            decided="2025-10-09",
        ),
        granted(
            item,
            applicant,
            clerk,
            reviewer,
            second_reviewer,
            signatory,
            accepted="2025-09-30",
            decided="2025-10-11",
        ),
        accepted_case(item, applicant, clerk, "2025-10-09"),
        accepted_case(item, applicant, clerk, "2025-10-31"),
        granted(
            item,
            applicant,
            clerk,
            reviewer,
            second_reviewer,
            signatory,
            accepted="2025-11-03",
            decided="2025-11-05",
        ),
        actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-11-28 09:00")),
    ]
    # The second, fourth and sixth in the neighbouring county (by region code: its catalogue
    # is not needed to count its cases).
    Case.objects.filter(pk__in=[cases[1].pk, cases[3].pk, cases[5].pk]).update(region_code=THERE)
    rollup("2025-12-01")
    return cases


def raw(prefix: str, start, end) -> tuple[int, int, int]:
    """Received, accepted and decided in the period, counted from the cases."""
    cases = Case.objects.filter(region_code__startswith=prefix)
    return (
        cases.filter(received_on__range=(start, end)).count(),
        cases.filter(accepted_on__range=(start, end)).count(),
        cases.filter(decided_on__range=(start, end)).count(),
    )


def from_milestones(scope, start, end) -> dict:
    return queries.milestones(scope, start, end).aggregate(**queries.MEASURES)


PERIODS = [
    ("2025-09-30", "2025-10-09"),  # one part of each month, the holiday between
    ("2025-09-29", "2025-11-04"),  # a part-month, October whole, a part-month
    ("2025-10-01", "2025-11-03"),  # October whole, then three days
    ("2025-09-28", "2025-10-31"),  # three days, then October whole
    ("2025-10-09", "2025-10-09"),  # one day
]


def test_a_period_not_of_whole_months_counts_exactly_the_cases_in_it(
    city_overseer, around_national_day
):
    for start, end, region in (
        (day(a), day(b), region) for a, b in PERIODS for region in ("", "640221", THERE)
    ):
        scope = queries.oversight_scope(city_overseer, region)
        for by in queries.By.ALL:
            report = queries.statistics(scope, start=start, end=end, by=by)
            totals = report.totals
            assert (totals.received, totals.accepted, totals.decided) == raw(
                scope.prefix, start, end
            ), (region, by)
            assert sum(r.received for r in report.rows) == totals.received
        exact = from_milestones(scope, start, end)
        assert (totals.on_time, totals.p90_days, totals.online) == (
            exact["on_time"],
            exact["p90_days"],
            exact["online"],
        )
        assert totals.avg_days == (
            round(float(exact["avg_days"]), 1) if exact["avg_days"] else None
        )


def test_the_daily_sums_move_with_a_case_and_lose_their_empty_rows(
    city_overseer, around_national_day, clerk, reviewer, second_reviewer, signatory
):
    pending = reviewed(around_national_day[2], reviewer, second_reviewer, "2025-10-10")
    actions.grant(
        pending,
        actor=signatory,
        on=day("2025-10-13"),
        scope="预包装食品销售",
        valid_from=day("2025-10-13"),
        valid_until=None,
    )
    Case.objects.filter(pk=pending.pk).update(region_code=THERE)
    actions.deliver(pending, actor=clerk, channel="window", on=day("2025-10-14"))
    rollup("2025-12-01")
    scope = queries.oversight_scope(city_overseer, THERE)
    start, end = day("2025-10-09"), day("2025-11-04")
    report = queries.statistics(scope, start=start, end=end, by="item")
    assert (report.totals.received, report.totals.accepted, report.totals.decided) == raw(
        THERE, start, end
    )
    assert report.totals.decided == 2  # the one moved here and the one decided on 11 October
    assert not DailyStat.objects.filter(n=0).exists()
    assert not MonthlyStat.objects.filter(n=0).exists()
    here = queries.statistics(
        queries.oversight_scope(city_overseer, "640221"), start=start, end=end, by="item"
    )
    assert (here.totals.received, here.totals.accepted) == raw("640221", start, end)[:2]


def test_daily_sums_missing_after_an_upgrade_are_summed_by_the_next_pass(
    city_overseer, around_national_day
):
    DailyStat.objects.all().delete()
    rollup("2025-12-01")
    scope = queries.oversight_scope(city_overseer)
    start, end = day("2025-09-29"), day("2025-11-04")
    report = queries.statistics(scope, start=start, end=end, by="month")
    assert (report.totals.received, report.totals.accepted, report.totals.decided) == raw(
        scope.prefix, start, end
    )
    assert [r.key for r in report.rows] == [day("2025-09-01"), day("2025-10-01"), day("2025-11-01")]


def test_split_period():
    months, days = queries.split_period(day("2024-06-17"), day("2025-06-16"))
    assert months == (day("2024-07-01"), day("2025-05-31"))
    assert days == [(day("2024-06-17"), day("2024-06-30")), (day("2025-06-01"), day("2025-06-16"))]
    assert queries.split_period(day("2025-03-02"), day("2025-03-30")) == (
        None,
        [(day("2025-03-02"), day("2025-03-30"))],
    )
    assert queries.split_period(day("2025-03-01"), day("2025-03-31")) == (
        (day("2025-03-01"), day("2025-03-31")),
        [],
    )
    # December to January over the year's end.
    assert queries.split_period(day("2024-12-31"), day("2025-02-01")) == (
        (day("2025-01-01"), day("2025-01-31")),
        [(day("2024-12-31"), day("2024-12-31")), (day("2025-02-01"), day("2025-02-01"))],
    )
