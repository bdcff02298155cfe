"""Commitment approval (告知承诺, domain.md §5) on real dates around National Day 2025: 10/1–10/8
off, Sunday 9/28 and Saturday 10/11 worked.

A commitment item keeps its review steps; the applicant's signed commitment must be on record
before the grant; the grant opens a verification due N working days after the decision; a
false commitment revokes the licence and writes a credit record."""

import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from oneseal.cases import actions, jobs
from oneseal.cases.models import (
    CaseEvent,
    Commitment,
    CommitmentVerification,
    CreditRecord,
    Licence,
    RevocationProposal,
    State,
)
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.organisation.models import Department, Role
from oneseal.testing import accepted_case, at, day, events, reviewed, revoke_through_procedure

TEXT = "本单位承诺：经营场所、设施设备、食品安全管理人员及管理制度均符合《食品经营许可管理办法》规定的条件，所填信息真实有效。"


@pytest.fixture
def commitment_item(make_item):
    """食品经营许可（新办） under 告知承诺, steps 受理 → 初审 → 复审 → 决定, verified within the
    default 20 working days."""
    return make_item(is_commitment=True)


def committed_case(hi, applicant, clerk, on: str):
    """Received on `on`, the commitment signed and recorded at the window, then accepted — the
    usual order at a window."""
    case = actions.receive(hi, actor=clerk, applicant=applicant, at=at(f"{on} 09:00"))
    actions.record_commitment(case, actor=clerk, text=TEXT, signed_on=day(on), on=day(on))
    actions.check_materials(
        case, actor=clerk, statuses={m.pk: "provided" for m in case.materials.all()}
    )
    return actions.accept(case, actor=clerk, on=day(on))


def granted(case, signatory, on: str):
    return actions.grant(
        case,
        actor=signatory,
        on=day(on),
        scope="热食类食品制售",
        valid_from=day(on),
        valid_until=day("2030-09-23"),
    )


@pytest.fixture
def granted_case(commitment_item, applicant, clerk, reviewer, second_reviewer, signatory):
    """Accepted Monday 9/22, reviewed 9/23, granted Wednesday 9/24, delivered at the window 9/25."""
    case = committed_case(commitment_item, applicant, clerk, "2025-09-22")
    case = reviewed(case, reviewer, second_reviewer, "2025-09-23")
    granted(case, signatory, "2025-09-24")
    actions.deliver(case, actor=clerk, channel="window", on=day("2025-09-25"))
    case.refresh_from_db()
    return case


def verification_of(case) -> CommitmentVerification:
    return CommitmentVerification.objects.get(case=case)


# --- the commitment and the grant ---------------------------------------------------------


def test_a_commitment_item_is_not_granted_without_a_signed_commitment(
    commitment_item, applicant, clerk, reviewer, second_reviewer, signatory
):
    case = accepted_case(commitment_item, applicant, clerk, "2025-09-22")
    case = reviewed(case, reviewer, second_reviewer, "2025-09-23")
    assert any("告知承诺" in b for b in actions.grant_blockers(case, on=day("2025-09-24")))
    before = events(case)
    with pytest.raises(InvalidTransition) as e:
        granted(case, signatory, "2025-09-24")
    assert "尚未签署书面承诺" in e.value.message
    assert events(case) == before
    assert not Licence.objects.exists() and not CommitmentVerification.objects.exists()
    case.refresh_from_db()
    assert case.state == State.ACCEPTED and case.decided_on is None

    # A case accepted without it (e.g. deemed accepted) may still get it before the decision.
    actions.record_commitment(
        case, actor=clerk, text=TEXT, signed_on=day("2025-09-24"), on=day("2025-09-24")
    )
    assert actions.grant_blockers(case, on=day("2025-09-24")) == []
    assert granted(case, signatory, "2025-09-24").state == Licence.LicenceState.VALID


