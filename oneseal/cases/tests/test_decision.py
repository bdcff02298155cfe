"""Deciding, issuing, delivering (《行政许可法》第三十八条、第三十九条、第四十四条), withdrawal,
termination and the promises of tolerated acceptance, on real dates around the 2025 Spring
Festival (1/28–2/4 off, Sunday 1/26 and Saturday 2/8 worked) and National Day 2025."""

import json

import pytest

from oneseal.cases import actions
from oneseal.cases.models import (
    CaseEvent,
    CaseStep,
    Delivery,
    Licence,
    LicenceCounter,
    MissedPromise,
    RevocationProposal,
    State,
)
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.testing import (
    accepted_case,
    day,
    events,
    reviewed,
    revoke_through_procedure,
    scan,
)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # A supplied tolerated material stores its scan.
    settings.MEDIA_ROOT = tmp_path / "media"


def granted(case, signatory, on: str, **fields):
    fields = {
        "scope": "热食类食品制售",
        "valid_from": day(on),
        "valid_until": day("2030-01-23"),
        **fields,
    }
    return actions.grant(case, actor=signatory, on=day(on), **fields)


# --- grant --------------------------------------------------------------------------------


def test_granting_issues_a_numbered_licence_and_starts_the_delivery_clock(
    item, applicant, clerk, reviewer, second_reviewer, signatory
):
    case = accepted_case(item, applicant, clerk, "2025-01-20")
    case = reviewed(case, reviewer, second_reviewer, "2025-01-22")
    licence = granted(case, signatory, "2025-01-24")
    case.refresh_from_db()
    assert case.state == State.GRANTED and case.decided_on == day("2025-01-24")
    # 10 working days after Friday 1/24: Sunday 1/26, 1/27, (1/28–2/4 off) 2/5, 2/6, 2/7, Saturday 2/8, 2/10,
    # 2/11, 2/12, 2/13.
    assert case.delivery_due == day("2025-02-13")
    assert licence.number == "6402212025L000001" and licence.state == Licence.LicenceState.VALID
    assert (licence.name, licence.holder, licence.scope) == (
        "食品经营许可证",
        applicant,
        "热食类食品制售",
    )
    assert (licence.valid_from, licence.valid_until, licence.issued_by) == (
        day("2025-01-24"),
        day("2030-01-23"),
        signatory,
    )
    assert len(licence.verification_code) == 32
    event = case.events.last()
    assert event.notice_due == "grant" and event.data["licence"] == licence.number
    # Promised due: 1/21, 1/22, 1/23, 1/24, Sunday 1/26 → decided within it.
    assert event.data["promised_due"] == "2025-01-26" and event.data["within_promised"] is True
    decision = case.steps.get(name="决定")
    assert (decision.state, decision.done_by, decision.outcome) == ("done", signatory, "approve")


def test_licence_numbers_never_repeat_and_restart_each_year(make_item, applicant, clerk, signatory):
    hi = make_item(steps=False)
    numbers = []
    for on in ("2025-12-29", "2025-12-30", "2026-01-05"):
        case = accepted_case(hi, applicant, clerk, on)
        numbers.append(granted(case, signatory, on).number)
    assert numbers == ["6402212025L000001", "6402212025L000002", "6402212026L000001"]
    assert sorted(LicenceCounter.objects.values_list("year", "last")) == [(2025, 2), (2026, 1)]


