"""Every write of hearings (《行政许可法》第四十六至四十八条) and interested parties (第三十六条).

Each action is one transaction: it locks the case row (`cases.actions._base.lock`), checks the
caller's role and region (or, online, that the account acts for the applicant or the party),
writes its rows, appends the case event (the events that owe a written notice carry
`notice_due`, so the notice is issued under the seal with the act, one per addressee) and an
audit row. The hearing's time is excluded from the case's clocks through the case's own
`suspend` / `resume` with the special procedure 听证 (第四十五条): from the day the hearing is
announced to the day it is held, no more.
"""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.actors import User, stored_user
from oneseal.applicants.models import Applicant
from oneseal.applicants.queries import acts_for
from oneseal.applicants.rules import name_problem, normalise, number_problem
from oneseal.audit.actions import record
from oneseal.calendars.queries import current_calendar, today
from oneseal.cases import actions as case_actions
from oneseal.cases.actions._base import append_event, lock, require_case_role
from oneseal.cases.actions.review import clock_floor, guide_procedures, require_not_before
from oneseal.cases.models import Case, CaseEvent, State
from oneseal.catalogue.models import SpecialProcedure
from oneseal.errors import InvalidTransition, NotPermitted, fail_blockers, fail_fields
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role

from . import rules
from .models import (
    AvoidanceRequest,
    Hearing,
    HearingRecord,
    HearingRequest,
    InterestedParty,
    PartyStatement,
    Statement,
)
from .queries import presiding_problem

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser

UNDECIDED = (State.ACCEPTED, State.SUSPENDED)
OPEN = (
    Hearing.HearingState.NOTIFIED,
    Hearing.HearingState.REQUESTED,
    Hearing.HearingState.SCHEDULED,
    Hearing.HearingState.RECORDED,
)


# --- shared ---------------------------------------------------------------------------------


def _presiding(hearing: Hearing) -> "AuthUser":
    """The presiding officer of a hearing that has been scheduled (every later state has one)."""
    assert hearing.presiding is not None, "a scheduled hearing has a presiding officer"
    return hearing.presiding


def _event(
    case: Case, action: str, *, actor: User, on: datetime.date, data: dict, notice_due: str = ""
) -> CaseEvent:
    return append_event(
        case,
        action=action,
        actor=actor,
        from_state=case.state,
        on=on,
        data=data,
        notice_due=notice_due,
    )


def _audit(
    action: str,
    *,
    actor: User,
    subject: Model,
    case: Case,
    summary: str,
    data: dict | None = None,
) -> None:
    record(
        f"hearings.{action}",
        actor=actor,
        subject=subject,
        region_code=case.region_code,
        summary=f"{case.number} {summary}",
        data={"case": case.number, **(data or {})},
    )


def _require_reviewing_staff(actor: User, case: Case) -> None:
    """The bureau's reviewers and signatories of the case's region run the procedure."""
    require_case_role(actor, case, Role.REVIEWER, Role.SIGNATORY)


def _window_staff(actor: User, case: Case) -> bool:
    return any(
        has_role(actor, role, case.region) for role in (Role.CLERK, Role.REVIEWER, Role.SIGNATORY)
    )


def _require_undecided(case: Case) -> None:
    if case.state not in UNDECIDED:
        raise InvalidTransition(
            _("办件当前状态为“{state}”，只有在审查期间（已受理或中止中）才能办理").format(
                state=case.get_state_display()
            )
        )


def _required(**values: Any) -> None:
    fail_fields(
        {
            name: [_("此项为必填项")]
            for name, value in values.items()
            if not str(value or "").strip()
        }
    )


def _on(on: datetime.date | None, case: Case) -> datetime.date:
    on = on or today()
    require_not_before(on, clock_floor(case))
    return on


def _speaker(
    actor: User, case: Case, party: InterestedParty | None, on: datetime.date | None
) -> tuple[str, datetime.date]:
    """Who may speak for the applicant or a party: staff of the region recording it at the
    window (any date they state), or, online and today only, an account acting for them.
    Returns (channel, date)."""
    if party is not None and party.case_id != case.pk:
        fail_fields({"party": [_("该利害关系人不属于本办件")]})
    if _window_staff(actor, case):
        return PartyStatement.Channel.WINDOW, on or today()
    holder = case.applicant if party is None else party.applicant
    if holder is None or not acts_for(actor, holder):
        raise NotPermitted()
    if on is not None and on != today():
        fail_fields({"on": [_("网上提交的日期为提交当天")]})
    return PartyStatement.Channel.PORTAL, today()


