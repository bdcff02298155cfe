"""Delegation (委托) to township service centres: the sealed 委托书, and the case actions
refusing a centre's clerk outside the delegation's scope, period, region or mode — each
denial on its own path (receive, accept, decide) — renewal, taking back, statistics."""

import datetime

import pytest
import time_machine

from oneseal.audit.models import AuditEvent
from oneseal.cases import actions as case_actions
from oneseal.cases.models import CaseMaterial, State
from oneseal.cases.queries import visible_cases
from oneseal.catalogue import actions as catalogue_actions
from oneseal.catalogue.models import TransferStatus
from oneseal.delegations import actions, queries
from oneseal.delegations.models import Delegation, Mode
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.organisation.models import Bureau, Role, ServiceCentre
from oneseal.testing import at, day

BASIS = "《中华人民共和国行政许可法》第二十四条；《桓台县推进相对集中行政许可权改革实施意见》"


def delegation(signatory, bureau, centre, handling_item, *, mode=Mode.FORWARD, **fields):
    values = {
        "service_centre": centre,
        "items": [handling_item.item_version.item],
        "mode": mode,
        "legal_basis": BASIS,
        "valid_from": day("2025-01-01"),
        "valid_until": day("2025-12-31"),
        **fields,
    }
    with time_machine.travel(at("2024-12-20 10:00"), tick=False):
        return actions.delegate(bureau, actor=signatory, **values)


def received_at_centre(handling_item, clerk, applicant, on: str):
    with time_machine.travel(at(f"{on} 09:00"), tick=False):
        return case_actions.receive(handling_item, actor=clerk, applicant=applicant)


def accept_on(case, clerk, on: str):
    with time_machine.travel(at(f"{on} 10:00"), tick=False):
        lines = {m.pk: CaseMaterial.Status.PROVIDED for m in case.materials.all()}
        case_actions.check_materials(case, actor=clerk, statuses=lines)
        return case_actions.accept(case, actor=clerk, on=day(on))


def grant_on(case, actor, on: str):
    with time_machine.travel(at(f"{on} 11:00"), tick=False):
        return case_actions.grant(
            case,
            actor=actor,
            on=day(on),
            scope="热食类食品制售",
            valid_from=day(on),
            valid_until=day("2030-01-01"),
        )


# --- the 委托书 ---------------------------------------------------------------------------------


def test_a_signatory_issues_a_sealed_delegation(signatory, bureau, centre, handling_item, seal):
    d = delegation(signatory, bureau, centre, handling_item)
    assert d.number.startswith("平罗县审批委〔2025〕")
    assert d.file and d.sha256 and d.seal_name == seal.name
    assert d.file.open("rb").read(5) == b"%PDF-"
    assert list(d.items.all()) == [handling_item.item_version.item]
    row = AuditEvent.objects.get(action="delegations.delegate")
    assert row.data["sha256"] == d.sha256 and row.data["centre"] == "城关镇便民服务中心"


def test_only_a_signatory_delegates_and_only_with_a_seal(
    clerk, signatory, bureau, centre, handling_item
):
    with pytest.raises(NotPermitted):
        delegation(clerk, bureau, centre, handling_item)
    with pytest.raises(ValidationFailed):
        delegation(signatory, bureau, centre, handling_item)  # no active seal yet
    assert not Delegation.objects.exists()


def test_a_delegation_names_every_problem(
    signatory,
    bureau,
    centre,
    handling_item,
    seal,
    townships,
    other_county,
    admin_user,
    complete_draft,
):
    far_bureau = Bureau.objects.create(region=other_county, name="大武口区行政审批局")
    far_centre = ServiceCentre.objects.create(
        region=townships.get(code="640202100"), bureau=far_bureau, name="长胜街道便民服务中心"
    )
    stationed = complete_draft(
        basic_code="640221-XK-009", name="某进驻事项", transfer_status=TransferStatus.STATIONED
    )
    catalogue_actions.publish(stationed, actor=admin_user, effective_from=day("2024-01-01"))
    with pytest.raises(ValidationFailed) as e:
        delegation(
            signatory,
            bureau,
            far_centre,
            handling_item,
            items=[handling_item.item_version.item, stationed.item],
            legal_basis=" ",
            valid_from=day("2025-06-01"),
            valid_until=day("2025-01-01"),
        )
    assert set(e.value.fields) == {"service_centre", "items", "legal_basis", "valid_until"}
    assert "未划转" in e.value.fields["items"][0]
    delegation(signatory, bureau, centre, handling_item)
    with pytest.raises(ValidationFailed) as e:
        delegation(signatory, bureau, centre, handling_item, valid_from=day("2025-06-01"))
    assert "已在2025年1月1日至2025年12月31日委托" in e.value.fields["valid_from"][0]


