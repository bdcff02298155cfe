"""The head may refuse an extension request (《行政许可法》第四十二条第一款 makes the extension
depend on the head's approval). The request is closed with its reason and the refusal's, the
clocks do not move, and a new request may be made while the law still allows an extension.

Dates around National Day 2025 (10/1–10/8 off, Sunday 9/28 and Saturday 10/11 worked): accepted
Monday 9/22, promised due 9/28, statutory due 10/24 (counted in test_review.py)."""

import pytest
from rest_framework.test import APIClient

from oneseal.cases import actions
from oneseal.cases.models import CaseEvent, Extension, ExtensionRejection, State
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.testing import accepted_case, day, events


def test_a_refused_request_is_closed_the_clocks_stay_and_a_new_one_may_be_granted(
    item, applicant, clerk, reviewer, signatory
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    case = actions.request_extension(
        case, actor=reviewer, reason="需补充核查经营场所", on=day("2025-09-25")
    )
    version = case.lock_version
    case = actions.reject_extension(
        case, actor=signatory, reason="现有材料足以作出决定", on=day("2025-09-26")
    )
    assert (case.promised_due, case.statutory_due, case.extended) == (
        day("2025-09-28"),
        day("2025-10-24"),
        False,
    )
    assert case.state == State.ACCEPTED and case.lock_version == version + 1
    assert not Extension.objects.filter(case=case).exists()
    rejection = ExtensionRejection.objects.get(case=case)
    assert (rejection.reason, rejection.requested_by, rejection.requested_on) == (
        "需补充核查经营场所",
        reviewer,
        day("2025-09-25"),
    )
    assert (rejection.rejected_by, rejection.rejected_on, rejection.rejection_reason) == (
        signatory,
        day("2025-09-26"),
        "现有材料足以作出决定",
    )
    event = case.events.last()
    assert (event.action, event.reason, event.on, event.notice_due) == (
        "reject_extension",
        "现有材料足以作出决定",
        day("2025-09-26"),
        "",
    )
    assert (
        event.data["request_reason"] == "需补充核查经营场所"
        and event.data["statutory_due"] == "2025-10-24"
    )
    assert actions.verify_chain(case.pk) == []
    with pytest.raises(InvalidTransition) as e:
        actions.reject_extension(case, actor=signatory, reason="再驳回", on=day("2025-09-26"))
    assert e.value.message == "没有待批准的延期申请"

    # A second request, after the holiday: granted, it moves the clocks by 10 working days.
    case = actions.request_extension(
        case, actor=reviewer, reason="需听取利害关系人意见", on=day("2025-10-09")
    )
    case = actions.approve_extension(case, actor=signatory, on=day("2025-10-10"))
    # Statutory 10/24 → 10/27–10/31, 11/3–11/7.
    assert (case.statutory_due, case.extended) == (day("2025-11-07"), True)
    # Granted once: nothing more to ask for or to refuse.
    assert "只能延期一次" in actions.request_extension_blockers(case, on=day("2025-10-13"))[0]
    assert actions.reject_extension_blockers(case) == ["延期已于2025年10月10日批准，不能再驳回"]


def test_no_new_request_once_the_statutory_limit_has_passed(
    item, applicant, clerk, reviewer, signatory
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    actions.request_extension(case, actor=reviewer, reason="鉴定复杂", on=day("2025-10-24"))
    case = actions.reject_extension(case, actor=signatory, reason="不予延期", on=day("2025-10-24"))
    assert "已届满" in actions.request_extension_blockers(case, on=day("2025-10-27"))[0]


def test_only_a_signatory_refuses_with_a_reason_and_nothing_is_written_otherwise(
    item, applicant, clerk, reviewer, signatory, far_staff
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    case = actions.request_extension(
        case, actor=reviewer, reason="需补充检测", on=day("2025-09-23")
    )
    before = events(case)
    for who in (reviewer, clerk, far_staff):
        with pytest.raises(NotPermitted):
            actions.reject_extension(case, actor=who, reason="不同意", on=day("2025-09-23"))
    with pytest.raises(ValidationFailed) as e:
        actions.reject_extension(case, actor=signatory, reason="  ", on=day("2025-09-23"))
    assert "reason" in e.value.fields
    with pytest.raises(ValidationFailed):
        actions.reject_extension(
            case, actor=signatory, reason="不同意", on=day("2025-09-22")
        )  # before the request
    assert events(case) == before and Extension.objects.filter(case=case).exists()
    assert not ExtensionRejection.objects.exists()


def test_a_request_may_be_refused_while_the_case_is_suspended_without_touching_the_kept_days(
    item, applicant, clerk, reviewer, signatory
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    case = actions.request_extension(
        case, actor=reviewer, reason="需组织专家评审", on=day("2025-09-23")
    )
    case = actions.suspend(
        case,
        actor=reviewer,
        kind="expert_review",
        reason="专家评审",
        expected_days=5,
        on=day("2025-09-24"),
    )
    kept = (case.promised_remaining_at_suspension, case.statutory_remaining_at_suspension)
    case = actions.reject_extension(
        case, actor=signatory, reason="专家评审期间不计入期限，无需延期", on=day("2025-09-25")
    )
    assert case.state == State.SUSPENDED
    assert (case.promised_remaining_at_suspension, case.statutory_remaining_at_suspension) == kept


def test_the_api_refuses_an_extension_and_a_stale_version_is_a_conflict(
    item, applicant, clerk, reviewer, signatory
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    case = actions.request_extension(
        case, actor=reviewer, reason="需补充检测", on=day("2025-09-23")
    )
    url = f"/api/v1/cases/{case.pk}/reject-extension"
    as_signatory, as_reviewer = APIClient(), APIClient()
    as_signatory.force_authenticate(signatory)
    as_reviewer.force_authenticate(reviewer)
    r = as_reviewer.post(url, {"reason": "不同意"}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "not_permitted"
    r = as_signatory.post(url, {"reason": ""}, format="json")
    assert r.status_code == 400 and "reason" in r.json()["fields"]
    r = as_signatory.post(
        url, {"reason": "不同意", "expected_version": case.lock_version - 1}, format="json"
    )
    assert r.status_code == 409
    r = as_signatory.post(
        url,
        {"reason": "现有材料足以作出决定", "expected_version": case.lock_version},
        format="json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["events"][-1]["action"] == "reject_extension" and body["extended"] is False
    assert body["clocks"]["statutory_due"] == "2025-10-24"
    assert CaseEvent.objects.filter(case=case, action="reject_extension").count() == 1
