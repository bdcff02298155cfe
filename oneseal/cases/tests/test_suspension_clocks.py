"""Which clocks a suspension stops (《行政许可法》第四十五条), which procedures may be started, and
who may start them — on real dates around the 2025 National Day holiday (10-1 to 10-8 off,
Sunday 9-28 and Saturday 10-11 worked)."""

import pytest

from oneseal.cases import actions
from oneseal.cases.actions import dues
from oneseal.cases.actions._base import calendar
from oneseal.cases.models import Suspension
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import SpecialProcedure
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.organisation.models import Role
from oneseal.testing import accepted_case, day


def test_an_expert_review_stops_both_clocks(item, applicant, clerk, reviewer):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    # Accepted Monday 9-22: five working days end Sunday 9-28 (worked), twenty end 10-24.
    assert (case.promised_due, case.statutory_due) == (day("2025-09-28"), day("2025-10-24"))
    case = actions.suspend(
        case,
        actor=reviewer,
        kind="expert_review",
        reason="专家评审",
        expected_days=3,
        on=day("2025-09-24"),
    )
    row = Suspension.objects.get(case=case)
    assert row.stops_statutory and row.basis == "《中华人民共和国行政许可法》第四十五条"
    # Left after Wednesday 9-24: 9-25, 9-26, 9-28 of the promise; eighteen of the law.
    assert (row.promised_remaining, row.statutory_remaining) == (3, 18)
    case = actions.resume(case, actor=reviewer, on=day("2025-10-09"))
    # Three after Thursday 10-9: 10-10, 10-11 (worked), 10-13; eighteen: 11-3.
    assert (case.promised_due, case.statutory_due) == (day("2025-10-13"), day("2025-11-03"))


def test_a_site_survey_stops_only_the_promised_clock(item, applicant, clerk, reviewer):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    case = actions.suspend(
        case,
        actor=reviewer,
        kind="site_survey",
        reason="现场勘验经营场所",
        expected_days=3,
        on=day("2025-09-24"),
    )
    row = Suspension.objects.get(case=case)
    assert not row.stops_statutory and row.basis == "" and row.statutory_remaining is None
    event = case.events.order_by("-seq").first()
    assert event.data["stops_statutory"] is False and event.data["statutory_due"] == "2025-10-24"
    case = actions.resume(case, actor=reviewer, on=day("2025-10-09"))
    # The promise gets its three days back (10-13); the law's 20 days ran on through the survey.
    assert (case.promised_due, case.statutory_due) == (day("2025-10-13"), day("2025-10-24"))
    # The worker's replay of the clocks gives the same dates.
    history = dues.clock_history([case.pk])[case.pk]
    assert dues.recomputed_dues(case, calendar(), history)["statutory_due"] == day("2025-10-24")
    assert dues.recomputed_dues(case, calendar(), history)["promised_due"] == day("2025-10-13")