# --- what a centre's clerk may do -------------------------------------------------------------


def test_a_centre_receives_and_accepts_in_the_bureaus_name(
    signatory, bureau, centre, centre_clerk, handling_item, seal, applicant, county
):
    delegation(signatory, bureau, centre, handling_item)
    case = received_at_centre(handling_item, centre_clerk, applicant, "2025-03-03")
    assert case.service_centre == centre and case.bureau == bureau and case.region == county
    assert list(visible_cases(centre_clerk)) == [case]
    case = accept_on(case, centre_clerk, "2025-03-04")
    assert case.state == State.ACCEPTED
    # Forwarded: the bureau's signatory decides, not the centre.
    with pytest.raises(NotPermitted) as e:
        grant_on(case, centre_clerk, "2025-03-05")
    assert "受理后转报" in str(e.value.message)
    assert grant_on(case, signatory, "2025-03-05").case == case


def test_a_centre_that_may_decide_grants(
    signatory, bureau, centre, centre_clerk, handling_item, seal, applicant
):
    delegation(signatory, bureau, centre, handling_item, mode=Mode.DECIDE)
    case = accept_on(
        received_at_centre(handling_item, centre_clerk, applicant, "2025-03-03"),
        centre_clerk,
        "2025-03-03",
    )
    licence = grant_on(case, centre_clerk, "2025-03-04")
    assert licence.case.state == State.GRANTED
    assert licence.case.events.get(action="grant").actor == centre_clerk


def test_outside_the_scope_receiving_is_refused(
    signatory, bureau, centre, centre_clerk, handling_item, second_item, seal, applicant
):
    delegation(signatory, bureau, centre, handling_item)
    with pytest.raises(NotPermitted) as e:
        received_at_centre(second_item, centre_clerk, applicant, "2025-03-03")
    assert "不在平罗县审批服务管理局对城关镇便民服务中心的委托范围内" in str(e.value.message)


def test_outside_the_period_receiving_and_accepting_are_refused(
    signatory, bureau, centre, centre_clerk, handling_item, seal, applicant
):
    delegation(signatory, bureau, centre, handling_item, valid_until=day("2025-03-04"))
    with pytest.raises(NotPermitted) as e:
        received_at_centre(handling_item, centre_clerk, applicant, "2024-12-31")
    assert "2024年12月31日不在委托期限内" in str(e.value.message)
    case = received_at_centre(handling_item, centre_clerk, applicant, "2025-03-04")
    with pytest.raises(NotPermitted) as e:
        accept_on(case, centre_clerk, "2025-03-05")  # the day after it expired
    assert "2025年3月5日不在委托期限内" in str(e.value.message)
    case.refresh_from_db()
    assert case.state == State.RECEIVED


def test_outside_the_region_every_path_is_refused(
    signatory,
    bureau,
    centre,
    centre_clerk,
    other_clerk,
    other_centre,
    clerk,
    handling_item,
    seal,
    applicant,
):
    delegation(signatory, bureau, centre, handling_item, mode=Mode.DECIDE)
    delegation(signatory, bureau, other_centre, handling_item, mode=Mode.DECIDE)
    ours = received_at_centre(handling_item, centre_clerk, applicant, "2025-03-03")
    # Another centre's clerk, even with a delegation of their own, cannot touch it …
    for act in (
        lambda: accept_on(ours, other_clerk, "2025-03-03"),
        lambda: grant_on(ours, other_clerk, "2025-03-04"),
    ):
        with pytest.raises(NotPermitted) as e:
            act()
        assert "不是在本便民服务中心收件" in str(e.value.message)
    assert ours not in visible_cases(other_clerk)
    # … nor a case the bureau received itself.
    at_bureau = received_at_centre(handling_item, clerk, applicant, "2025-03-03")
    with pytest.raises(NotPermitted):
        accept_on(at_bureau, centre_clerk, "2025-03-03")


