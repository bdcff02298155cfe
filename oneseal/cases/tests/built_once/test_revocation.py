"""Revocation is a procedure (《行政许可法》第六十九条, 第七条, 第四十七条): proposal, notice,
views or the period, then a signatory's decision — on real dates, with every refusal."""

import pytest

from oneseal.cases import actions
from oneseal.cases.actions.revocation import open_proposal, proposals_ready_to_decide
from oneseal.cases.models import Case, CaseEvent, Licence, RevocationProposal
from oneseal.catalogue.models import HandlingItem
from oneseal.documents import actions as document_actions
from oneseal.documents.models import Document, PendingNotice, Seal
from oneseal.documents.tests.conftest import pdf_text
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.linkage.models import Push
from oneseal.organisation.models import Bureau, Role, Section
from oneseal.testing import accepted_case, builders, day, issued_document

from .conftest import shared_user

State = RevocationProposal.ProposalState


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    """The county's staff, the item, the seal and the delivered licence, built once for the
    module (`builders.module_build`): the grant and delivery, with their signed documents, were
    most of each test's time when every test built its own. The rows and names are the shared
    fixtures' own (`oneseal.testing.builders`), as in test_licence_register.py."""
    with builders.module_build(django_db_blocker):
        county = builders.county_build()
        section = Section.objects.create(bureau=county.bureau, name="市场准入科")
        reviewer = builders.make_staff(
            "reviewer",
            county.region,
            Role.REVIEWER,
            display_name="李初审",
            bureau=county.bureau,
            section=section,
        )
        supervisor = builders.make_staff(
            "supervisor", county.region, Role.SUPERVISOR, department=county.department
        )
        item = builders.published_item(county.complete_draft(), county.admin_user)
        seal = document_actions.create_seal(
            county.bureau, system=True, valid_from=day("2024-01-01")
        )
        case = builders.licensed_case(item, county.own_applicant, county.clerk, county.signatory)
        yield {
            **county.people(),
            "bureau": county.bureau.pk,
            "reviewer": reviewer.pk,
            "supervisor": supervisor.pk,
            "item": item.pk,
            "seal": seal.pk,
            "licensed": case.pk,
        }


@pytest.fixture
def reviewer(shared, db):
    return shared_user(shared, "reviewer")


@pytest.fixture
def supervisor(shared, db):
    return shared_user(shared, "supervisor")


@pytest.fixture
def bureau(shared, db):
    return Bureau.objects.get(pk=shared["bureau"])


@pytest.fixture
def item(shared, db):
    return HandlingItem.objects.get(pk=shared["item"])


@pytest.fixture
def seal(shared, db):
    return Seal.objects.get(pk=shared["seal"])


@pytest.fixture
def licensed(shared, db):
    """A delivered licence of the online applicant, granted on 2025-09-24."""
    return Case.objects.get(pk=shared["licensed"])


def propose(case, actor, on="2025-09-29", **kwargs):
    kwargs.setdefault("facts", "经查，申请人提交的经营场所证明系伪造")
    return actions.propose_revocation(case, actor=actor, on=day(on), **kwargs)


def notified(case, reviewer, clerk, on="2025-09-30", **kwargs):
    propose(case, reviewer, **kwargs)
    notice = issued_document(case, kind="revocation_notice", actor=clerk)
    actions.notify_revocation(case, actor=clerk, on=day(on))
    return notice


def licence_of(case) -> Licence:
    return Licence.objects.get(case=case)


