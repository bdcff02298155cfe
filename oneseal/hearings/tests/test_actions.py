"""Hearings (第四十六至四十八条) and interested parties (第三十六条) through their actions, on
real dates across the 2025 National Day holiday (10月1日至8日 off, 9月28日 and 10月11日 worked)."""

import datetime

import pytest
import time_machine

from oneseal.calendars.rules import WorkCalendar
from oneseal.cases import actions as case_actions
from oneseal.cases.models import CaseEvent
from oneseal.documents import actions as document_actions
from oneseal.documents.models import Document, PendingNotice
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.hearings import actions, rules
from oneseal.hearings.models import AvoidanceRequest, Hearing, Statement
from oneseal.testing import accepted_case, at, day

PARTY_NUMBER = "640221199002150049"  # 路人甲, registered with an online account (stranger)


@pytest.fixture
def seal(bureau):
    return document_actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))


@pytest.fixture
def case(item, own_applicant, clerk, reviewer):
    """Accepted on Monday 2025-09-22 (promised 5, statutory 20 working days); the first review
    step done by `reviewer` the next day."""
    case = accepted_case(item, own_applicant, clerk, "2025-09-22")
    return case_actions.complete_review_step(
        case, actor=reviewer, opinion="初审：需听证", outcome="approve", on=day("2025-09-23")
    )


def add_party(case, reviewer, on="2025-09-23", **fields):
    values = dict(
        kind="person",
        name="路人甲",
        number=PARTY_NUMBER,
        phone="13909520001",
        concern="住宅与拟设经营场所相邻",
    )
    values.update(fields)
    return actions.add_interested_party(case, actor=reviewer, on=day(on), **values)


# --- the periods, on real dates -------------------------------------------------------------


@pytest.fixture(scope="module")
def cal():
    return WorkCalendar.build()


@pytest.mark.parametrize(
    ("told", "last"),
    [
        ("2025-06-04", "2025-06-09"),  # Wed → Mon, a working day: five calendar days
        ("2025-06-09", "2025-06-16"),  # Mon → Sat 14th, a rest day: the Monday after
        ("2025-06-10", "2025-06-16"),  # Tue → Sun 15th, a rest day: the Monday after
        ("2025-09-24", "2025-09-29"),  # Wed → Mon
        ("2025-09-26", "2025-10-09"),  # Fri → 1 Oct, National Day: the first day worked after
        ("2025-09-28", "2025-10-09"),  # the worked Sunday → 3 Oct, in the holiday
        ("2025-10-06", "2025-10-11"),  # → the worked Saturday (调休) ends it
        ("2026-02-11", "2026-02-24"),  # → 16 Feb, in the 2026 Spring Festival holiday (15–23)
    ],
)
def test_the_five_days_to_ask_are_calendar_days_ending_on_a_working_day(cal, told, last):
    assert rules.request_due(cal, day(told)) == day(last)


def test_the_bureaus_periods_are_working_days(cal):
    # Asked on Friday 26 September: 20 working days skip the National Day holiday.
    assert rules.hold_by(cal, day("2025-09-26")).date == day("2025-10-30")
    # Announced that Friday: 28 Sep (worked), 29, 30, 9 Oct, 10, 11 (worked), 13 → 13 October.
    assert rules.earliest_hearing_day(cal, day("2025-09-26")) == day("2025-10-13")


# --- a hearing requested and held -------------------------------------------------------------