def _hearing_locked(
    hearing: Hearing, *, expected_version: int | None = None
) -> tuple[Case, Hearing]:
    case = lock(hearing.case, expected_version=expected_version)
    return case, Hearing.objects.select_for_update(of=("self",)).select_related(
        "presiding__staff"
    ).get(pk=hearing.pk)


def _state_is(hearing: Hearing, *states: str) -> None:
    if hearing.state not in states:
        raise InvalidTransition(
            _("听证当前状态为“{state}”，不能执行此操作").format(state=hearing.get_state_display())
        )


def _addressees(case: Case) -> list[tuple[str, InterestedParty | None]]:
    return [(case.applicant.name, None)] + [(p.name, p) for p in case.interested_parties.all()]


def _notify_each(
    case: Case, action: str, *, actor: User, on: datetime.date, notice_due: str, data: dict
) -> list[CaseEvent]:
    """One event (and so one sealed notice) per addressee: the applicant and each party."""
    out = []
    for name, party in _addressees(case):
        extra: dict[str, object] = {"addressee": name}
        if party is not None:
            extra |= {"party": party.pk, "concern": party.concern}
        out.append(
            _event(case, action, actor=actor, on=on, data={**data, **extra}, notice_due=notice_due)
        )
    return out


# --- interested parties (第三十六条) ----------------------------------------------------------