def test_the_whole_path_over_the_national_day_holiday(licensed, reviewer, clerk, signatory):
    proposal = propose(licensed, reviewer)
    assert proposal.state == State.PROPOSED and proposal.grounds == "own_finding"
    assert (
        proposal.basis == "《中华人民共和国行政许可法》第六十九条第一款"
        and proposal.views_days == 5
    )
    event = licensed.events.order_by("-seq").first()
    assert event.action == "propose_revocation" and event.notice_due == "revocation_notice"
    assert licence_of(licensed).state == Licence.LicenceState.VALID  # a proposal revokes nothing

    # The proposal issues its notice itself, in its own transaction (cases.notices).
    notice = Document.objects.get(case=licensed, kind="revocation_notice")
    assert (
        notice.event == event and notice.issued_by == reviewer and notice.dated == day("2025-09-29")
    )
    assert not PendingNotice.objects.exists()
    text = pdf_text(notice)
    for expected in (
        "撤销行政许可告知书",
        "经营场所证明系伪造",
        "第六十九条第一款",
        "第七条",
        "五个工作日内",
        licence_of(licensed).number,
    ):
        assert expected in text, expected
    assert "听证" not in text  # the proposer did not mark the matter as one of 第四十七条
    assert notice.number.startswith("平审批撤告〔2025〕")

    with pytest.raises(ValidationFailed):
        actions.notify_revocation(
            licensed, actor=clerk, on=day("2025-09-28")
        )  # before the notice's date
    proposal = actions.notify_revocation(licensed, actor=clerk, on=day("2025-09-30"))
    # 10-01..10-08 are the National Day holiday, Saturday 10-11 a working day: the fifth
    # working day after 9-30 is Tuesday 10-14, and the holder has all of it.
    assert proposal.state == State.NOTIFIED and proposal.views_due == day("2025-10-14")
    with pytest.raises(InvalidTransition, match="2025年10月14日"):
        actions.decide_revocation(
            licensed, actor=signatory, revoke=True, reason="复核", on=day("2025-10-14")
        )
    assert not proposals_ready_to_decide(Case.objects.all(), today=day("2025-10-14")).exists()
    assert list(proposals_ready_to_decide(Case.objects.all(), today=day("2025-10-15"))) == [
        proposal
    ]

    proposal = actions.decide_revocation(
        licensed, actor=signatory, revoke=True, reason="事实清楚", on=day("2025-10-15")
    )
    assert proposal.state == State.REVOKED and proposal.decided_by == signatory
    licence = licence_of(licensed)
    assert licence.state == Licence.LicenceState.REVOKED and licence.revoked_on == day("2025-10-15")
    decision = licensed.events.order_by("-seq").first()
    assert decision.action == "revoke_licence" and decision.notice_due == "revocation"
    assert decision.data["basis"] == proposal.basis and decision.data["notified_on"] == "2025-09-30"
    assert Push.objects.filter(case=licensed, decision="revoke_licence").exists()

    document = Document.objects.get(case=licensed, kind="revocation")  # the decision issued it
    assert document.event == decision and document.issued_by == signatory
    text = pdf_text(document)
    for expected in (
        "撤销行政许可决定书",
        "第六十九条第一款",
        "2025年9月30日",
        "在规定期限内未提出陈述、申辩意见",
        "六十日内",
        "六个月内",
        "行政复议",
        "行政诉讼",
    ):
        assert expected in text, expected
    for person in ("张局长", "李初审", "王窗口"):  # the bureau decides; no individual is named
        assert person not in text
    assert actions.verify_chain(licensed.pk) == []


def test_views_received_allow_the_decision_before_the_period_ends(
    licensed, reviewer, clerk, signatory, applicant_user
):
    notified(licensed, reviewer, clerk)
    proposal = actions.submit_revocation_views(
        licensed, actor=applicant_user, views="场所证明真实，附租赁合同", on=day("2025-10-09")
    )
    assert proposal.state == State.VIEWS_RECEIVED and proposal.views_channel == "online"
    with pytest.raises(InvalidTransition, match="已于2025年10月9日提出"):
        actions.submit_revocation_views(
            licensed, actor=applicant_user, views="补充", on=day("2025-10-10")
        )
    proposal = actions.decide_revocation(
        licensed,
        actor=signatory,
        revoke=False,
        reason="租赁合同属实，不予撤销",
        on=day("2025-10-10"),
    )
    assert proposal.state == State.KEPT
    assert licence_of(licensed).state == Licence.LicenceState.VALID
    assert licensed.events.order_by("-seq").first().action == "keep_licence"
    # The procedure is over; a new one may start on new facts.
    assert open_proposal(licensed) is None
    assert propose(licensed, reviewer, on="2025-10-20").state == State.PROPOSED


def test_views_are_refused_before_the_notice_reaches_the_holder_and_taken_late(
    licensed, reviewer, clerk, signatory, applicant_user
):
    propose(licensed, reviewer)
    with pytest.raises(InvalidTransition, match="尚未送达"):
        actions.submit_revocation_views(
            licensed, actor=applicant_user, views="不同意", on=day("2025-09-29")
        )
    with pytest.raises(InvalidTransition, match="尚未送达"):
        actions.decide_revocation(
            licensed, actor=signatory, revoke=True, reason="x", on=day("2025-10-20")
        )
    issued_document(licensed, kind="revocation_notice", actor=clerk)
    actions.notify_revocation(licensed, actor=clerk, on=day("2025-09-30"))
    with pytest.raises(ValidationFailed) as error:
        actions.submit_revocation_views(
            licensed, actor=applicant_user, views="  ", on=day("2025-10-09")
        )
    assert "views" in error.value.fields
    # After the period, before any decision: taken, and marked late.
    actions.submit_revocation_views(
        licensed, actor=clerk, views="口头申辩：不知情", on=day("2025-10-16")
    )
    event = licensed.events.order_by("-seq").first()
    assert event.data["late"] is True and event.data["channel"] == "window"