def test_a_grant_with_bad_terms_writes_nothing(
    item, applicant, clerk, reviewer, second_reviewer, signatory
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    case = reviewed(case, reviewer, second_reviewer, "2025-09-23")
    before = events(case)
    for terms, field in (
        ({"scope": " "}, "scope"),
        ({"valid_from": day("2025-09-01")}, "valid_from"),
        ({"valid_until": day("2025-09-24")}, "valid_until"),
    ):
        with pytest.raises(ValidationFailed) as e:
            granted(case, signatory, "2025-09-24", **terms)
        assert field in e.value.fields
    assert events(case) == before
    assert not Licence.objects.exists() and not LicenceCounter.objects.exists()
    assert case.steps.get(name="决定").state == "pending"


def test_an_instant_item_is_granted_on_the_spot(make_item, applicant, clerk, signatory):
    hi = make_item(is_instant=True)
    case = accepted_case(
        hi, applicant, clerk, "2025-10-11"
    )  # the Saturday worked after National Day
    assert case.promised_due == case.statutory_due == day("2025-10-11")
    licence = granted(case, signatory, "2025-10-11", valid_until=None)
    assert licence.valid_until is None
    case.refresh_from_db()
    assert case.state == State.GRANTED
    assert case.events.last().data["instant"] is True


def test_when_the_decision_step_is_assigned_only_that_signatory_decides(
    item, applicant, clerk, reviewer, second_reviewer, signatory, deputy
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    case = reviewed(case, reviewer, second_reviewer, "2025-09-23")
    actions.assign_step(case, case.steps.get(name="决定"), actor=signatory, assignee=deputy)
    with pytest.raises(NotPermitted):
        granted(case, signatory, "2025-09-24")
    assert granted(case, deputy, "2025-09-24").issued_by == deputy


# --- deny ---------------------------------------------------------------------------------


def test_a_denial_states_its_reasons_and_the_remedies(
    item, applicant, clerk, reviewer, second_reviewer, signatory
):
    case = accepted_case(item, applicant, clerk, "2025-09-22")
    case = reviewed(case, reviewer, second_reviewer, "2025-09-23")
    for empty in ("", "  ", ["", " "]):
        with pytest.raises(ValidationFailed) as e:
            actions.deny(case, actor=signatory, on=day("2025-09-24"), reasons=empty)
        assert "reasons" in e.value.fields
    case = actions.deny(
        case,
        actor=signatory,
        on=day("2025-09-24"),
        reasons=["经营场所与住宅相连，不符合食品安全要求", "未配备食品安全管理人员"],
    )
    assert (
        case.state == State.DENIED
        and case.closed_on == day("2025-09-24")
        and case.decided_on == day("2025-09-24")
    )
    event = case.events.last()
    assert event.notice_due == "denial"
    assert event.data["reasons"] == [
        "经营场所与住宅相连，不符合食品安全要求",
        "未配备食品安全管理人员",
    ]
    assert event.data["basis"] == "《中华人民共和国行政许可法》第三十八条第二款"
    remedies = event.data["remedies"]
    assert remedies["reconsideration"] == {
        "days": 60,
        "body": "平罗县人民政府",
        "basis": "《中华人民共和国行政复议法》第二十条",
    }
    assert remedies["litigation"]["months"] == 6
    assert remedies["litigation"]["basis"] == "《中华人民共和国行政诉讼法》第四十六条"
    text = json.dumps(event.data, ensure_ascii=False)
    assert "三个月" not in text and "3个月" not in text and '"months": 3' not in text
    assert case.steps.get(name="决定").outcome == CaseStep.Outcome.REJECT
    assert not Licence.objects.exists()


# --- delivery -----------------------------------------------------------------------------


def test_delivery_uses_an_offered_channel_and_records_whether_it_was_in_time(
    item, applicant, clerk, reviewer, second_reviewer, signatory
):
    case = accepted_case(item, applicant, clerk, "2025-01-20")
    case = reviewed(case, reviewer, second_reviewer, "2025-01-22")
    granted(case, signatory, "2025-01-24")
    with pytest.raises(ValidationFailed) as e:
        actions.deliver(case, actor=clerk, channel="electronic", on=day("2025-02-13"))
    assert "窗口领取、邮寄送达" in e.value.fields["channel"][0]
    with pytest.raises(ValidationFailed) as e:
        actions.deliver(case, actor=clerk, channel="post", on=day("2025-02-13"))
    assert "tracking_number" in e.value.fields
    with pytest.raises(ValidationFailed) as e:
        actions.deliver(case, actor=clerk, channel="window", on=day("2025-01-23"))
    assert "on" in e.value.fields

    delivery = actions.deliver(
        case, actor=clerk, channel="post", on=day("2025-02-13"), tracking_number="EMS1234567890"
    )
    assert delivery.within_due  # 2/13 is the 10th working day
    case.refresh_from_db()
    assert case.state == State.DELIVERED and case.closed_on == day("2025-02-13")
    assert case.events.last().data["tracking_number"] == "EMS1234567890"
    assert actions.verify_chain(case.pk) == []


def test_steps_after_the_decision_are_done_by_the_delivery(make_item, applicant, clerk, signatory):
    hi = make_item(
        steps=[("受理", "clerk", False), ("决定", "signatory", False), ("制证送达", "clerk", False)]
    )
    case = accepted_case(hi, applicant, clerk, "2025-09-22")
    assert (
        actions.grant_blockers(case, on=day("2025-09-22")) == []
    )  # nothing to review before the decision
    granted(case, signatory, "2025-09-22")
    assert case.steps.get(name="制证送达").state == "pending"
    actions.deliver(case, actor=clerk, channel="window", on=day("2025-09-23"))
    step = case.steps.get(name="制证送达")
    assert (step.state, step.done_by, step.done_on) == ("done", clerk, day("2025-09-23"))


def test_a_delivery_after_ten_working_days_is_recorded_as_late(
    make_item, applicant, clerk, signatory
):
    case = accepted_case(make_item(steps=False), applicant, clerk, "2025-01-24")
    granted(case, signatory, "2025-01-24")
    delivery = actions.deliver(case, actor=clerk, channel="window", on=day("2025-02-14"))
    assert not delivery.within_due  # the 10th working day was Thursday 2/13
    assert case.events.last().data["within_due"] is False


# --- tolerated materials ------------------------------------------------------------------


def test_a_licence_is_held_until_every_tolerated_material_arrives(
    make_item, own_applicant, clerk, signatory, applicant_user, other_applicant_user
):
    hi = make_item(steps=False)  # the rule for a missed promise is "hold the licence"
    case = accepted_case(hi, own_applicant, clerk, "2025-03-03", tolerated_until="2025-03-14")
    licence = granted(case, signatory, "2025-03-05")
    assert licence.state == Licence.LicenceState.HELD
    with pytest.raises(InvalidTransition) as e:
        actions.deliver(case, actor=clerk, channel="window", on=day("2025-03-06"))
    assert "食品安全管理制度" in e.value.message
    line = case.materials.get(material__name="食品安全管理制度")
    with pytest.raises(NotPermitted):
        actions.supply_tolerated_material(
            case, line, actor=other_applicant_user, upload=scan(), on=day("2025-03-07")
        )
    actions.supply_tolerated_material(
        case, line, actor=applicant_user, upload=scan(), on=day("2025-03-07")
    )
    licence.refresh_from_db()
    assert licence.state == Licence.LicenceState.VALID and licence.released_on == day("2025-03-07")
    assert case.events.last().data["licence_released"] == licence.number
    with pytest.raises(ValidationFailed):  # supplied already
        actions.supply_tolerated_material(
            case, line, actor=clerk, upload=scan(), on=day("2025-03-07")
        )
    assert actions.deliver(case, actor=clerk, channel="window", on=day("2025-03-10")).within_due


def test_a_broken_promise_starts_the_revocation_procedure_where_the_item_says_so(
    make_item, applicant, clerk, signatory
):
    hi = make_item(steps=False, missed_promise_rule="revoke")
    case = accepted_case(hi, applicant, clerk, "2025-03-03", tolerated_until="2025-03-10")
    licence = granted(case, signatory, "2025-03-05")
    assert licence.state == Licence.LicenceState.VALID  # the promise is not due yet
    actions.deliver(case, actor=clerk, channel="window", on=day("2025-03-06"))
    assert (
        actions.overdue_promises(day("2025-03-10")) == []
    )  # the promised day itself is still open
    missed = actions.overdue_promises(day("2025-03-11"))
    assert [m.case_material.material.name for m in missed] == ["食品安全管理制度"]
    licence.refresh_from_db()
    # The holder is heard first: the worker proposes, it does not revoke.
    assert licence.state == Licence.LicenceState.VALID
    overdue, proposal_event = list(case.events.order_by("-seq")[:2])[::-1]
    assert (
        overdue.action == "promise_overdue"
        and overdue.actor is None
        and overdue.data["rule"] == "revoke"
    )
    assert overdue.data["revocation_proposed"] is True
    assert (
        proposal_event.action == "propose_revocation"
        and proposal_event.notice_due == "revocation_notice"
    )
    proposal = RevocationProposal.objects.get(case=case)
    assert (
        proposal.grounds == "broken_promise"
        and proposal.proposed_by is None
        and "食品安全管理制度" in proposal.facts
    )
    before = events(case)
    assert actions.overdue_promises(day("2025-03-12")) == []
    assert events(case) == before and MissedPromise.objects.count() == 1
    revoke_through_procedure(
        case,
        proposer=None,
        clerk=clerk,
        signatory=signatory,
        proposed_on="2025-03-11",
        notified_on="2025-03-12",
        decided_on="2025-03-20",
    )
    licence.refresh_from_db()
    assert licence.state == Licence.LicenceState.REVOKED and licence.revoked_on == day("2025-03-20")
    revocation = case.events.order_by("-seq").first()
    assert revocation.action == "revoke_licence" and revocation.notice_due == "revocation"
    assert revocation.data["remedies"]["reconsideration"]["days"] == 60
    assert actions.verify_chain(case.pk) == []


def test_a_broken_promise_keeps_a_held_licence_held(make_item, applicant, clerk, signatory):
    hi = make_item(steps=False)
    case = accepted_case(hi, applicant, clerk, "2025-03-03", tolerated_until="2025-03-10")
    licence = granted(case, signatory, "2025-03-05")
    actions.overdue_promises(day("2025-03-11"))
    licence.refresh_from_db()
    assert licence.state == Licence.LicenceState.HELD
    event = case.events.last()
    assert event.action == "promise_overdue" and event.data["licence_state"] == "held"
    before = events(case)
    actions.overdue_promises(day("2025-03-20"))
    assert events(case) == before
    # Supplied late, the material still releases the licence.
    actions.supply_tolerated_material(
        case,
        case.materials.get(status="tolerated"),
        actor=clerk,
        upload=scan(),
        on=day("2025-03-21"),
    )
    licence.refresh_from_db()
    assert licence.state == Licence.LicenceState.VALID
    assert case.events.last().data["late"] is True


def test_a_promise_broken_before_the_decision_blocks_the_grant_under_the_revoke_rule(
    make_item, applicant, clerk, signatory
):
    hi = make_item(steps=False, missed_promise_rule="revoke")
    case = accepted_case(hi, applicant, clerk, "2025-03-03", tolerated_until="2025-03-05")
    actions.overdue_promises(day("2025-03-06"))
    assert case.events.last().data["licence"] is None
    with pytest.raises(InvalidTransition) as e:
        granted(case, signatory, "2025-03-06")
    assert "逾期未补" in e.value.message
    assert not Licence.objects.exists()


def test_a_signatory_revokes_a_licence_once(make_item, applicant, clerk, reviewer, signatory):
    case = accepted_case(make_item(steps=False), applicant, clerk, "2025-03-03")
    licence = granted(case, signatory, "2025-03-03")
    with pytest.raises(ValidationFailed):
        actions.propose_revocation(case, actor=reviewer, facts="", on=day("2025-03-04"))
    revoke_through_procedure(
        case,
        proposer=reviewer,
        clerk=clerk,
        signatory=signatory,
        proposed_on="2025-03-04",
        notified_on="2025-03-04",
        decided_on="2025-03-12",
    )
    with pytest.raises(InvalidTransition):
        actions.propose_revocation(case, actor=reviewer, facts="再次撤销", on=day("2025-03-13"))
    licence.refresh_from_db()
    assert licence.state == Licence.LicenceState.REVOKED
    assert case.events.filter(action="revoke_licence").count() == 1


# --- withdrawal and termination -----------------------------------------------------------


def test_the_applicant_withdraws_their_own_application(
    item, own_applicant, clerk, applicant_user, other_applicant_user
):
    case = accepted_case(item, own_applicant, clerk, "2025-09-22")
    with pytest.raises(NotPermitted):
        actions.withdraw(case, actor=other_applicant_user, reason="不办了", on=day("2025-09-23"))
    with pytest.raises(ValidationFailed):
        actions.withdraw(case, actor=applicant_user, reason=" ", on=day("2025-09-23"))
    case = actions.withdraw(case, actor=applicant_user, reason="经营计划变更", on=day("2025-09-23"))
    assert case.state == State.WITHDRAWN and case.closed_on == day("2025-09-23")
    event = case.events.last()
    assert event.notice_due == "withdrawal" and event.data["by_applicant"] is True


def test_a_clerk_records_a_written_withdrawal_but_not_after_a_grant(
    make_item, applicant, clerk, signatory
):
    hi = make_item(steps=False)
    case = accepted_case(hi, applicant, clerk, "2025-09-22")
    case = actions.withdraw(case, actor=clerk, reason="申请人书面申请撤回", on=day("2025-09-24"))
    assert case.events.last().data["by_applicant"] is False
    other = accepted_case(hi, applicant, clerk, "2025-09-22")
    granted(other, signatory, "2025-09-23")
    with pytest.raises(InvalidTransition) as e:
        actions.withdraw(other, actor=clerk, reason="撤回", on=day("2025-09-24"))
    assert "注销" in e.value.message


def test_a_signatory_terminates_a_case_but_not_one_with_a_valid_licence(
    make_item, applicant, clerk, signatory, reviewer
):
    hi = make_item(steps=False)
    case = accepted_case(hi, applicant, clerk, "2025-09-22")
    case = actions.suspend(
        case,
        actor=reviewer,
        kind="expert_review",
        reason="专家评审",
        expected_days=5,
        on=day("2025-09-23"),
    )
    case = actions.terminate(case, actor=signatory, reason="申请人已注销", on=day("2025-09-25"))
    assert case.state == State.TERMINATED and case.closed_on == day("2025-09-25")
    assert case.events.last().notice_due == "termination"

    valid = accepted_case(hi, applicant, clerk, "2025-09-22")
    granted(valid, signatory, "2025-09-22")
    with pytest.raises(InvalidTransition):
        actions.terminate(valid, actor=signatory, reason="终止", on=day("2025-09-23"))

    held = accepted_case(hi, applicant, clerk, "2025-09-22", tolerated_until="2025-09-30")
    licence = granted(held, signatory, "2025-09-22")
    held = actions.terminate(held, actor=signatory, reason="申请人死亡", on=day("2025-09-23"))
    licence.refresh_from_db()
    assert licence.state == Licence.LicenceState.REVOKED
    assert held.events.last().data["licence_voided"] == licence.number


# --- permissions --------------------------------------------------------------------------


def _ready(ctx):
    return reviewed(
        accepted_case(ctx["item"], ctx["applicant"], ctx["clerk"], "2025-09-22"),
        ctx["reviewer"],
        ctx["second_reviewer"],
        "2025-09-23",
    )


def _granted(ctx):
    case = _ready(ctx)
    granted(case, ctx["signatory"], "2025-09-24")
    return case


def _tolerated(ctx):
    return accepted_case(
        ctx["item"], ctx["applicant"], ctx["clerk"], "2025-09-22", tolerated_until="2025-09-30"
    )


# action: (setup, call, the rightful actor, outsiders besides other-county staff and a supervisor)
DECISION_ACTIONS = {
    "grant": (
        _ready,
        lambda case, who: granted(case, who, "2025-09-24"),
        "signatory",
        ["clerk", "applicant_user"],
    ),
    "deny": (
        _ready,
        lambda case, who: actions.deny(case, actor=who, on=day("2025-09-24"), reasons="不符合条件"),
        "signatory",
        ["clerk", "applicant_user"],
    ),
    "deliver": (
        _granted,
        lambda case, who: actions.deliver(case, actor=who, channel="window", on=day("2025-09-25")),
        "clerk",
        ["signatory", "applicant_user"],
    ),
    "withdraw": (
        _ready,
        lambda case, who: actions.withdraw(case, actor=who, reason="撤回", on=day("2025-09-24")),
        "applicant_user",
        ["other_applicant_user"],
    ),
    "terminate": (
        _ready,
        lambda case, who: actions.terminate(case, actor=who, reason="终止", on=day("2025-09-24")),
        "signatory",
        ["applicant_user", "clerk"],
    ),
    "supply_tolerated_material": (
        _tolerated,
        lambda case, who: actions.supply_tolerated_material(
            case,
            case.materials.get(status="tolerated"),
            actor=who,
            upload=scan(),
            on=day("2025-09-24"),
        ),
        "applicant_user",
        ["other_applicant_user", "reviewer"],
    ),
    "propose_revocation": (
        _granted,
        lambda case, who: actions.propose_revocation(
            case, actor=who, facts="撤销", on=day("2025-09-25")
        ),
        "signatory",
        ["clerk", "applicant_user"],
    ),
}


@pytest.mark.parametrize("name", sorted(DECISION_ACTIONS))
def test_outsiders_cannot_take_decision_actions_and_nothing_is_written(
    name,
    item,
    own_applicant,
    clerk,
    reviewer,
    second_reviewer,
    signatory,
    far_staff,
    supervisor,
    applicant_user,
    other_applicant_user,
):
    people = {
        "clerk": clerk,
        "reviewer": reviewer,
        "signatory": signatory,
        "applicant_user": applicant_user,
        "other_applicant_user": other_applicant_user,
    }
    ctx = {"item": item, "applicant": own_applicant, **people, "second_reviewer": second_reviewer}
    setup, act, rightful, others = DECISION_ACTIONS[name]
    case = setup(ctx)

    def snapshot():
        return (
            CaseEvent.objects.count(),
            Licence.objects.count(),
            Delivery.objects.count(),
            list(Licence.objects.values_list("state", flat=True)),
            list(case.materials.values_list("supplied_on", flat=True)),
        )

    for outsider in [far_staff, supervisor, *(people[o] for o in others)]:
        before = snapshot()
        with pytest.raises(NotPermitted):
            act(case, outsider)
        assert snapshot() == before, outsider
        case.refresh_from_db()
        assert case.state in (State.ACCEPTED, State.GRANTED)
    before = CaseEvent.objects.count()
    act(case, people[rightful])
    assert CaseEvent.objects.count() > before