def test_a_commitment_changes_what_is_verified_afterwards_not_the_review_steps(
    commitment_item, applicant, clerk, reviewer, second_reviewer, signatory
):
    case = committed_case(commitment_item, applicant, clerk, "2025-09-22")
    with pytest.raises(InvalidTransition) as e:
        granted(case, signatory, "2025-09-22")
    assert "初审" in e.value.message
    assert not CommitmentVerification.objects.exists()


def test_the_verification_is_due_twenty_working_days_after_the_grant_across_national_day(
    granted_case,
):
    verification = verification_of(granted_case)
    # 20 working days after Wednesday 9/24: 9/25, 9/26, Sunday 9/28 (worked), 9/29, 9/30 (5),
    # 10/1–10/8 off, 10/9, 10/10, Saturday 10/11 (worked), 10/13, 10/14 (10), 10/15, 10/16, 10/17,
    # 10/20, 10/21 (15), 10/22, 10/23, 10/24, 10/27, 10/28 (20).
    assert (verification.decided_on, verification.days) == (day("2025-09-24"), 20)
    assert verification.due_on == day("2025-10-28") and verification.due_provisional is False
    assert verification.state == CommitmentVerification.VerificationState.OPEN
    grant = granted_case.events.get(action="grant")
    assert grant.data["verification_due"] == "2025-10-28"


def test_the_handling_item_sets_the_verification_period(make_item, applicant, clerk, signatory):
    hi = make_item(is_commitment=True, verification_days=5, steps=False)
    case = committed_case(hi, applicant, clerk, "2025-09-24")
    granted(case, signatory, "2025-09-24")
    # 5 working days after Wednesday 9/24: 9/25, 9/26, Sunday 9/28, 9/29, 9/30.
    assert verification_of(case).due_on == day("2025-09-30")


def test_an_ordinary_item_gets_no_commitment_and_no_verification(
    make_item, applicant, clerk, signatory
):
    hi = make_item(steps=False)
    case = accepted_case(hi, applicant, clerk, "2025-09-24")
    with pytest.raises(InvalidTransition) as e:
        actions.record_commitment(
            case, actor=clerk, text=TEXT, signed_on=day("2025-09-24"), on=day("2025-09-24")
        )
    assert "不实行告知承诺制" in e.value.message
    granted(case, signatory, "2025-09-24")
    assert not Commitment.objects.exists() and not CommitmentVerification.objects.exists()
    assert "verification_due" not in case.events.get(action="grant").data


def test_the_applicant_signs_the_commitment_online_once(
    commitment_item, own_applicant, clerk, applicant_user, other_applicant_user, reviewer, far_staff
):
    case = actions.receive(
        commitment_item, actor=clerk, applicant=own_applicant, at=at("2025-09-22 09:00")
    )
    before = events(case)
    for outsider in (other_applicant_user, reviewer, far_staff):
        with pytest.raises(NotPermitted):
            actions.record_commitment(
                case, actor=outsider, text=TEXT, signed_on=day("2025-09-22"), on=day("2025-09-22")
            )
    for text, signed_on, field in (
        (" ", day("2025-09-22"), "text"),
        (TEXT, None, "signed_on"),
        (TEXT, day("2025-09-23"), "signed_on"),
    ):
        with pytest.raises(ValidationFailed) as e:
            actions.record_commitment(
                case, actor=applicant_user, text=text, signed_on=signed_on, on=day("2025-09-22")
            )
        assert field in e.value.fields
    assert events(case) == before and not Commitment.objects.exists()

    commitment = actions.record_commitment(
        case,
        actor=applicant_user,
        text=f"  {TEXT} ",
        signed_on=day("2025-09-21"),
        on=day("2025-09-22"),
    )
    assert (commitment.text, commitment.signed_on, commitment.recorded_by) == (
        TEXT,
        day("2025-09-21"),
        applicant_user,
    )
    event = case.events.last()
    assert event.action == "record_commitment" and event.data["by_applicant"] is True
    assert event.data["signed_on"] == "2025-09-21"
    with pytest.raises(InvalidTransition) as e:
        actions.record_commitment(
            case, actor=clerk, text=TEXT, signed_on=day("2025-09-22"), on=day("2025-09-22")
        )
    assert "2025年9月21日" in e.value.message
    assert Commitment.objects.count() == 1