def test_only_a_signatory_of_the_region_decides(
    licensed, reviewer, clerk, signatory, far_staff, applicant_user
):
    notified(licensed, reviewer, clerk)
    before = CaseEvent.objects.count()
    for outsider in (reviewer, clerk, far_staff, applicant_user):
        with pytest.raises(NotPermitted):
            actions.decide_revocation(
                licensed, actor=outsider, revoke=True, reason="复核", on=day("2025-10-15")
            )
        with pytest.raises(NotPermitted):
            actions.withdraw_revocation_proposal(
                licensed, actor=outsider, reason="撤回", on=day("2025-10-15")
            )
    assert CaseEvent.objects.count() == before
    assert licence_of(licensed).state == Licence.LicenceState.VALID
    with pytest.raises(ValidationFailed) as error:
        actions.decide_revocation(
            licensed, actor=signatory, revoke=True, reason="", on=day("2025-10-15")
        )
    assert "reason" in error.value.fields


def test_outsiders_cannot_propose_or_speak_for_the_holder(
    licensed, reviewer, clerk, far_staff, supervisor, applicant_user, other_applicant_user
):
    for outsider in (clerk, far_staff, supervisor, applicant_user):
        with pytest.raises(NotPermitted):
            propose(licensed, outsider)
    assert not RevocationProposal.objects.exists()
    notified(licensed, reviewer, clerk)
    for outsider in (other_applicant_user, far_staff, supervisor):
        with pytest.raises(NotPermitted):
            actions.submit_revocation_views(
                licensed, actor=outsider, views="代为申辩", on=day("2025-10-09")
            )
    assert open_proposal(licensed).state == State.NOTIFIED


def test_one_procedure_at_a_time_and_never_on_a_revoked_licence(
    licensed, reviewer, clerk, signatory
):
    propose(licensed, reviewer)
    with pytest.raises(InvalidTransition, match="已于2025年9月29日启动撤销程序"):
        propose(licensed, signatory, on="2025-09-30")
    issued_document(licensed, kind="revocation_notice", actor=clerk)
    actions.notify_revocation(licensed, actor=clerk, on=day("2025-09-30"))
    actions.decide_revocation(
        licensed, actor=signatory, revoke=True, reason="复核", on=day("2025-10-15")
    )
    with pytest.raises(InvalidTransition, match="已撤销"):
        propose(licensed, reviewer, on="2025-10-16")
    with pytest.raises(InvalidTransition, match="没有进行中的撤销程序"):
        actions.decide_revocation(
            licensed, actor=signatory, revoke=True, reason="再次", on=day("2025-10-16")
        )
    assert licensed.events.filter(action="revoke_licence").count() == 1


def test_a_period_set_outside_the_law_is_refused(licensed, reviewer):
    for days in (0, 4, 31):
        with pytest.raises(ValidationFailed) as error:
            propose(licensed, reviewer, views_days=days)
        assert "views_days" in error.value.fields
    with pytest.raises(ValidationFailed) as error:
        propose(licensed, reviewer, facts="")
    assert "facts" in error.value.fields


def test_a_hearing_asked_for_comes_before_the_decision(
    licensed, reviewer, clerk, signatory, applicant_user
):
    notice = notified(licensed, reviewer, clerk, hearing_right=True, views_days=10)
    text = pdf_text(notice)
    assert "有权要求听证" in text and "第四十七条" in text and "十个工作日内" in text
    actions.submit_revocation_views(
        licensed,
        actor=applicant_user,
        views="申请听证",
        hearing_requested=True,
        on=day("2025-10-09"),
    )
    with pytest.raises(InvalidTransition, match="听证后方可作出决定"):
        actions.decide_revocation(
            licensed, actor=signatory, revoke=True, reason="复核", on=day("2025-10-10")
        )
    with pytest.raises(NotPermitted):
        actions.record_revocation_hearing(
            licensed, actor=clerk, held_on=day("2025-10-20"), record="听证"
        )
    actions.record_revocation_hearing(
        licensed, actor=reviewer, held_on=day("2025-10-20"), record="持证人到场陈述，未提供新证据"
    )
    proposal = actions.decide_revocation(
        licensed, actor=signatory, revoke=True, reason="听证后维持", on=day("2025-10-21")
    )
    assert proposal.state == State.REVOKED