def test_hearing_requested_and_held_excludes_exactly_its_time(
    case, seal, reviewer, second_reviewer, signatory, presider, applicant_user, other_applicant_user
):
    assert (case.promised_due, case.statutory_due) == (day("2025-09-28"), day("2025-10-24"))
    party = add_party(case, reviewer)
    assert party.applicant is not None  # the party has an account: the portal serves them
    hearing = actions.notify_hearing_right(
        case, actor=reviewer, matter="经营场所与居民住宅的间距", on=day("2025-09-24")
    )
    assert hearing.request_due == day("2025-09-29")
    # One sealed notice each: the applicant and the party.
    rights = Document.objects.filter(case=case, kind="hearing_right")
    assert rights.count() == 2
    addressees = {d.event.data["addressee"] for d in rights}
    assert addressees == {case.applicant.name, "路人甲"}
    assert all("听告" in d.number for d in rights)

    with time_machine.travel(at("2025-09-26 10:00"), tick=False):
        request = actions.request_hearing(hearing, actor=applicant_user)
    assert request.requested_on == day("2025-09-26")
    hearing.refresh_from_db()
    assert hearing.state == "requested" and hearing.hold_by == day("2025-10-30")

    hearing = actions.schedule_hearing(
        hearing,
        actor=reviewer,
        starts_at=at("2025-10-14 09:30"),
        place="平罗县政务服务中心三楼听证室",
        presiding=presider,
        on=day("2025-09-26"),
    )
    case.refresh_from_db()
    assert case.state == "suspended"
    suspension = case.suspensions.get()
    assert suspension.kind == "hearing" and suspension.stops_statutory
    assert Document.objects.filter(case=case, kind="hearing_notice").count() == 2
    assert Document.objects.filter(case=case, kind="special_procedure").count() == 1

    record = actions.record_hearing(
        hearing,
        actor=presider,
        held_on=day("2025-10-14"),
        summary="听证公开举行",
        statements=[
            {"role": "reviewer", "user": reviewer.pk, "text": "经营场所距住宅12米，符合要求"},
            {"role": "applicant", "text": "已设置隔音设施"},
            {"role": "party", "party": party.pk, "text": "担心油烟影响"},
        ],
    )
    statements = list(record.statements.order_by("order"))
    with pytest.raises(InvalidTransition, match="尚未签字"):
        actions.close_hearing(hearing, actor=presider, on=day("2025-10-14"))
    with pytest.raises(NotPermitted):
        actions.sign_statement(statements[1], actor=other_applicant_user)  # not the applicant
    actions.sign_statement(statements[0], actor=reviewer)
    actions.sign_statement(statements[1], actor=applicant_user)
    actions.sign_statement(statements[2], actor=other_applicant_user)  # the party, online
    with pytest.raises(InvalidTransition, match="已签字"):
        actions.sign_statement(statements[2], actor=presider, in_person=True)
    actions.close_hearing(hearing, actor=presider, on=day("2025-10-15"))

    case.refresh_from_db()
    assert case.state == "accepted"
    # Suspended 26 Sep, resumed on the day held (14 Oct): 8 working days left out (28, 29, 30
    # Sep, 9, 10, 11, 13, 14 Oct), the holiday in between counting for nothing either way.
    cal = WorkCalendar.build()
    assert cal.between(day("2025-09-26"), day("2025-10-14")) == 8
    assert case.statutory_due == day("2025-11-05") == cal.add(day("2025-10-24"), 8).date
    assert case.promised_due == day("2025-10-15")

    case = case_actions.complete_review_step(
        case, actor=second_reviewer, opinion="同意", outcome="approve", on=day("2025-10-15")
    )
    # 第四十八条第二款: a decision that does not cite the record is refused, naming the record.
    with pytest.raises(InvalidTransition, match="第四十八条第二款") as refused:
        case_actions.grant(
            case,
            actor=signatory,
            scope="热食类食品制售",
            valid_from=day("2025-10-16"),
            on=day("2025-10-16"),
        )
    assert "hearing_record" in refused.value.fields
    with pytest.raises(InvalidTransition):
        case_actions.grant(
            case,
            actor=signatory,
            scope="热食类食品制售",
            valid_from=day("2025-10-16"),
            on=day("2025-10-16"),
            hearing_record=record.pk + 999,
        )
    case_actions.grant(
        case,
        actor=signatory,
        scope="热食类食品制售",
        valid_from=day("2025-10-16"),
        on=day("2025-10-16"),
        hearing_record=record.pk,
    )
    event = CaseEvent.objects.get(case=case, action="grant")
    assert event.data["hearing_record"] == {"id": record.pk, "held_on": "2025-10-14"}
    grant = Document.objects.get(case=case, kind="grant")
    assert grant.event_id == event.pk


def test_grant_wording_cites_the_record(case):
    from oneseal.documents import wording

    values = wording._hearing_cited({"hearing_record": {"id": 1, "held_on": "2025-10-14"}})
    notice = wording.compose("grant", wording.SHIPPED["grant"], {**wording.SAMPLE, **values})
    assert any("2025年10月14日就该申请举行听证" in p for p in notice.paragraphs)
    plain = wording.compose("grant", wording.SHIPPED["grant"], dict(wording.SAMPLE))
    assert not any("听证" in p for p in plain.paragraphs)