# --- verification -------------------------------------------------------------------------


def test_a_truthful_verification_closes_the_check(granted_case, reviewer):
    with pytest.raises(ValidationFailed) as e:
        actions.verify_commitment(
            granted_case, actor=reviewer, truthful=True, findings=" ", on=day("2025-10-20")
        )
    assert "findings" in e.value.fields
    with pytest.raises(ValidationFailed) as e:
        actions.verify_commitment(
            granted_case,
            actor=reviewer,
            truthful=True,
            findings="现场核查属实",
            on=day("2025-09-23"),
        )
    assert "on" in e.value.fields
    assert verification_of(granted_case).state == "open"

    verification = actions.verify_commitment(
        granted_case,
        actor=reviewer,
        truthful=True,
        findings="现场核查：经营场所、设施与承诺一致",
        on=day("2025-10-20"),
    )
    verification.refresh_from_db()
    assert verification.state == CommitmentVerification.VerificationState.CONFIRMED
    assert (verification.verified_by, verification.verified_on) == (reviewer, day("2025-10-20"))
    assert verification.findings == "现场核查：经营场所、设施与承诺一致"
    event = granted_case.events.last()
    assert event.action == "verify_commitment" and event.data == {
        "truthful": True,
        "findings": "现场核查：经营场所、设施与承诺一致",
        "due_on": "2025-10-28",
        "within_due": True,
    }
    assert Licence.objects.get(case=granted_case).state == Licence.LicenceState.VALID
    assert not CreditRecord.objects.exists()
    with pytest.raises(InvalidTransition) as e:
        actions.verify_commitment(
            granted_case, actor=reviewer, truthful=False, findings="再查", on=day("2025-10-21")
        )
    assert "已于2025年10月20日核查完毕" in e.value.message
    assert actions.verify_chain(granted_case.pk) == []


def test_a_false_commitment_starts_the_revocation_and_records_a_credit_record(
    granted_case, supervisor, applicant, clerk, signatory
):
    """Found by a supervisor of the item's original department (市场监管局)."""
    actions.verify_commitment(
        granted_case,
        actor=supervisor,
        truthful=False,
        findings="现场无冷藏设备，未配备食品安全管理人员",
        on=day("2025-10-15"),
    )
    verification = verification_of(granted_case)
    assert verification.state == CommitmentVerification.VerificationState.FALSE_COMMITMENT
    assert verification.verified_by == supervisor

    licence = Licence.objects.get(case=granted_case)
    # The finding starts the procedure; the holder is heard before a signatory decides.
    assert licence.state == Licence.LicenceState.VALID
    proposal = RevocationProposal.objects.get(case=granted_case)
    assert (
        proposal.grounds == "false_commitment"
        and proposal.basis == "《中华人民共和国行政许可法》第六十九条第二款"
    )
    assert "虚假承诺" in proposal.facts and "现场无冷藏设备" in proposal.facts
    assert supervisor.staff.display_name not in proposal.facts  # the facts name no individual

    record = CreditRecord.objects.get()
    assert (record.applicant, record.case, record.kind) == (
        applicant,
        granted_case,
        "false_commitment",
    )
    assert (record.on, record.recorded_by) == (day("2025-10-15"), supervisor)
    assert granted_case.number in record.reason and "虚假承诺" in record.reason

    verify, propose, credit = granted_case.events.order_by("-seq")[:3][::-1]
    assert verify.action == "verify_commitment" and verify.data["truthful"] is False
    assert propose.action == "propose_revocation" and propose.notice_due == "revocation_notice"
    assert propose.data["licence"] == licence.number
    assert credit.action == "record_credit" and credit.data["credit_record"] == record.pk
    assert credit.data["revocation_proposal"] == proposal.pk
    granted_case.refresh_from_db()
    assert granted_case.state == State.DELIVERED

    revoke_through_procedure(
        granted_case,
        proposer=None,
        clerk=clerk,
        signatory=signatory,
        proposed_on="2025-10-15",
        notified_on="2025-10-16",
        decided_on="2025-10-24",
    )
    licence.refresh_from_db()
    assert licence.state == Licence.LicenceState.REVOKED and licence.revoked_on == day("2025-10-24")
    assert "第六十九条第二款" in granted_case.events.order_by("-seq").first().data["basis"]
    assert actions.verify_chain(granted_case.pk) == []