def test_a_hearing_cannot_be_asked_for_when_the_notice_gave_no_such_right(
    licensed, reviewer, clerk, applicant_user
):
    notified(licensed, reviewer, clerk)
    with pytest.raises(ValidationFailed) as error:
        actions.submit_revocation_views(
            licensed,
            actor=applicant_user,
            views="申请听证",
            hearing_requested=True,
            on=day("2025-10-09"),
        )
    assert "hearing_requested" in error.value.fields


def test_the_period_counts_working_days_over_the_spring_festival(
    item, own_applicant, clerk, reviewer, signatory, seal
):
    case = accepted_case(item, own_applicant, clerk, "2026-02-02")
    actions.grant(
        case,
        actor=signatory,
        on=day("2026-02-03"),
        scope="热食类食品制售",
        valid_from=day("2026-02-03"),
        valid_until=None,
    )
    actions.propose_revocation(case, actor=reviewer, facts="伪造材料", on=day("2026-02-12"))
    issued_document(case, kind="revocation_notice", actor=clerk)
    proposal = actions.notify_revocation(case, actor=clerk, on=day("2026-02-13"))
    # Saturday 2-14 is worked, 2-15..2-23 are the Spring Festival holiday: 14, 24, 25, 26, 27.
    assert proposal.views_due == day("2026-02-27")
    with pytest.raises(InvalidTransition):
        actions.decide_revocation(
            case, actor=signatory, revoke=True, reason="复核", on=day("2026-02-27")
        )
    actions.decide_revocation(
        case, actor=signatory, revoke=True, reason="复核", on=day("2026-03-02")
    )
    assert licence_of(case).state == Licence.LicenceState.REVOKED


def test_without_a_seal_the_notice_waits_and_its_service_waits_for_it(
    licensed, reviewer, clerk, bureau, seal
):
    document_actions.revoke_seal(seal, system=True, on=day("2025-09-26"))
    propose(licensed, reviewer)
    assert not Document.objects.filter(case=licensed, kind="revocation_notice").exists()
    pending = PendingNotice.objects.get(
        case=licensed, kind="revocation_notice"
    )  # the proposal stands
    assert pending.event.action == "propose_revocation" and pending.document is None
    with pytest.raises(InvalidTransition, match="请先出具撤销行政许可告知书"):
        actions.notify_revocation(licensed, actor=clerk, on=day("2025-09-30"))
    assert open_proposal(licensed).state == State.PROPOSED

    document_actions.create_seal(bureau, system=True, valid_from=day("2025-09-29"))
    notice = document_actions.issue_pending(pending, actor=clerk)
    assert notice.kind == "revocation_notice" and notice.issued_by == clerk
    pending.refresh_from_db()
    assert pending.document == notice
    proposal = actions.notify_revocation(licensed, actor=clerk, on=day("2025-09-30"))
    assert proposal.state == State.NOTIFIED and proposal.views_due == day("2025-10-14")


def test_a_proposal_withdrawn_before_its_notice_calls_for_no_notice(
    licensed, reviewer, signatory, clerk, seal
):
    from oneseal.calendars.queries import current_calendar
    from oneseal.documents.models import PendingNotice
    from oneseal.documents.queries import (
        due_documents,
        issue_blockers,
        overdue_notices,
        pending_notices,
    )

    document_actions.revoke_seal(
        seal, system=True, on=day("2025-09-26")
    )  # so the notice could not go out
    propose(licensed, reviewer)
    assert "revocation_notice" in [d.kind for d in due_documents(licensed)]
    assert [p.kind for p in pending_notices(clerk)] == ["revocation_notice"]
    actions.withdraw_revocation_proposal(
        licensed, actor=signatory, reason="提出有误", on=day("2025-09-30")
    )
    assert "revocation_notice" not in [d.kind for d in due_documents(licensed)]
    # Nor does the queue keep it, nor e-supervision count it late.
    assert not pending_notices(clerk).exists()
    assert not overdue_notices(
        current_calendar(), day("2025-12-31"), PendingNotice.objects.all()
    ).exists()
    assert "该撤销程序已结束，不再出具告知书" in issue_blockers(licensed, kind="revocation_notice")
    with pytest.raises(ValidationFailed):
        document_actions.issue_document(licensed, kind="revocation_notice", actor=clerk)


def test_a_withdrawn_proposal_leaves_the_licence_and_its_documents_alone(
    licensed, reviewer, clerk, signatory
):
    notified(licensed, reviewer, clerk)
    actions.withdraw_revocation_proposal(
        licensed, actor=signatory, reason="事实不成立", on=day("2025-10-09")
    )
    assert licence_of(licensed).state == Licence.LicenceState.VALID
    assert RevocationProposal.objects.get().state == State.WITHDRAWN
    assert Document.objects.filter(case=licensed, kind="revocation").count() == 0
