"""Issue 3, "Must hold": the clauses on real dates, end to end through the actions and as the
API shows them. Each expected date is counted by hand in a comment, from the State Council's
notices:
- National Day 2025: 10/1–10/8 off, Sunday 9/28 and Saturday 10/11 worked;
- Spring Festival 2026: 2/15–2/23 off, Saturdays 2/14 and 2/28 worked;
- 2027: no schedule until an administrator enters it (weekends only, provisional), then New
  Year's Day, Friday 1/1, is off.
(The 2025 Spring Festival is walked through in test_cases_api.py, test_intake.py and
test_decision.py.)"""

import pytest
import time_machine
from rest_framework.test import APIClient

from oneseal.calendars import actions as calendar_actions
from oneseal.cases import actions, jobs
from oneseal.cases.models import CaseMaterial, State
from oneseal.testing import accepted_case, at, day


@pytest.fixture
def plain_item(make_item):
    """Promised 5, statutory 20 working days; no review steps, so the head decides at once."""
    return make_item(steps=False)


@pytest.fixture
def shown(clerk):
    """The case as the API shows it on a given day."""
    client = APIClient()
    client.force_authenticate(clerk)

    def show(case, on: str) -> dict:
        with time_machine.travel(at(f"{on} 12:00"), tick=False):
            response = client.get(f"/api/v1/cases/{case.pk}")
        assert response.status_code == 200, response.content
        return response.json()

    return show


def test_deemed_acceptance_across_national_day_2025_counts_from_the_receipt(
    plain_item, applicant, clerk, shown
):
    case = actions.receive(plain_item, actor=clerk, applicant=applicant, at=at("2025-09-29 16:00"))
    # 5 working days after Monday 9/29: 9/30, (10/1–10/8 off) 10/9, 10/10, Saturday 10/11, 10/13.
    assert case.acceptance_due == day("2025-10-13")
    assert jobs.run_deemed_acceptance(day("2025-10-13")) == 0  # the 5th day is still open
    assert jobs.run_deemed_acceptance(day("2025-10-14")) == 1
    case.refresh_from_db()
    assert (
        case.state == State.ACCEPTED
        and case.deemed_accepted
        and case.accepted_on == day("2025-09-29")
    )
    # From the receipt: promised 5 → 10/13 (passed already); statutory 20: 10/14–10/17, 10/20–10/24,
    # 10/27–10/31, 11/3 → 11/3.
    assert (case.promised_due, case.statutory_due) == (day("2025-10-13"), day("2025-11-03"))
    clocks = shown(case, "2025-10-14")["clocks"]
    assert clocks["deemed_accepted"] is True and clocks["accepted_on"] == "2025-09-29"
    assert (clocks["promised_remaining"], clocks["warning"]) == (-1, "red")
    assert clocks["statutory_remaining"] == 14  # 10/15–10/17, 10/20–10/24, 10/27–10/31, 11/3
    event = case.events.get(action="deem_accepted")
    assert (
        event.actor is None and event.on == day("2025-09-29") and event.notice_due == "acceptance"
    )


def test_extension_then_suspension_across_the_2026_spring_festival_and_delivery(
    plain_item, applicant, clerk, reviewer, signatory, shown, make_staff, county
):
    case = accepted_case(plain_item, applicant, clerk, "2026-02-02")
    # Promised 5 after Monday 2/2: 2/3–2/6, 2/9. Statutory 20: 2/10–2/13, Saturday 2/14, (2/15–2/23 off)
    # 2/24–2/27, Saturday 2/28, 3/2–3/6 → 3/6.
    assert (case.promised_due, case.statutory_due) == (day("2026-02-09"), day("2026-03-06"))
    actions.request_extension(
        case, actor=reviewer, reason="需征求住建部门意见", on=day("2026-02-05")
    )
    case = actions.approve_extension(case, actor=signatory, on=day("2026-02-06"))
    # +10: 2/9 → 2/10–2/13, 2/14, 2/24–2/27, 2/28; 3/6 → 3/9–3/13, 3/16–3/20.
    assert (case.promised_due, case.statutory_due) == (day("2026-02-28"), day("2026-03-20"))
    case = actions.suspend(
        case,
        actor=reviewer,
        kind="testing",
        reason="样品送检",
        expected_days=5,
        on=day("2026-02-11"),
    )
    # Left after Wednesday 2/11: 2/12, 2/13, 2/14, 2/24–2/28 → 8; statutory 8 + 3/2–3/6, 3/9–3/13, 3/16–3/20 → 23.
    assert (case.promised_remaining_at_suspension, case.statutory_remaining_at_suspension) == (
        8,
        23,
    )
    assert case.events.last().data["expected_end"] == "2026-02-25"  # 2/12, 2/13, 2/14, 2/24, 2/25
    clocks = shown(case, "2026-02-13")["clocks"]
    assert clocks["running"] is False and (
        clocks["promised_remaining"],
        clocks["statutory_remaining"],
    ) == (8, 23)
    case = actions.resume(case, actor=reviewer, on=day("2026-03-02"))
    # 8 after Monday 3/2: 3/3–3/6, 3/9–3/12 → 3/12; 23: then 3/13, 3/16–3/20, 3/23–3/27, 3/30–4/2 → 4/2.
    assert (case.promised_due, case.statutory_due) == (day("2026-03-12"), day("2026-04-02"))
    # Exactly 5 + 10 promised and 20 + 10 statutory working days ran: 2/3–2/11 (7), then 3/3–3/12 (8) or
    # 3/3–4/2 (23).
    clocks = shown(case, "2026-03-11")["clocks"]
    assert (clocks["promised_remaining"], clocks["warning"]) == (1, "yellow")
    assert clocks["statutory_remaining"] == 16  # 3/12, 3/13, 3/16–3/20, 3/23–3/27, 3/30–4/2

    actions.grant(
        case,
        actor=signatory,
        scope="热食类食品制售",
        valid_from=day("2026-03-12"),
        valid_until=None,
        on=day("2026-03-12"),
    )
    case.refresh_from_db()
    # 第四十四条: 10 working days after Thursday 3/12: 3/13, 3/16–3/20, 3/23–3/26 → 3/26.
    assert case.delivery_due == day("2026-03-26")
    delivery = actions.deliver(case, actor=clerk, channel="window", on=day("2026-03-26"))
    assert delivery.within_due
    actions_seen = list(case.events.values_list("action", flat=True))
    assert actions_seen == [
        "receive",
        "accept",
        "request_extension",
        "approve_extension",
        "suspend",
        "resume",
        "grant",
        "deliver",
    ]
    assert actions.verify_chain(case.pk) == []