def test_a_late_request_is_refused_citing_the_article(case, reviewer, clerk):
    hearing = actions.notify_hearing_right(
        case, actor=reviewer, matter="间距", on=day("2025-09-26")
    )
    assert hearing.request_due == day("2025-10-09")
    with pytest.raises(InvalidTransition, match="第四十七条第一款") as refused:
        actions.request_hearing(hearing, actor=clerk, on=day("2025-10-10"))
    assert "2025年10月9日" in str(refused.value.message)
    # On the last day (the first working day after the holiday) it is on time.
    actions.request_hearing(hearing, actor=clerk, on=day("2025-10-09"))
    with pytest.raises(InvalidTransition, match="已申请"):
        actions.request_hearing(hearing, actor=clerk, on=day("2025-10-09"))


def test_lapse_only_after_the_period(case, reviewer, signatory):
    hearing = actions.notify_hearing_right(
        case, actor=reviewer, matter="间距", on=day("2025-09-24")
    )
    with pytest.raises(InvalidTransition, match="尚未届满"):
        actions.lapse_hearing(hearing, actor=reviewer, on=day("2025-09-29"))
    # No decision while the right may still be exercised.
    assert any("听证权利" in b for b in case_actions.grant_blockers(case, on=day("2025-09-29")))
    actions.lapse_hearing(hearing, actor=reviewer, on=day("2025-09-30"))
    assert not [b for b in case_actions.grant_blockers(case, on=day("2025-09-30")) if "听证" in b]


def test_only_the_applicant_or_party_or_window_may_request(
    case, reviewer, far_staff, other_applicant_user, applicant_user
):
    hearing = actions.notify_hearing_right(
        case, actor=reviewer, matter="间距", on=day("2025-09-24")
    )
    with time_machine.travel(at("2025-09-25 10:00"), tick=False):
        with pytest.raises(NotPermitted):
            actions.request_hearing(hearing, actor=other_applicant_user)  # not the case's applicant
        with pytest.raises(NotPermitted):
            actions.request_hearing(hearing, actor=far_staff)  # another county's staff
        with pytest.raises(ValidationFailed) as backdated:
            actions.request_hearing(hearing, actor=applicant_user, on=day("2025-09-24"))
        assert "on" in backdated.value.fields


def test_the_guide_must_list_a_hearing_unless_the_bureau_orders_one(
    make_item, own_applicant, clerk, reviewer, presider
):
    item = make_item(procedures=("expert_review",))
    case = accepted_case(item, own_applicant, clerk, "2025-09-22")
    with pytest.raises(ValidationFailed, match="未列明听证"):
        actions.notify_hearing_right(case, actor=reviewer, matter="间距", on=day("2025-09-24"))
    hearing = actions.order_hearing(
        case, actor=reviewer, matter="涉及公共利益", on=day("2025-09-24")
    )
    actions.schedule_hearing(
        hearing,
        actor=reviewer,
        starts_at=at("2025-10-14 09:30"),
        place="听证室",
        presiding=presider,
        on=day("2025-09-24"),
    )
    case.refresh_from_db()
    assert case.state == "suspended" and case.suspensions.get().kind == "hearing"


def test_presiding_officer_who_reviewed_is_refused(case, reviewer, clerk, presider, far_staff):
    hearing = actions.notify_hearing_right(
        case, actor=reviewer, matter="间距", on=day("2025-09-24")
    )
    actions.request_hearing(hearing, actor=clerk, on=day("2025-09-25"))
    kwargs = dict(starts_at=at("2025-10-14 09:30"), place="听证室", on=day("2025-09-26"))
    with pytest.raises(ValidationFailed, match="参与了本办件的审查") as refused:
        actions.schedule_hearing(hearing, actor=reviewer, presiding=reviewer, **kwargs)
    assert "presiding" in refused.value.fields
    with pytest.raises(ValidationFailed, match="本辖区"):
        actions.schedule_hearing(hearing, actor=reviewer, presiding=far_staff, **kwargs)
    with pytest.raises(ValidationFailed, match="本辖区"):
        actions.schedule_hearing(hearing, actor=reviewer, presiding=clerk, **kwargs)
    with pytest.raises(NotPermitted):
        actions.schedule_hearing(hearing, actor=far_staff, presiding=presider, **kwargs)