def test_a_centre_of_another_bureau_cannot_act_for_this_one(
    signatory, bureau, handling_item, seal, applicant, townships, other_county, make_staff
):
    far_bureau = Bureau.objects.create(region=other_county, name="大武口区行政审批局")
    far_centre = ServiceCentre.objects.create(
        region=townships.get(code="640202100"), bureau=far_bureau, name="长胜街道便民服务中心"
    )
    far_clerk = make_staff("cs", far_centre.region, Role.CLERK, service_centre=far_centre)
    with pytest.raises(NotPermitted) as e:
        received_at_centre(handling_item, far_clerk, applicant, "2025-03-03")
    assert "不在平罗县审批服务管理局的辖区内" in str(e.value.message)


def test_a_revoked_delegation_ends_the_centres_acts_and_a_renewal_restores_them(
    signatory, bureau, centre, centre_clerk, handling_item, seal, applicant
):
    first = delegation(signatory, bureau, centre, handling_item, valid_until=day("2025-06-30"))
    with pytest.raises(NotPermitted):
        received_at_centre(handling_item, centre_clerk, applicant, "2025-07-01")  # expired
    with time_machine.travel(at("2025-07-01 08:00"), tick=False):
        renewed = actions.renew(first, actor=signatory, valid_until=day("2026-06-30"))
    assert renewed.renews == first and renewed.valid_from == day("2025-07-01")
    assert renewed.file and renewed.number != first.number
    with pytest.raises(InvalidTransition):
        actions.renew(first, actor=signatory, valid_until=day("2026-06-30"))
    case = received_at_centre(handling_item, centre_clerk, applicant, "2025-07-02")
    with time_machine.travel(at("2025-07-03 08:00"), tick=False):
        actions.revoke(renewed, actor=signatory, reason="中心人员调整")
    with pytest.raises(NotPermitted) as e:
        accept_on(case, centre_clerk, "2025-07-03")
    assert "已于2025年7月3日收回" in str(e.value.message)
    with pytest.raises(InvalidTransition):
        actions.revoke(renewed, actor=signatory, reason="再次")


def test_statistics_per_township(
    signatory, bureau, centre, other_centre, centre_clerk, handling_item, seal, applicant, clerk
):
    delegation(signatory, bureau, centre, handling_item, mode=Mode.DECIDE)
    a = received_at_centre(handling_item, centre_clerk, applicant, "2025-03-03")
    accept_on(a, centre_clerk, "2025-03-03")
    received_at_centre(handling_item, centre_clerk, applicant, "2025-03-04")
    rows = {
        r.centre.name: r
        for r in queries.township_statistics(
            clerk, day("2025-01-01"), day("2025-12-31"), on=day("2025-03-05")
        )
    }
    ours, theirs = rows["城关镇便民服务中心"], rows["黄渠桥镇便民服务中心"]
    assert (ours.received, ours.accepted, ours.open, ours.delegations_in_force) == (2, 1, 2, 1)
    assert ours.decides and ours.items_in_force == 1
    assert (theirs.received, theirs.delegations_in_force) == (0, 0)
    # A centre's clerk sees their own centre only.
    assert [
        r.centre
        for r in queries.township_statistics(
            centre_clerk, day("2025-01-01"), day("2025-12-31"), on=day("2025-03-05")
        )
    ] == [centre]


def test_no_period_longer_than_five_years(signatory, bureau, centre, handling_item, seal):
    with pytest.raises(ValidationFailed) as e:
        delegation(signatory, bureau, centre, handling_item, valid_until=datetime.date(2031, 1, 1))
    assert "valid_until" in e.value.fields


def test_only_a_signatory_of_the_bureaus_region_renews_or_revokes(
    signatory, clerk, bureau, centre, handling_item, seal, other_county, make_staff
):
    d = delegation(signatory, bureau, centre, handling_item, valid_until=day("2025-06-30"))
    far_bureau = Bureau.objects.create(region=other_county, name="大武口区行政审批局")
    far_signatory = make_staff("farsign", other_county, Role.SIGNATORY, bureau=far_bureau)
    with time_machine.travel(at("2025-07-01 08:00"), tick=False):
        for outsider in (clerk, far_signatory):
            with pytest.raises(NotPermitted):
                actions.renew(d, actor=outsider, valid_until=day("2026-06-30"))
            with pytest.raises(NotPermitted):
                actions.revoke(d, actor=outsider, reason="调整")
    d.refresh_from_db()
    assert d.state == Delegation.DelegationState.ACTIVE and Delegation.objects.count() == 1
    assert not AuditEvent.objects.filter(
        action__in=("delegations.renew", "delegations.revoke")
    ).exists()