def enter_2027(admin_user):
    """A 2027 notice as it might read (the real one is not in the package): New Year's Day —
    already off by law in the provisional calendar — and Monday 1/4 off as well."""
    calendar_actions.enter_day(day("2027-01-01"), actor=admin_user, is_workday=False, name="元旦")
    calendar_actions.enter_day(
        day("2027-01-04"), actor=admin_user, is_workday=False, name="元旦调休"
    )
    calendar_actions.declare_year_official(
        2027, actor=admin_user, announcement="国务院办公厅关于2027年部分节假日安排的通知"
    )


def test_2027_dates_show_as_provisional_until_the_year_is_entered(
    plain_item, applicant, clerk, admin_user, shown
):
    received = actions.receive(
        plain_item, actor=clerk, applicant=applicant, at=at("2026-12-30 09:00")
    )
    accepted = accepted_case(plain_item, applicant, clerk, "2026-12-21")
    # 2027 not published: weekends and the law's holidays (New Year's Day, Friday 1/1): 12/31, 1/4–1/7.
    clocks = shown(received, "2026-12-30")["clocks"]
    assert (clocks["acceptance_due"], clocks["acceptance_due_provisional"]) == ("2027-01-07", True)
    # Promised 5 after Monday 12/21: 12/22–12/25, 12/28. Statutory 20: 12/29–12/31, 1/4–1/8, 1/11–1/15,
    # 1/18, 1/19 → 1/19, provisional.
    clocks = shown(accepted, "2026-12-30")["clocks"]
    assert (clocks["promised_due"], clocks["statutory_due"], clocks["due_provisional"]) == (
        "2026-12-28",
        "2027-01-19",
        True,
    )
    assert (clocks["promised_remaining"], clocks["warning"]) == (
        -2,
        "red",
    )  # 12/29 and 12/30 overrun

    enter_2027(admin_user)
    assert jobs.recompute_open_due_dates(day("2026-12-31")) == 2
    # Monday 1/4 off too: acceptance 12/31, 1/5–1/8 → 1/8; statutory one day later → 1/20.
    clocks = shown(received, "2026-12-31")["clocks"]
    assert (clocks["acceptance_due"], clocks["acceptance_due_provisional"]) == ("2027-01-08", False)
    body = shown(accepted, "2026-12-31")
    assert (body["clocks"]["statutory_due"], body["clocks"]["due_provisional"]) == (
        "2027-01-20",
        False,
    )
    recomputed = [e for e in body["events"] if e["action"] == "recompute_due_dates"]
    assert recomputed[-1]["data"]["new"]["statutory_due"] == "2027-01-20"


def test_a_correction_over_national_day_counts_toward_no_limit(plain_item, applicant, clerk, shown):
    case = actions.receive(plain_item, actor=clerk, applicant=applicant, at=at("2025-09-26 10:00"))
    line = case.materials.first()
    case = actions.request_correction(
        case, actor=clerk, on=day("2025-09-28"), items={line.pk: "申请书未签字"}
    )
    body = shown(case, "2025-10-09")
    assert body["state"] == "awaiting_correction" and body["clocks"]["running"] is False
    assert (
        jobs.run_deemed_acceptance(day("2025-10-20")) == 0
    )  # waiting for the applicant: never deemed
    case = actions.submit_correction(case, actor=clerk, on=day("2025-10-20"))
    # The 5 days run again from Monday 10/20: 10/21–10/24, 10/27.
    assert case.acceptance_due == day("2025-10-27")
    actions.check_materials(
        case,
        actor=clerk,
        statuses={m.pk: CaseMaterial.Status.PROVIDED for m in case.materials.all()},
    )
    case = actions.accept(case, actor=clerk, on=day("2025-10-22"))
    # The decision clocks start at acceptance: promised 10/23, 10/24, 10/27–10/29 → 10/29.
    assert case.promised_due == day("2025-10-29")