def _another_department_supervisor(make_staff, county):
    housing = Department.objects.create(
        region=county, name="平罗县住房和城乡建设局", short_name="住建局", order=3
    )
    return make_staff("housing", county, Role.SUPERVISOR, department=housing)


def test_only_a_reviewer_of_the_region_or_the_item_department_verifies_and_refusals_write_nothing(
    granted_case, make_staff, county, clerk, signatory, far_staff, applicant_user, reviewer
):
    outsiders = [
        clerk,
        signatory,
        far_staff,
        applicant_user,
        _another_department_supervisor(make_staff, county),
    ]

    def snapshot():
        return (
            CaseEvent.objects.count(),
            CreditRecord.objects.count(),
            list(CommitmentVerification.objects.values_list("state", "verified_on", "findings")),
            list(Licence.objects.values_list("state", flat=True)),
        )

    for outsider in outsiders:
        before = snapshot()
        with pytest.raises(NotPermitted):
            actions.verify_commitment(
                granted_case,
                actor=outsider,
                truthful=False,
                findings="承诺不实",
                on=day("2025-10-15"),
            )
        assert snapshot() == before, outsider
    actions.verify_commitment(
        granted_case, actor=reviewer, truthful=True, findings="属实", on=day("2025-10-15")
    )
    assert snapshot()[2] == [("confirmed", day("2025-10-15"), "属实")]


def test_a_case_without_a_verification_cannot_be_verified(
    make_item, applicant, clerk, signatory, reviewer
):
    case = accepted_case(make_item(steps=False), applicant, clerk, "2025-09-24")
    granted(case, signatory, "2025-09-24")
    with pytest.raises(InvalidTransition) as e:
        actions.verify_commitment(
            case, actor=reviewer, truthful=True, findings="属实", on=day("2025-09-25")
        )
    assert "没有告知承诺核查任务" in e.value.message


# --- the worker ---------------------------------------------------------------------------


def test_the_overdue_job_notes_a_late_check_once(
    granted_case, commitment_item, applicant, clerk, reviewer, second_reviewer, signatory
):
    checked = committed_case(commitment_item, applicant, clerk, "2025-09-22")
    checked = reviewed(checked, reviewer, second_reviewer, "2025-09-23")
    granted(checked, signatory, "2025-09-24")
    actions.verify_commitment(
        checked, actor=reviewer, truthful=True, findings="属实", on=day("2025-10-10")
    )

    assert jobs.overdue_verifications(day("2025-10-28")) == 0  # the due day itself is still in time
    before = events(granted_case)
    assert jobs.overdue_verifications(day("2025-10-29")) == 1
    assert events(granted_case) == before + 1
    event = granted_case.events.last()
    assert (
        event.action == "verification_overdue"
        and event.actor is None
        and event.on == day("2025-10-29")
    )
    assert event.data == {"due_on": "2025-10-28", "days": 20, "working_days_late": 1}
    assert verification_of(granted_case).overdue_noticed_on == day("2025-10-29")

    assert jobs.overdue_verifications(day("2025-10-30")) == 0
    assert events(granted_case) == before + 1
    assert not checked.events.filter(action="verification_overdue").exists()

    # A late check is still recorded, and says it was late.
    actions.verify_commitment(
        granted_case, actor=reviewer, truthful=True, findings="属实", on=day("2025-10-30")
    )
    assert granted_case.events.last().data["within_due"] is False
    assert actions.verify_chain(granted_case.pk) == []