def test_the_seven_and_twenty_days(case, reviewer, clerk, presider):
    hearing = actions.notify_hearing_right(
        case, actor=reviewer, matter="间距", on=day("2025-09-24")
    )
    actions.request_hearing(hearing, actor=clerk, on=day("2025-09-26"))
    kwargs = dict(place="听证室", presiding=presider, on=day("2025-09-26"))
    with pytest.raises(ValidationFailed, match="七个工作日前") as early:
        actions.schedule_hearing(
            hearing, actor=reviewer, starts_at=at("2025-10-10 09:30"), **kwargs
        )
    assert "2025年10月13日" in early.value.fields["starts_at"][0]
    with pytest.raises(ValidationFailed, match="二十个工作日内"):
        actions.schedule_hearing(
            hearing, actor=reviewer, starts_at=at("2025-10-31 09:30"), **kwargs
        )
    with pytest.raises(ValidationFailed, match="工作日举行"):
        actions.schedule_hearing(
            hearing, actor=reviewer, starts_at=at("2025-10-19 09:30"), **kwargs
        )
    actions.schedule_hearing(hearing, actor=reviewer, starts_at=at("2025-10-30 09:30"), **kwargs)


def test_avoidance_decided_and_recorded(
    case, seal, reviewer, clerk, signatory, presider, second_presider, applicant_user
):
    hearing = actions.notify_hearing_right(
        case, actor=reviewer, matter="间距", on=day("2025-09-24")
    )
    actions.request_hearing(hearing, actor=clerk, on=day("2025-09-25"))
    actions.schedule_hearing(
        hearing,
        actor=reviewer,
        starts_at=at("2025-10-14 09:30"),
        place="听证室",
        presiding=presider,
        on=day("2025-09-26"),
    )
    with time_machine.travel(at("2025-09-29 10:00"), tick=False):
        avoidance = actions.request_avoidance(
            hearing, actor=applicant_user, reason="主持人系对方亲属"
        )
    with pytest.raises(InvalidTransition, match="回避申请尚未决定"):
        actions.record_hearing(
            hearing,
            actor=presider,
            held_on=day("2025-10-14"),
            statements=[{"role": "applicant", "text": "x"}],
        )
    with pytest.raises(NotPermitted):
        actions.decide_avoidance(avoidance, actor=reviewer, granted=False, reason="理由不成立")
    with pytest.raises(ValidationFailed, match="参与了本办件的审查"):
        actions.decide_avoidance(
            avoidance, actor=signatory, granted=True, reason="属实", replacement=reviewer
        )
    with pytest.raises(ValidationFailed) as missing:
        actions.decide_avoidance(avoidance, actor=signatory, granted=True, reason="属实")
    assert "replacement" in missing.value.fields
    before = Document.objects.filter(case=case, kind="hearing_notice").count()
    actions.decide_avoidance(
        avoidance,
        actor=signatory,
        granted=True,
        reason="属实",
        replacement=second_presider,
        on=day("2025-09-29"),
    )
    avoidance.refresh_from_db()
    hearing.refresh_from_db()
    assert avoidance.decision == AvoidanceRequest.Decision.GRANTED
    assert hearing.presiding == second_presider
    # Everyone is told again who presides.
    assert Document.objects.filter(case=case, kind="hearing_notice").count() == before + 1
    with pytest.raises(NotPermitted):
        actions.record_hearing(hearing, actor=presider, held_on=day("2025-10-14"), statements=[])
    record = actions.record_hearing(
        hearing,
        actor=second_presider,
        held_on=day("2025-10-14"),
        statements=[{"role": "applicant", "text": "无异议"}],
    )
    statement = record.statements.get()
    actions.sign_statement(statement, actor=second_presider, in_person=True)
    assert Statement.objects.get(pk=statement.pk).signed_how == "in_person"


def test_record_statements_are_checked_by_field(case, reviewer, clerk, presider):
    hearing = actions.notify_hearing_right(
        case, actor=reviewer, matter="间距", on=day("2025-09-24")
    )
    actions.request_hearing(hearing, actor=clerk, on=day("2025-09-25"))
    actions.schedule_hearing(
        hearing,
        actor=reviewer,
        starts_at=at("2025-10-14 09:30"),
        place="听证室",
        presiding=presider,
        on=day("2025-09-26"),
    )
    with pytest.raises(ValidationFailed) as bad:
        actions.record_hearing(
            hearing,
            actor=presider,
            held_on=day("2025-10-13"),
            statements=[{"role": "party", "party": 999, "text": ""}, {"role": "boss", "text": "x"}],
        )
    fields = bad.value.fields
    assert {"held_on", "statements.0.party", "statements.0.text", "statements.1.role"} <= set(
        fields
    )
    assert Hearing.objects.get(pk=hearing.pk).state == "scheduled"


# --- interested parties (第三十六条) ----------------------------------------------------------