def test_a_promise_stopped_longer_than_the_law_ends_with_the_statutory_limit(
    item, applicant, clerk, reviewer
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    actions.suspend(
        case,
        actor=reviewer,
        kind="site_survey",
        reason="现场勘验",
        expected_days=20,
        on=day("2025-09-24"),
    )
    case = actions.resume(case, actor=reviewer, on=day("2025-10-22"))
    # Three days after Wednesday 10-22 would be 10-27: the promise ends with the law on 10-24.
    assert case.promised_due == case.statutory_due == day("2025-10-24")


def test_a_site_survey_the_items_own_law_adds_stops_the_statutory_clock(
    make_item, admin_user, applicant, clerk, reviewer
):
    hi = make_item(procedures=("site_survey",))
    draft = (
        catalogue_actions.start_adjustment(
            hi.item_version.item,
            actor=admin_user,
            kind="change",
            reason="补充法律依据",
            basis="《某某条例》第十条",
        )
        if hasattr(catalogue_actions, "start_adjustment")
        else None
    )
    assert draft is not None
    new_hi = draft.handling_items.get()
    survey = SpecialProcedure.objects.get(handling_item=new_hi, kind="site_survey")
    survey.legal_basis = "《中华人民共和国食品安全法》第三十五条"
    catalogue_actions.save_draft_part(survey, actor=admin_user)
    catalogue_actions.publish(draft, actor=admin_user, effective_from=day("2025-01-01"))
    case = accepted_case(new_hi, applicant, clerk, "2025-09-22")
    actions.suspend(
        case,
        actor=reviewer,
        kind="site_survey",
        reason="现场勘验",
        expected_days=3,
        on=day("2025-09-24"),
    )
    row = Suspension.objects.get(case=case)
    assert row.stops_statutory and row.basis == "《中华人民共和国食品安全法》第三十五条"
    case = actions.resume(case, actor=reviewer, on=day("2025-10-09"))
    assert case.statutory_due == day("2025-11-03")


def test_a_technical_support_request_stops_only_the_promised_clock(
    item, applicant, clerk, reviewer
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    actions.suspend(
        case,
        actor=reviewer,
        kind="testing",
        reason="请行业主管部门提供检测支撑",
        expected_days=3,
        on=day("2025-09-24"),
        technical_support=True,
    )
    row = Suspension.objects.get(case=case)
    assert row.technical_support and not row.stops_statutory
    case = actions.resume(case, actor=reviewer, on=day("2025-10-09"))
    assert case.statutory_due == day("2025-10-24")


def test_only_a_procedure_the_guide_lists_may_be_started(make_item, applicant, clerk, reviewer):
    hi = make_item(procedures=("expert_review",))
    case = accepted_case(hi, applicant, clerk, "2025-09-22")
    with pytest.raises(ValidationFailed) as refused:
        actions.suspend(
            case,
            actor=reviewer,
            kind="site_survey",
            reason="现场勘验",
            expected_days=3,
            on=day("2025-09-24"),
        )
    assert (
        "未列明“现场勘验”" in refused.value.fields["kind"][0]
        and "专家评审" in refused.value.fields["kind"][0]
    )
    assert not Suspension.objects.exists()


def test_only_the_cases_own_section_or_its_assigned_reviewer_suspends(
    item, applicant, clerk, reviewer, signatory, make_staff, county, bureau
):
    from oneseal.organisation.models import Section

    other_section = Section.objects.create(bureau=bureau, name="社会事务科")
    stranger = make_staff(
        "reviewer-social", county, Role.REVIEWER, bureau=bureau, section=other_section
    )
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    with pytest.raises(NotPermitted, match="承办科室"):
        actions.suspend(
            case,
            actor=stranger,
            kind="expert_review",
            reason="专家评审",
            expected_days=3,
            on=day("2025-09-24"),
        )
    # Assigned to the pending step, the same reviewer may.
    step = case.steps.get(order=2)
    case = actions.assign_step(case, step, actor=signatory, assignee=reviewer)
    assert not Suspension.objects.exists()
    case = actions.suspend(
        case,
        actor=reviewer,
        kind="expert_review",
        reason="专家评审",
        expected_days=3,
        on=day("2025-09-24"),
    )
    assert case.state == "suspended"


def test_a_resumption_in_the_unpublished_year_leaves_the_dates_counted_in_2026_certain(
    item, applicant, clerk, reviewer
):
    """2026 is published, 2027 not. A date that ran on, or a promise cut back to it, was counted
    over 2026 alone: resuming in January 2027 does not make it provisional."""
    # Accepted Monday 2026-11-23: five working days end 11-30, twenty end 12-21.
    case = accepted_case(item, applicant, clerk, "2026-11-23")
    assert (case.promised_due, case.statutory_due) == (day("2026-11-30"), day("2026-12-21"))
    case = actions.suspend(
        case,
        actor=reviewer,
        kind="site_survey",
        reason="现场勘验经营场所",
        expected_days=20,
        on=day("2026-11-25"),
    )
    case = actions.resume(case, actor=reviewer, on=day("2027-01-04"))
    # Three days after 1-4 would be 1-7: the promise ends with the law on 12-21, both in 2026.
    assert case.promised_due == case.statutory_due == day("2026-12-21")
    assert (case.promised_due_provisional, case.statutory_due_provisional) == (False, False)
    event = case.events.get(action="resume")
    assert (event.data["promised_due_provisional"], event.data["provisional"]) == (False, False)
    # The worker's replay of the clocks agrees.
    history = dues.clock_history([case.pk])[case.pk]
    replayed = dues.recomputed_dues(case, calendar(), history)
    assert (replayed["promised_due_provisional"], replayed["statutory_due_provisional"]) == (
        False,
        False,
    )