def test_the_worker_runs_the_overdue_verification_job(granted_case):
    out = io.StringIO()
    call_command("worker", "--once", "--today", "2025-10-29", stdout=out, stderr=io.StringIO())
    assert (
        "2025-10-29 overdue_verifications: 1 commitment verification(s) newly past their due date"
        in out.getvalue()
    )
    out = io.StringIO()
    call_command("worker", "--once", "--today", "2025-10-30", stdout=out, stderr=io.StringIO())
    assert "overdue_verifications: 0 commitment" in out.getvalue()
    assert granted_case.events.filter(action="verification_overdue").count() == 1


# --- the API ------------------------------------------------------------------------------


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_commitment_is_recorded_through_the_api(commitment_item, applicant, clerk, reviewer):
    case = actions.receive(commitment_item, actor=clerk, applicant=applicant)
    url = f"/api/v1/cases/{case.pk}/record-commitment"
    r = client_for(clerk).post(url, {"text": " ", "signed_on": "2025-09-22"}, format="json")
    assert r.status_code == 400 and "text" in r.json()["fields"]
    r = client_for(clerk).post(url, {"text": TEXT, "signed_on": "22/09/2025"}, format="json")
    assert r.status_code == 400 and "signed_on" in r.json()["fields"]
    assert (
        client_for(reviewer)
        .post(url, {"text": TEXT, "signed_on": "2025-09-22"}, format="json")
        .status_code
        == 403
    )
    assert not Commitment.objects.exists()

    r = client_for(clerk).post(
        url,
        {
            "text": TEXT,
            "signed_on": case.received_on.isoformat(),
            "expected_version": case.lock_version,
        },
        format="json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert (
        body["commitment"]["text"] == TEXT
        and body["commitment"]["signed_on"] == case.received_on.isoformat()
    )
    assert body["commitment_verification"] is None
    assert body["events"][-1]["action"] == "record_commitment"
    r = client_for(clerk).post(
        url, {"text": TEXT, "signed_on": case.received_on.isoformat()}, format="json"
    )
    assert r.status_code == 400 and r.json()["code"] == "invalid_transition"


def test_the_verification_is_shown_and_recorded_through_the_api(
    granted_case, reviewer, clerk, make_staff, other_county
):
    r = client_for(clerk).get(f"/api/v1/cases/{granted_case.pk}")
    assert r.status_code == 200
    shown = r.json()["commitment_verification"]
    assert (shown["state"], shown["due_on"], shown["due_provisional"]) == (
        "open",
        "2025-10-28",
        False,
    )
    assert shown["state_display"] == "待核查"

    url = f"/api/v1/cases/{granted_case.pk}/verify-commitment"
    before = CaseEvent.objects.count()
    far_reviewer = make_staff("far-reviewer", other_county, Role.REVIEWER)
    assert (
        client_for(far_reviewer)
        .post(url, {"truthful": False, "findings": "不实"}, format="json")
        .status_code
        == 404
    )
    assert (
        client_for(clerk)
        .post(url, {"truthful": False, "findings": "不实"}, format="json")
        .status_code
        == 403
    )
    r = client_for(reviewer).post(url, {"truthful": False, "findings": ""}, format="json")
    assert r.status_code == 400 and "findings" in r.json()["fields"]
    r = client_for(reviewer).post(url, {"findings": "不实"}, format="json")
    assert r.status_code == 400 and "truthful" in r.json()["fields"]
    assert CaseEvent.objects.count() == before

    r = client_for(reviewer).post(
        url,
        {
            "truthful": False,
            "findings": "承诺的经营场所不存在",
            "expected_version": granted_case.lock_version,
        },
        format="json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["commitment_verification"]["state"] == "false_commitment"
    assert body["commitment_verification"]["findings"] == "承诺的经营场所不存在"
    assert body["licence"]["state"] == "valid"  # proposed, not yet revoked
    assert [e["action"] for e in body["events"][-3:]] == [
        "verify_commitment",
        "propose_revocation",
        "record_credit",
    ]
    assert CreditRecord.objects.filter(case=granted_case).count() == 1