def test_party_told_heard_and_answered(
    case,
    seal,
    reviewer,
    second_reviewer,
    other_applicant_user,
    applicant_user,
    far_staff,
    applicant,
):
    with pytest.raises(ValidationFailed) as bad:
        add_party(case, reviewer, number="640221199002150048", phone="", concern="")
    assert {"number", "phone", "concern"} <= set(bad.value.fields)
    with pytest.raises(ValidationFailed, match="申请人本人"):
        add_party(case, reviewer, number=case.applicant.id_number)
    with pytest.raises(NotPermitted):
        add_party(case, far_staff)
    party = add_party(case, reviewer)
    organisation = add_party(
        case, reviewer, kind="organisation", name="平罗县某某物业公司", number="91350100M000100Y43"
    )
    notices = Document.objects.filter(case=case, kind="interested_party")
    assert {d.event.data["addressee"] for d in notices} == {"路人甲", "平罗县某某物业公司"}
    assert organisation.applicant is not None  # registered at the window as an applicant
    with pytest.raises(ValidationFailed, match="已告知过"):
        add_party(case, reviewer)  # told once

    with time_machine.travel(at("2025-09-24 10:00"), tick=False):
        with pytest.raises(NotPermitted):
            actions.record_party_statement(party, actor=applicant_user, text="冒名")
        statement = actions.record_party_statement(party, actor=other_applicant_user, text="反对")
    assert statement.channel == "portal"
    case = case_actions.complete_review_step(
        case, actor=second_reviewer, opinion="同意", outcome="approve", on=day("2025-09-24")
    )
    assert "利害关系人路人甲的意见尚未答复" in case_actions.grant_blockers(
        case, on=day("2025-09-25")
    )
    with pytest.raises(NotPermitted):
        actions.answer_party_statement(statement, actor=far_staff, answer="x")
    actions.answer_party_statement(
        statement, actor=reviewer, answer="经核实，间距符合要求", on=day("2025-09-25")
    )
    with pytest.raises(InvalidTransition, match="已答复"):
        actions.answer_party_statement(statement, actor=reviewer, answer="again")
    assert case_actions.grant_blockers(case, on=day("2025-09-25")) == []


def test_addressed_notices_queue_and_issue_each_for_its_own_addressee(
    case, bureau, reviewer, clerk
):
    party = add_party(case, reviewer)
    actions.notify_hearing_right(case, actor=reviewer, matter="间距", on=day("2025-09-24"))
    pending = PendingNotice.objects.filter(
        case=case, kind__in=["interested_party", "hearing_right"]
    )
    assert pending.count() == 3  # no seal yet: the party's notice, then one right each
    document_actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))
    issued = [document_actions.issue_pending(p, actor=clerk) for p in pending.order_by("pk")]
    assert len({d.pk for d in issued}) == 3
    assert {(d.kind, d.event.data["addressee"]) for d in issued} == {
        ("interested_party", party.name),
        ("hearing_right", party.name),
        ("hearing_right", case.applicant.name),
    }
    assert not pending.filter(document__isnull=True).exists()


def test_party_notice_says_who_it_is_for(case, seal, reviewer):
    from oneseal.documents import wording
    from oneseal.documents.wording import Facts

    add_party(case, reviewer)
    document = Document.objects.get(case=case, kind="interested_party")
    facts = Facts(case=case, event=document.event, bureau=case.bureau, licence=None, tolerated=[])
    notice = wording.compose(
        "interested_party",
        wording.SHIPPED["interested_party"],
        wording.FACTS["interested_party"](facts),
    )
    assert notice.addressee == "路人甲"
    assert "第三十六条" in "".join(notice.paragraphs)
    assert notice.copies[1].endswith("交被告知人")
    assert datetime.date(2025, 9, 23) == document.dated


def test_issuing_an_addressed_kind_serves_the_next_addressee_owed(case, bureau, reviewer, clerk):
    add_party(case, reviewer)
    actions.notify_hearing_right(case, actor=reviewer, matter="间距", on=day("2025-09-24"))
    document_actions.create_seal(bureau, system=True, valid_from=day("2024-01-01"))
    first = document_actions.issue_document(case, kind="hearing_right", actor=clerk)
    second = document_actions.issue_document(case, kind="hearing_right", actor=clerk)
    assert first.event_id != second.event_id
    assert {first.event.data["addressee"], second.event.data["addressee"]} == {
        case.applicant.name,
        "路人甲",
    }
    with pytest.raises(ValidationFailed, match="已出具"):
        document_actions.issue_document(case, kind="hearing_right", actor=clerk)