@transaction.atomic
def add_interested_party(
    case: Case,
    *,
    actor: User,
    kind: str,
    name: str,
    number: str,
    phone: str,
    concern: str,
    address: str = "",
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> InterestedParty:
    """A reviewer finds that the application directly concerns someone else's major interests:
    the party is recorded and told of it in writing (利害关系人告知书), with the right to state
    views."""
    case = lock(case, expected_version=expected_version)
    _require_reviewing_staff(actor, case)
    _require_undecided(case)
    errors: dict[str, list] = {}
    name = str(name or "").strip()
    if kind not in InterestedParty.Kind.values:
        errors["kind"] = [_("请选择自然人或法人及其他组织")]
    if not name:
        errors["name"] = [_("请填写利害关系人的姓名或名称")]
    elif problem := name_problem(name):
        errors["name"] = [problem]
    number = normalise(str(number or ""))
    if not number:
        errors["number"] = [_("请填写居民身份证号码或统一社会信用代码")]
    elif kind in InterestedParty.Kind.values and (problem := number_problem(kind, number)):
        errors["number"] = [problem]
    elif number in (case.applicant.id_number, case.applicant.credit_code):
        errors["number"] = [_("申请人本人不是利害关系人")]
    elif InterestedParty.objects.filter(case=case, number=number).exists():
        errors["number"] = [_("该利害关系人已告知过")]
    if not str(phone or "").strip():
        errors["phone"] = [_("请填写联系电话")]
    if not str(concern or "").strip():
        errors["concern"] = [_("请写明该申请如何直接关系其重大利益")]
    fail_fields(errors)
    on = _on(on, case)
    field = "credit_code" if kind == InterestedParty.Kind.ORGANISATION else "id_number"
    registered = Applicant.objects.filter(**{field: number}).first()
    party = InterestedParty.objects.create(
        case=case,
        kind=kind,
        name=name,
        number=number,
        phone=str(phone).strip(),
        address=str(address or "").strip(),
        concern=str(concern).strip(),
        applicant=registered,
        added_on=on,
        added_by=stored_user(actor),
    )
    event = _event(
        case,
        "add_interested_party",
        actor=actor,
        on=on,
        notice_due="interested_party",
        data={
            "party": party.pk,
            "addressee": party.name,
            "concern": party.concern,
            "basis": rules.PARTY_BASIS,
        },
    )
    party.event = event
    party.save(update_fields=["event"])
    _audit(
        "add_interested_party",
        actor=actor,
        subject=party,
        case=case,
        summary=f"告知利害关系人 {party.name}",
    )
    return party


@transaction.atomic
def record_party_statement(
    party: InterestedParty, *, actor: User, text: str, on: datetime.date | None = None
) -> PartyStatement:
    """The party's statement (陈述、申辩): online by an account acting for the party, or
    recorded at the window from what the party said or wrote."""
    case = lock(party.case)
    party = InterestedParty.objects.get(pk=party.pk)
    channel, on = _speaker(actor, case, party, on)
    _require_undecided(case)
    _required(text=text)
    on = _on(on, case)
    statement = PartyStatement.objects.create(
        party=party,
        text=str(text).strip(),
        channel=channel,
        made_on=on,
        recorded_by=stored_user(actor),
    )
    _event(
        case,
        "record_party_statement",
        actor=actor,
        on=on,
        data={"party": party.pk, "name": party.name, "statement": statement.pk, "channel": channel},
    )
    _audit(
        "record_party_statement",
        actor=actor,
        subject=statement,
        case=case,
        summary=f"{party.name} 陈述、申辩",
    )
    return statement


@transaction.atomic
def answer_party_statement(
    statement: PartyStatement, *, actor: User, answer: str, on: datetime.date | None = None
) -> PartyStatement:
    """The bureau's answer to one statement: each is answered before the decision."""
    case = lock(statement.party.case)
    _require_reviewing_staff(actor, case)
    _require_undecided(case)
    statement = (
        PartyStatement.objects.select_for_update(of=("self",))
        .select_related("party")
        .get(pk=statement.pk)
    )
    if statement.answered_on is not None:
        raise InvalidTransition(_("该意见已答复"))
    _required(answer=answer)
    on = _on(on, case)
    if on < statement.made_on:
        fail_fields({"on": [_("答复日期不能早于意见提出的日期")]})
    statement.answer, statement.answered_on, statement.answered_by = (
        str(answer).strip(),
        on,
        stored_user(actor),
    )
    statement.save(update_fields=["answer", "answered_on", "answered_by"])
    _event(
        case,
        "answer_party_statement",
        actor=actor,
        on=on,
        data={"party": statement.party_id, "name": statement.party.name, "statement": statement.pk},
    )
    _audit(
        "answer_party_statement",
        actor=actor,
        subject=statement,
        case=case,
        summary=f"答复 {statement.party.name}",
    )
    return statement


# --- the right to a hearing (第四十七条) and a hearing ordered (第四十六条) --------------------


def _no_open_hearing(case: Case) -> None:
    if Hearing.objects.filter(case=case, state__in=OPEN).exists():
        raise InvalidTransition(_("本办件已有尚未结束的听证程序"))


@transaction.atomic
def notify_hearing_right(
    case: Case,
    *,
    actor: User,
    matter: str,
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Hearing:
    """第四十七条: where the item's guide lists a hearing, the applicant and every interested
    party are told in writing (听证权利告知书, one each) of their right to request one within
    five days (`rules.request_due`)."""
    case = lock(case, expected_version=expected_version)
    _require_reviewing_staff(actor, case)
    if case.state != State.ACCEPTED:
        _require_undecided(case)
        raise InvalidTransition(_("办件中止期间不能告知听证权利，请先恢复办理"))
    if SpecialProcedure.Kind.HEARING not in guide_procedures(case):
        fail_fields(
            {
                "matter": [
                    _(
                        "该事项办事指南未列明听证程序，不能依申请听证；涉及公共利益的，请决定举行听证（第四十六条）"
                    )
                ]
            }
        )
    _no_open_hearing(case)
    _required(matter=matter)
    on = _on(on, case)
    due = rules.request_due(current_calendar(), on)
    hearing = Hearing.objects.create(
        case=case,
        basis=Hearing.Basis.RIGHT,
        state=Hearing.HearingState.NOTIFIED,
        matter=str(matter).strip(),
        notified_on=on,
        request_due=due,
        created_by=stored_user(actor),
    )
    _notify_each(
        case,
        "notify_hearing_right",
        actor=actor,
        on=on,
        notice_due="hearing_right",
        data={
            "hearing": hearing.pk,
            "matter": hearing.matter,
            "request_due": due.isoformat(),
            "basis": rules.REQUEST_BASIS,
        },
    )
    _audit(
        "notify_hearing_right",
        actor=actor,
        subject=hearing,
        case=case,
        summary=f"告知听证权利，{due.isoformat()}前申请",
    )
    return hearing


@transaction.atomic
def order_hearing(
    case: Case,
    *,
    actor: User,
    matter: str,
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Hearing:
    """第四十六条: the bureau finds a matter of public interest (or the law requires a hearing):
    it will announce the hearing to the public and hold it; nobody needs to ask."""
    case = lock(case, expected_version=expected_version)
    _require_reviewing_staff(actor, case)
    if case.state != State.ACCEPTED:
        _require_undecided(case)
        raise InvalidTransition(_("办件中止期间不能决定举行听证，请先恢复办理"))
    _no_open_hearing(case)
    _required(matter=matter)
    on = _on(on, case)
    hearing = Hearing.objects.create(
        case=case,
        basis=Hearing.Basis.PUBLIC_INTEREST,
        state=Hearing.HearingState.REQUESTED,
        matter=str(matter).strip(),
        notified_on=on,
        created_by=stored_user(actor),
    )
    _event(
        case,
        "order_hearing",
        actor=actor,
        on=on,
        data={"hearing": hearing.pk, "matter": hearing.matter, "basis": rules.PUBLIC_BASIS},
    )
    _audit(
        "order_hearing",
        actor=actor,
        subject=hearing,
        case=case,
        summary="决定举行听证（涉及公共利益）",
    )
    return hearing


@transaction.atomic
def request_hearing(
    hearing: Hearing,
    *,
    actor: User,
    party: InterestedParty | None = None,
    on: datetime.date | None = None,
) -> HearingRequest:
    """The applicant (party None) or an interested party asks for the hearing: online, or at
    the window. Within the five days of 第四十七条 the bureau must hold it within 20 working
    days; after them the request is refused, citing the article."""
    case, hearing = _hearing_locked(hearing)
    _channel, on = _speaker(actor, case, party, on)
    if hearing.basis != Hearing.Basis.RIGHT:
        raise InvalidTransition(_("该听证由本机关依职权举行，无需申请"))
    _state_is(hearing, Hearing.HearingState.NOTIFIED, Hearing.HearingState.REQUESTED)
    assert hearing.request_due is not None  # a hearing of the right has one
    if on < hearing.notified_on:
        fail_fields({"on": [_("申请日期不能早于告知听证权利的日期")]})
    if on > hearing.request_due:
        msg = _(
            "申请听证已超过期限：依照《中华人民共和国行政许可法》第四十七条第一款，应当在被告知听证权利之日起五日内提出"
            "（本次截止日期：{date}），本申请不予接受"
        ).format(date=f"{hearing.request_due:%Y年%-m月%-d日}")
        raise InvalidTransition(msg, fields={"on": [msg]})
    name = party.name if party is not None else case.applicant.name
    if HearingRequest.objects.filter(hearing=hearing, party=party).exists():
        raise InvalidTransition(_("{name}已申请听证").format(name=name))
    request = HearingRequest.objects.create(
        hearing=hearing,
        party=party,
        requester_name=name,
        requested_on=on,
        recorded_by=stored_user(actor),
    )
    if hearing.state == Hearing.HearingState.NOTIFIED:
        due = rules.hold_by(current_calendar(), on)
        hearing.state, hearing.requested_on = Hearing.HearingState.REQUESTED, on
        hearing.hold_by, hearing.hold_by_provisional = due.date, due.provisional
        hearing.save(update_fields=["state", "requested_on", "hold_by", "hold_by_provisional"])
    _event(
        case,
        "request_hearing",
        actor=actor,
        on=on,
        data={
            "hearing": hearing.pk,
            "name": name,
            "party": party.pk if party else None,
            "hold_by": hearing.hold_by.isoformat() if hearing.hold_by else None,
        },
    )
    _audit("request_hearing", actor=actor, subject=request, case=case, summary=f"{name} 申请听证")
    return request


@transaction.atomic
def lapse_hearing(hearing: Hearing, *, actor: User, on: datetime.date | None = None) -> Hearing:
    """Nobody asked within the five days: the right was not exercised, and the review goes on."""
    case, hearing = _hearing_locked(hearing)
    _require_reviewing_staff(actor, case)
    _state_is(hearing, Hearing.HearingState.NOTIFIED)
    on = on or today()
    assert hearing.request_due is not None
    if on <= hearing.request_due:
        raise InvalidTransition(
            _("申请听证的期限尚未届满（{date}），不能确认未申请").format(
                date=f"{hearing.request_due:%Y年%-m月%-d日}"
            )
        )
    hearing.state, hearing.lapsed_on = Hearing.HearingState.LAPSED, on
    hearing.save(update_fields=["state", "lapsed_on"])
    _event(case, "lapse_hearing", actor=actor, on=on, data={"hearing": hearing.pk})
    _audit("lapse_hearing", actor=actor, subject=hearing, case=case, summary="期限内未申请听证")
    return hearing


# --- holding the hearing (第四十八条) ---------------------------------------------------------


def _require_presiding(
    presiding: "AuthUser | None", case: Case, hearing: Hearing, field: str = "presiding"
) -> None:
    problem = presiding_problem(presiding, case, hearing)
    if problem:
        fail_fields({field: [problem]})


@transaction.atomic
def schedule_hearing(
    hearing: Hearing,
    *,
    actor: User,
    starts_at: datetime.datetime | None,
    place: str,
    presiding: "AuthUser | None",
    on: datetime.date | None = None,
) -> Hearing:
    """Set the time, place and presiding officer (one who did not review the case), and tell
    the applicant and every party (举行听证通知书, one each) at least 7 working days before,
    within the 20 working days after the request; a hearing of public interest is announced to
    the public too. The case is suspended for the hearing (第四十五条) from this day."""
    case, hearing = _hearing_locked(hearing)
    _require_reviewing_staff(actor, case)
    _state_is(hearing, Hearing.HearingState.REQUESTED)
    if case.state != State.ACCEPTED:
        raise InvalidTransition(_("办件正在中止中，请先恢复办理再安排听证"))
    on = _on(on, case)
    cal = current_calendar()
    errors: dict[str, list] = {}
    if not str(place or "").strip():
        errors["place"] = [_("请填写举行听证的地点")]
    if not isinstance(starts_at, datetime.datetime):
        errors["starts_at"] = [_("请填写举行听证的时间")]
    else:
        if timezone.is_naive(starts_at):
            starts_at = timezone.make_aware(starts_at, timezone.get_default_timezone())
        held = timezone.localtime(starts_at, timezone.get_default_timezone()).date()
        earliest = rules.earliest_hearing_day(cal, on)
        if held < earliest:
            errors["starts_at"] = [
                _(
                    "应当于举行听证的七个工作日前通知（第四十八条第一款第（一）项），今天通知最早可定于{date}"
                ).format(date=f"{earliest:%Y年%-m月%-d日}")
            ]
        elif hearing.hold_by is not None and held > hearing.hold_by:
            errors["starts_at"] = [
                _(
                    "应当于收到听证申请之日起二十个工作日内组织听证（第四十七条第一款），最迟{date}"
                ).format(date=f"{hearing.hold_by:%Y年%-m月%-d日}")
            ]
        elif not cal.is_workday(held):
            errors["starts_at"] = [_("听证应在工作日举行")]
    problem = presiding_problem(presiding, case, hearing)
    if problem:
        errors["presiding"] = [problem]
    fail_fields(errors)
    # presiding_problem refused a missing officer, and a missing time was refused above.
    assert presiding is not None and starts_at is not None
    hearing.starts_at, hearing.place, hearing.presiding = starts_at, str(place).strip(), presiding
    hearing.scheduled_on, hearing.state = on, Hearing.HearingState.SCHEDULED
    hearing.save(update_fields=["starts_at", "place", "presiding", "scheduled_on", "state"])
    _notify_each(
        case,
        "schedule_hearing",
        actor=actor,
        on=on,
        notice_due="hearing_notice",
        data=_notice_data(hearing),
    )
    _audit(
        "schedule_hearing",
        actor=actor,
        subject=hearing,
        case=case,
        summary=f"定于{held.isoformat()}在{hearing.place}举行听证",
        data={"presiding": presiding.pk},
    )
    case_actions.suspend(
        case,
        actor=actor,
        kind=SpecialProcedure.Kind.HEARING,
        reason=str(_("举行听证：{matter}")).format(matter=hearing.matter),
        expected_days=rules.working_days_until(cal, on, held),
        on=on,
        ordered_hearing=hearing.is_public
        and SpecialProcedure.Kind.HEARING not in guide_procedures(case),
    )
    return hearing


def _notice_data(hearing: Hearing) -> dict:
    assert hearing.starts_at is not None and hearing.presiding is not None
    presiding = getattr(getattr(hearing.presiding, "staff", None), "display_name", "") or (
        hearing.presiding.get_full_name() or hearing.presiding.get_username()
    )
    return {
        "hearing": hearing.pk,
        "matter": hearing.matter,
        "starts_at": timezone.localtime(hearing.starts_at, timezone.get_default_timezone())
        .replace(tzinfo=None)
        .isoformat(timespec="minutes"),
        "place": hearing.place,
        "presiding": presiding,
        "public": hearing.is_public,
        "basis": rules.PROCEDURE_BASIS,
    }


@transaction.atomic
def request_avoidance(
    hearing: Hearing,
    *,
    actor: User,
    reason: str,
    party: InterestedParty | None = None,
    on: datetime.date | None = None,
) -> AvoidanceRequest:
    """第四十八条第一款第（三）项: the applicant or a party thinks the presiding officer has a
    direct interest in the matter and asks for their avoidance, before the hearing is held."""
    case, hearing = _hearing_locked(hearing)
    _channel, on = _speaker(actor, case, party, on)
    _state_is(hearing, Hearing.HearingState.SCHEDULED)
    _required(reason=reason)
    if AvoidanceRequest.objects.filter(
        hearing=hearing, decision=AvoidanceRequest.Decision.PENDING
    ).exists():
        raise InvalidTransition(_("已有待决定的回避申请"))
    name = party.name if party is not None else case.applicant.name
    avoidance = AvoidanceRequest.objects.create(
        hearing=hearing,
        requester_name=name,
        party=party,
        presiding=_presiding(hearing),
        reason=str(reason).strip(),
        requested_on=on,
    )
    _event(
        case,
        "request_avoidance",
        actor=actor,
        on=on,
        data={"hearing": hearing.pk, "name": name, "avoidance": avoidance.pk},
    )
    _audit(
        "request_avoidance",
        actor=actor,
        subject=avoidance,
        case=case,
        summary=f"{name} 申请主持人回避",
    )
    return avoidance


@transaction.atomic
def decide_avoidance(
    avoidance: AvoidanceRequest,
    *,
    actor: User,
    granted: bool,
    reason: str,
    replacement: "AuthUser | None" = None,
    on: datetime.date | None = None,
) -> AvoidanceRequest:
    """The bureau's head (a signatory of the region) decides; a granted avoidance names the new
    presiding officer (held to the same rule), and everyone is told again who presides."""
    case, hearing = _hearing_locked(avoidance.hearing)
    require_case_role(actor, case, Role.SIGNATORY)
    avoidance = AvoidanceRequest.objects.select_for_update(of=("self",)).get(pk=avoidance.pk)
    if avoidance.decision != AvoidanceRequest.Decision.PENDING:
        raise InvalidTransition(_("该回避申请已决定"))
    _state_is(hearing, Hearing.HearingState.SCHEDULED)
    _required(reason=reason)
    if granted:
        if replacement is None:
            fail_fields({"replacement": [_("准予回避的，请指定新的听证主持人")]})
        elif replacement.pk == avoidance.presiding_id:
            fail_fields({"replacement": [_("新的听证主持人不能是被申请回避的人员")]})
        _require_presiding(replacement, case, hearing, field="replacement")
    on = on or today()
    avoidance.decision = (
        AvoidanceRequest.Decision.GRANTED if granted else AvoidanceRequest.Decision.REFUSED
    )
    avoidance.decision_reason, avoidance.decided_on, avoidance.decided_by = (
        str(reason).strip(),
        on,
        stored_user(actor),
    )
    avoidance.replacement = replacement if granted else None
    avoidance.save(
        update_fields=["decision", "decision_reason", "decided_on", "decided_by", "replacement"]
    )
    _event(
        case,
        "decide_avoidance",
        actor=actor,
        on=on,
        data={"hearing": hearing.pk, "avoidance": avoidance.pk, "granted": bool(granted)},
    )
    if granted:
        hearing.presiding = replacement
        hearing.save(update_fields=["presiding"])
        _notify_each(
            case,
            "schedule_hearing",
            actor=actor,
            on=on,
            notice_due="hearing_notice",
            data=_notice_data(hearing),
        )
    _audit(
        "decide_avoidance",
        actor=actor,
        subject=avoidance,
        case=case,
        summary=("准予回避" if granted else "驳回回避申请"),
        data={"replacement": getattr(replacement, "pk", None)},
    )
    return avoidance


def _statement_rows(
    case: Case, statements: Iterable[dict[str, Any]]
) -> tuple[list[Statement], dict]:
    rows: list[Statement] = []
    errors: dict[str, list] = {}
    parties = {p.pk: p for p in case.interested_parties.all()}
    users = get_user_model().objects
    for i, raw in enumerate(statements):
        role = raw.get("role")
        text = str(raw.get("text") or "").strip()
        name = str(raw.get("name") or "").strip()
        party = user = None
        if role not in Statement.Role.values:
            errors[f"statements.{i}.role"] = [_("请选择参加人身份")]
        elif role == Statement.Role.APPLICANT:
            name = name or case.applicant.name
        elif role == Statement.Role.PARTY:
            party_pk: Any = raw.get("party")
            party = parties.get(party_pk)
            if party is None:
                errors[f"statements.{i}.party"] = [_("请选择本办件的利害关系人")]
            else:
                name = party.name
        elif role == Statement.Role.REVIEWER:
            user = (
                users.filter(pk=raw.get("user") or 0, staff__isnull=False)
                .select_related("staff")
                .first()
            )
            if (
                user is None
                or not has_role(user, Role.REVIEWER, case.region)
                and not has_role(user, Role.SIGNATORY, case.region)
            ):
                errors[f"statements.{i}.user"] = [_("请选择提出审查意见的审查人员")]
            else:
                name = user.staff.display_name
        if not name:
            errors[f"statements.{i}.name"] = [_("请填写参加人姓名")]
        elif problem := name_problem(name):
            errors[f"statements.{i}.name"] = [problem]
        if not text:
            errors[f"statements.{i}.text"] = [_("请填写陈述内容")]
        rows.append(
            Statement(order=i + 1, role=role or "", name=name, party=party, user=user, text=text)
        )
    if not rows:
        errors["statements"] = [_("听证笔录至少应有一名参加人的陈述")]
    return rows, errors


@transaction.atomic
def record_hearing(
    hearing: Hearing,
    *,
    actor: User,
    statements: Iterable[dict[str, Any]],
    summary: str = "",
    held_on: datetime.date | None = None,
) -> HearingRecord:
    """The presiding officer writes the hearing record (听证笔录): each participant's statement
    (the reviewer's evidence and reasons, the applicant's and parties' evidence, defence and
    cross-examination). Each participant then signs their part (`sign_statement`)."""
    case, hearing = _hearing_locked(hearing)
    _state_is(hearing, Hearing.HearingState.SCHEDULED)
    if getattr(actor, "pk", None) != hearing.presiding_id:
        raise NotPermitted(_("只有本次听证的主持人可以制作听证笔录"))
    if AvoidanceRequest.objects.filter(
        hearing=hearing, decision=AvoidanceRequest.Decision.PENDING
    ).exists():
        raise InvalidTransition(_("回避申请尚未决定，不能举行听证"))
    held_on = held_on or today()
    assert hearing.starts_at is not None
    starts = timezone.localtime(hearing.starts_at, timezone.get_default_timezone()).date()
    rows, errors = _statement_rows(case, list(statements))
    if held_on > today():
        errors["held_on"] = [_("听证尚未举行，不能预先制作笔录")]
    elif held_on < starts:
        errors["held_on"] = [
            _("听证定于{date}举行，不能早于该日").format(date=f"{starts:%Y年%-m月%-d日}")
        ]
    fail_fields(errors)
    record_row = HearingRecord.objects.create(
        hearing=hearing,
        held_on=held_on,
        place=hearing.place,
        summary=str(summary or "").strip(),
        recorded_by=stored_user(actor),
    )
    for row in rows:
        row.record = record_row
    Statement.objects.bulk_create(rows)
    hearing.state = Hearing.HearingState.RECORDED
    hearing.save(update_fields=["state"])
    _event(
        case,
        "record_hearing",
        actor=actor,
        on=held_on,
        data={
            "hearing": hearing.pk,
            "record": record_row.pk,
            "participants": [r.name for r in rows],
        },
    )
    _audit(
        "record_hearing",
        actor=actor,
        subject=record_row,
        case=case,
        summary=f"听证笔录（{len(rows)}名参加人）",
    )
    return record_row


def _may_sign_online(actor: User, case: Case, statement: Statement) -> bool:
    if statement.role == Statement.Role.APPLICANT:
        return acts_for(actor, case.applicant)
    if statement.role == Statement.Role.PARTY:
        party = statement.party
        return (
            party is not None and party.applicant is not None and acts_for(actor, party.applicant)
        )
    if statement.role == Statement.Role.REVIEWER:
        return statement.user_id == getattr(actor, "pk", None)
    return False


@transaction.atomic
def sign_statement(
    statement: Statement,
    *,
    actor: User,
    in_person: bool = False,
    on: datetime.date | None = None,
) -> Statement:
    """A participant confirms their statement as recorded: online in their own account (today),
    or on the paper record in front of the presiding officer, who records that they signed and
    on which day (`on`, not before the hearing)."""
    hearing = statement.record.hearing
    case, hearing = _hearing_locked(hearing)
    statement = (
        Statement.objects.select_for_update(of=("self",))
        .select_related("party__applicant", "record")
        .get(pk=statement.pk)
    )
    if in_person:
        if getattr(actor, "pk", None) != hearing.presiding_id:
            raise NotPermitted(_("当场签字由听证主持人登记"))
    elif not _may_sign_online(actor, case, statement):
        raise NotPermitted()
    _state_is(hearing, Hearing.HearingState.RECORDED)
    if statement.signed_at is not None:
        raise InvalidTransition(_("{name}已签字确认").format(name=statement.name))
    held_on = statement.record.held_on
    if on is not None and not in_person and on != today():
        fail_fields({"on": [_("网上确认的日期为确认当天")]})
    on = on or today()
    if on < held_on:
        fail_fields({"on": [_("签字日期不能早于举行听证的日期")]})
    statement.signed_at = timezone.now()
    statement.signed_how = (
        Statement.SignedHow.IN_PERSON if in_person else Statement.SignedHow.ONLINE
    )
    statement.signed_by = stored_user(actor)
    statement.save(update_fields=["signed_at", "signed_how", "signed_by"])
    _event(
        case,
        "sign_hearing_record",
        actor=actor,
        on=on,
        data={
            "hearing": hearing.pk,
            "statement": statement.pk,
            "name": statement.name,
            "how": statement.signed_how,
        },
    )
    _audit(
        "sign_statement",
        actor=actor,
        subject=statement,
        case=case,
        summary=f"{statement.name} 签字确认听证笔录",
    )
    return statement


@transaction.atomic
def close_hearing(hearing: Hearing, *, actor: User, on: datetime.date | None = None) -> Hearing:
    """Every participant signed: the hearing is held, its record is what the decision rests on
    (第四十八条第二款), and the case's clocks run again from the day it was held — the time
    from the announcement to the hearing is all that was left out (第四十五条)."""
    case, hearing = _hearing_locked(hearing)
    _state_is(hearing, Hearing.HearingState.RECORDED)
    if getattr(actor, "pk", None) != hearing.presiding_id:
        raise NotPermitted(_("只有本次听证的主持人可以结束听证"))
    record_row = hearing.record
    unsigned = [s.name for s in record_row.statements.filter(signed_at__isnull=True)]
    fail_blockers([_("{name}尚未签字确认听证笔录").format(name=name) for name in unsigned])
    on = on or today()
    hearing.state, hearing.held_on = Hearing.HearingState.HELD, record_row.held_on
    hearing.save(update_fields=["state", "held_on"])
    record_row.closed_on = on
    record_row.save(update_fields=["closed_on"])
    _event(
        case,
        "close_hearing",
        actor=actor,
        on=on,
        data={
            "hearing": hearing.pk,
            "record": record_row.pk,
            "held_on": record_row.held_on.isoformat(),
        },
    )
    _audit("close_hearing", actor=actor, subject=hearing, case=case, summary="听证结束，笔录已签字")
    if (
        case.state == State.SUSPENDED
        and case.suspensions.filter(
            resumed_on__isnull=True, kind=SpecialProcedure.Kind.HEARING
        ).exists()
    ):
        case_actions.resume(case, actor=actor, on=record_row.held_on)
    return hearing
