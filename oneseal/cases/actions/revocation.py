"""Revoking a licence (《行政许可法》第六十九条) as a procedure, not a click.

1. **Proposal.** A reviewer or signatory proposes on the bureau's own finding; a department's
   request (linkage), a false commitment (`commitment.verify_commitment`) and a broken
   tolerated-acceptance promise (the worker, where the handling item's rule is "revoke") start
   one the same way. It states the facts, the grounds and the legal basis. Its event calls for
   the 撤销行政许可告知书 (`notice_due="revocation_notice"`), issued through the documents app.
2. **Notification.** The window records the day the notice reached the holder (it must have been
   issued); the period for views runs from then: `VIEWS_DAYS` working days (第八十二条: the
   law's periods are working days) after that day, by the calendar.
3. **Views (陈述、申辩, 第七条).** The holder submits them online (their own licence only), or
   staff record what was said or written at the window. Where the proposer marked the matter as
   one of 第四十七条 (a major interest between the holder and others), the holder may ask for a
   hearing; a signatory may then decide only after the hearing is recorded.
4. **Decision.** Only when views are in or the period has passed may a signatory of the case's
   region decide: revoke (the licence is revoked, the 撤销行政许可决定书 is due — it cites the
   basis and the remedies and names the bureau, no individual — and the decision is pushed to
   the supervising department) or not revoke. A signatory may also withdraw the proposal.

Why five working days: the Licensing Law sets no period for views on a revocation. 第四十七条
gives five days to ask for a hearing once told of the right, and 《行政处罚法》第六十四条 the
same five days; a shorter period for views than for a hearing request would make no sense, and
working days follow 第八十二条. A proposal may set a longer period (up to `MAX_VIEWS_DAYS`).

Every step is an event on the licence's case (hash-chained, the case's audit trail) and bumps
the case's version; none changes the case's own state.
"""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from oneseal.actors import Actor, User, stored_user
from oneseal.calendars.queries import today
from oneseal.errors import NotPermitted, fail_blockers, fail_fields
from oneseal.linkage.push_records import close_revocation_request, push_decision
from oneseal.organisation.models import Department, Role
from oneseal.organisation.rules import has_role

from .. import rules
from ..models import OPEN_PROPOSAL_STATES, Case, CaseEvent, Licence, RevocationProposal
from ..queries import licence_of
from ._base import append_event, calendar, lock, move, require_case_role
from .review import is_own_applicant

Proposal = RevocationProposal
Grounds = RevocationProposal.Grounds
ProposalState = RevocationProposal.ProposalState

VIEWS_DAYS = 5
MAX_VIEWS_DAYS = 30
REVOCATION_BASIS = "《中华人民共和国行政许可法》第六十九条"
# The basis each path states unless the proposer names a more precise one.
DEFAULT_BASIS: dict[str, str] = {
    Grounds.DEPARTMENT_REQUEST: "《中华人民共和国行政许可法》第六十九条第一款",
    Grounds.OWN_FINDING: "《中华人民共和国行政许可法》第六十九条第一款",
    Grounds.FALSE_COMMITMENT: "《中华人民共和国行政许可法》第六十九条第二款",
    Grounds.BROKEN_PROMISE: REVOCATION_BASIS,
}
REVOCABLE_LICENCE_STATES = (Licence.LicenceState.VALID, Licence.LicenceState.HELD)


def _record(
    case: Case,
    action: str,
    *,
    actor: "User | None",
    on: datetime.date,
    reason: str = "",
    data: dict | None = None,
    notice_due: str = "",
) -> CaseEvent:
    """An event that keeps the case's state; the version moves so a stale page conflicts."""
    case.lock_version += 1
    case.save(update_fields=["lock_version"])
    return append_event(
        case,
        action=action,
        actor=actor,
        from_state=case.state,
        on=on,
        reason=reason,
        data=data,
        notice_due=notice_due,
    )


def open_proposal(case: Case) -> RevocationProposal | None:
    """The procedure running on this case, if any: its steps are recorded on the case it was
    proposed from (any case of the licence; see `propose_revocation_blockers`)."""
    return (
        RevocationProposal.objects.filter(case=case, state__in=OPEN_PROPOSAL_STATES)
        .select_related("licence")
        .first()
    )


def _locked_open_proposal(case: Case) -> RevocationProposal:
    proposal = (
        RevocationProposal.objects.select_for_update()
        .filter(case=case, state__in=OPEN_PROPOSAL_STATES)
        .select_related("licence")
        .first()
    )
    if proposal is None:
        fail_blockers([_("该证照没有进行中的撤销程序")])
    assert proposal is not None  # fail_blockers raised
    return proposal


# --- 1. proposal ------------------------------------------------------------------------------


def propose_revocation_blockers(case: Case) -> list[str]:
    out = rules.transition_blockers("revoke_licence", case.state)
    licence = licence_of(case)
    if licence is None:
        return out + [_("该办件没有证照")]
    if licence.state not in REVOCABLE_LICENCE_STATES:
        out.append(
            _("证照{number}当前状态为“{state}”，不能撤销").format(
                number=licence.number, state=licence.get_state_display()
            )
        )
    # One procedure per licence, whichever of its cases (the 新办 that issued it, a 变更 or 延续
    # that changed it) it was started from.
    current = (
        RevocationProposal.objects.filter(licence=licence, state__in=OPEN_PROPOSAL_STATES)
        .select_related("case")
        .first()
    )
    if current is not None:
        out.append(
            _("证照{number}已于{date}启动撤销程序（{state}）").format(
                number=licence.number,
                date=date_format(current.proposed_on, "DATE_FORMAT"),
                state=current.get_state_display(),
            )
        )
        if current.case_id != case.pk:
            out.append(_("该撤销程序在办件{case}中进行").format(case=current.case.number))
    return out


def start_proposal(
    case: Case,
    *,
    actor: "Actor | None",
    grounds: str,
    facts: str,
    basis: str = "",
    on: datetime.date,
    hearing_right: bool = False,
    views_days: int = VIEWS_DAYS,
    department: Department | None = None,
) -> RevocationProposal:
    """Open the procedure on the case's licence; the caller holds the case lock and has
    checked the actor (a reviewer or signatory, the verifier of a commitment, a signatory
    deciding a department's request, or the worker). Its event calls for the notice."""
    fail_blockers(propose_revocation_blockers(case))
    errors = {}
    if grounds not in Grounds.values:
        errors["grounds"] = [_("请选择撤销事由")]
    if not str(facts or "").strip():
        errors["facts"] = [_("请写明拟撤销的事实和理由")]
    if (
        isinstance(views_days, bool)
        or not isinstance(views_days, int)
        or not VIEWS_DAYS <= views_days <= MAX_VIEWS_DAYS
    ):
        errors["views_days"] = [
            _("陈述申辩期限应为{low}至{high}个工作日").format(low=VIEWS_DAYS, high=MAX_VIEWS_DAYS)
        ]
    fail_fields(errors)
    # The licence the case issued or acts on (cases.queries.licence_of), so a changed or renewed
    # licence is revoked as the licence from any of its cases.
    current = licence_of(case)
    assert current is not None  # propose_revocation_blockers: the case has a licence
    licence = Licence.objects.select_for_update().get(pk=current.pk)
    if on < licence.issued_on:
        fail_fields(
            {
                "on": [
                    _("日期不能早于发证日期{date}").format(
                        date=date_format(licence.issued_on, "DATE_FORMAT")
                    )
                ]
            }
        )
    basis = str(basis or "").strip() or DEFAULT_BASIS[grounds]
    facts = facts.strip().rstrip("。")
    proposal = RevocationProposal.objects.create(
        licence=licence,
        case=case,
        grounds=grounds,
        facts=facts,
        basis=basis,
        hearing_right=bool(hearing_right),
        views_days=views_days,
        proposed_on=on,
        proposed_by=stored_user(actor)
        if actor is not None and getattr(actor, "pk", None)
        else None,
        requesting_department=department,
    )
    _record(
        case,
        "propose_revocation",
        actor=actor,
        on=on,
        reason=facts,
        notice_due="revocation_notice",
        data={
            "proposal": proposal.pk,
            "licence": licence.number,
            "grounds": grounds,
            "facts": facts,
            "basis": basis,
            "views_days": views_days,
            "hearing_right": proposal.hearing_right,
            "department": str(department) if department else None,
        },
    )
    return proposal


@transaction.atomic
def propose_revocation(
    case: Case,
    *,
    actor: "User",
    facts: str,
    basis: str = "",
    hearing_right: bool = False,
    views_days: int = VIEWS_DAYS,
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> RevocationProposal:
    """The bureau's own finding (第六十九条第一款 or 第二款): a reviewer or signatory of the
    case's region proposes to revoke its licence."""
    case = lock(case, expected_version=expected_version)
    require_case_role(actor, case, Role.REVIEWER, Role.SIGNATORY)
    on = on or today()
    if on > today():
        fail_fields({"on": [_("日期不能晚于今天")]})
    return start_proposal(
        case,
        actor=actor,
        grounds=Grounds.OWN_FINDING,
        facts=facts,
        basis=basis,
        on=on,
        hearing_right=hearing_right,
        views_days=views_days,
    )


# --- 2. notification --------------------------------------------------------------------------


# A documents.Document or None (documents depends on cases, not the reverse).
def _notice_document(case: Case, proposal: RevocationProposal) -> Any:
    from oneseal.documents.models import Document, DocumentKind  # documents depends on cases

    return (
        Document.objects.filter(
            case=case,
            kind=DocumentKind.REVOCATION_NOTICE,
            state=Document.DocumentState.GENUINE,
            event__data__proposal=proposal.pk,
        )
        .order_by("-issued_at")
        .first()
    )


def notify_revocation_blockers(case: Case) -> list[str]:
    proposal = open_proposal(case)
    if proposal is None:
        return [_("该证照没有进行中的撤销程序")]
    if proposal.state != ProposalState.PROPOSED:
        assert proposal.notified_on is not None  # set on notifying
        return [
            _("已于{date}告知持证人").format(date=date_format(proposal.notified_on, "DATE_FORMAT"))
        ]
    if _notice_document(case, proposal) is None:
        return [_("请先出具撤销行政许可告知书")]
    return []


@transaction.atomic
def notify_revocation(
    case: Case,
    *,
    actor: "User",
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> RevocationProposal:
    """Record the day the notice reached the holder (送达). The period for views runs from
    then, in working days; the start day does not count (《民法典》第二百零一条)."""
    case = lock(case, expected_version=expected_version)
    require_case_role(actor, case, Role.CLERK, Role.REVIEWER, Role.SIGNATORY)
    fail_blockers(notify_revocation_blockers(case))
    proposal = _locked_open_proposal(case)
    notice = _notice_document(case, proposal)
    on = on or today()
    if on < notice.dated:
        fail_fields(
            {
                "on": [
                    _("送达日期不能早于告知书的成文日期{date}").format(
                        date=date_format(notice.dated, "DATE_FORMAT")
                    )
                ]
            }
        )
    if on > today():
        fail_fields({"on": [_("日期不能晚于今天")]})
    due = calendar().add(on, proposal.views_days)
    proposal.state, proposal.notified_on = ProposalState.NOTIFIED, on
    proposal.views_due, proposal.views_due_provisional = due.date, due.provisional
    proposal.save(update_fields=["state", "notified_on", "views_due", "views_due_provisional"])
    _record(
        case,
        "notify_revocation",
        actor=actor,
        on=on,
        data={
            "proposal": proposal.pk,
            "notice": notice.number,
            "views_due": due.date.isoformat(),
            "views_due_provisional": due.provisional,
            "views_days": proposal.views_days,
        },
    )
    return proposal


# --- 3. views ---------------------------------------------------------------------------------


def may_submit_views(actor: "User", case: Case) -> bool:
    """The holder themselves (their own licence only), or staff of the case's region recording
    what the holder said or wrote at the window."""
    return is_own_applicant(actor, case) or any(
        has_role(actor, role, case.region) for role in (Role.CLERK, Role.REVIEWER, Role.SIGNATORY)
    )


def submit_views_blockers(case: Case) -> list[str]:
    proposal = open_proposal(case)
    if proposal is None:
        return [_("该证照没有进行中的撤销程序")]
    if proposal.state == ProposalState.PROPOSED:
        return [_("撤销行政许可告知书尚未送达")]
    if proposal.state == ProposalState.VIEWS_RECEIVED:
        assert proposal.views_on is not None  # set with the views
        return [
            _("已于{date}提出陈述、申辩意见").format(
                date=date_format(proposal.views_on, "DATE_FORMAT")
            )
        ]
    return []


@transaction.atomic
def submit_revocation_views(
    case: Case,
    *,
    actor: "User",
    views: str,
    hearing_requested: bool = False,
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> RevocationProposal:
    """陈述、申辩 (第七条): the holder online, or staff at the window. Views that arrive after
    the period but before the decision are still taken, and marked late: the decision has not
    been made, and hearing them costs nothing the law protects."""
    case = lock(case, expected_version=expected_version)
    if not may_submit_views(actor, case):
        raise NotPermitted()
    fail_blockers(submit_views_blockers(case))
    proposal = _locked_open_proposal(case)
    on = on or today()
    errors = {}
    if not str(views or "").strip():
        errors["views"] = [_("请填写陈述、申辩意见")]
    if hearing_requested and not proposal.hearing_right:
        errors["hearing_requested"] = [_("该撤销事项未告知听证权利，不能申请听证")]
    # submit_views_blockers: the holder was notified, with a period for views
    assert proposal.notified_on is not None and proposal.views_due is not None
    if on < proposal.notified_on:
        errors["on"] = [
            _("日期不能早于告知书送达日期{date}").format(
                date=date_format(proposal.notified_on, "DATE_FORMAT")
            )
        ]
    elif on > today():
        errors["on"] = [_("日期不能晚于今天")]
    fail_fields(errors)
    online = is_own_applicant(actor, case)
    proposal.state, proposal.views, proposal.views_on = (
        ProposalState.VIEWS_RECEIVED,
        views.strip(),
        on,
    )
    proposal.views_channel = (
        Proposal.ViewsChannel.ONLINE if online else Proposal.ViewsChannel.WINDOW
    )
    proposal.views_recorded_by, proposal.hearing_requested = (
        stored_user(actor),
        bool(hearing_requested),
    )
    proposal.save(
        update_fields=[
            "state",
            "views",
            "views_on",
            "views_channel",
            "views_recorded_by",
            "hearing_requested",
        ]
    )
    _record(
        case,
        "submit_revocation_views",
        actor=actor,
        on=on,
        reason=proposal.views,
        data={
            "proposal": proposal.pk,
            "channel": proposal.views_channel,
            "late": on > proposal.views_due,
            "hearing_requested": proposal.hearing_requested,
        },
    )
    return proposal


def record_hearing_blockers(case: Case) -> list[str]:
    proposal = open_proposal(case)
    if proposal is None:
        return [_("该证照没有进行中的撤销程序")]
    if not proposal.hearing_requested:
        return [_("持证人没有申请听证")]
    if proposal.hearing_held_on is not None:
        return [
            _("已于{date}举行听证").format(
                date=date_format(proposal.hearing_held_on, "DATE_FORMAT")
            )
        ]
    return []


@transaction.atomic
def record_revocation_hearing(
    case: Case,
    *,
    actor: "User",
    held_on: datetime.date,
    record: str,
    expected_version: int | None = None,
) -> RevocationProposal:
    """第四十八条: the hearing the holder asked for was held; its record is kept on the
    proposal and the decision is made on it."""
    case = lock(case, expected_version=expected_version)
    require_case_role(actor, case, Role.REVIEWER, Role.SIGNATORY)
    fail_blockers(record_hearing_blockers(case))
    proposal = _locked_open_proposal(case)
    assert proposal.views_on is not None  # a hearing is asked for with the views
    errors = {}
    if not str(record or "").strip():
        errors["record"] = [_("请填写听证笔录摘要")]
    if not isinstance(held_on, datetime.date):
        errors["held_on"] = [_("请填写听证日期")]
    elif held_on < proposal.views_on:
        errors["held_on"] = [
            _("听证日期不能早于申请日期{date}").format(
                date=date_format(proposal.views_on, "DATE_FORMAT")
            )
        ]
    elif held_on > today():
        errors["held_on"] = [_("日期不能晚于今天")]
    fail_fields(errors)
    proposal.hearing_held_on, proposal.hearing_record = held_on, record.strip()
    proposal.save(update_fields=["hearing_held_on", "hearing_record"])
    _record(
        case,
        "record_revocation_hearing",
        actor=actor,
        on=held_on,
        reason=proposal.hearing_record,
        data={"proposal": proposal.pk},
    )
    return proposal


# --- 4. decision ------------------------------------------------------------------------------


def decide_revocation_blockers(case: Case, *, on: datetime.date) -> list[str]:
    """Views received (and the hearing held, when asked for), or the period passed: the day
    after `views_due` at the earliest, since the whole last day belongs to the holder."""
    proposal = open_proposal(case)
    if proposal is None:
        return [_("该证照没有进行中的撤销程序")]
    if proposal.state == ProposalState.PROPOSED:
        return [_("撤销行政许可告知书尚未送达持证人，不能作出决定")]
    out = []
    assert proposal.views_due is not None  # set on notifying
    if proposal.state == ProposalState.NOTIFIED and on <= proposal.views_due:
        out.append(
            _("陈述、申辩期限至{date}，期限届满前且未收到陈述、申辩意见，不能作出决定").format(
                date=date_format(proposal.views_due, "DATE_FORMAT")
            )
        )
    if proposal.hearing_requested and proposal.hearing_held_on is None:
        out.append(_("持证人已申请听证，听证后方可作出决定"))
    return out


def _close_department_request(
    proposal: RevocationProposal, *, actor: "User", revoked: bool, note: str, on: datetime.date
) -> None:
    """A department's request is answered by the decision on it (审管联动)."""
    if proposal.grounds != Grounds.DEPARTMENT_REQUEST:
        return
    close_revocation_request(proposal.licence, actor=actor, revoked=revoked, note=note, on=on)


def revoke_licence(
    case: Case,
    licence: Licence,
    *,
    actor: "Actor | None",
    reason: str,
    on: datetime.date,
    data: dict | None = None,
) -> Licence:
    """The decision of a revocation procedure (`revocation.decide_revocation`): the licence is
    revoked, the decision notice is due and the decision is pushed to the department."""
    licence.state, licence.revoked_on, licence.revocation_reason = (
        Licence.LicenceState.REVOKED,
        on,
        reason,
    )
    licence.save(update_fields=["state", "revoked_on", "revocation_reason"])
    event = move(
        case,
        "revoke_licence",
        actor=actor,
        on=on,
        reason=reason,
        notice_due="revocation",
        data={
            "licence": licence.number,
            "reason": reason,
            "remedies": rules.remedies(case.region.name),
            **(data or {}),
        },
    )
    push_decision(case, event, licence=licence)
    return licence


@transaction.atomic
def decide_revocation(
    case: Case,
    *,
    actor: "User",
    revoke: bool,
    reason: str,
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> RevocationProposal:
    """A signatory of the case's region decides. `reason` is the review of the holder's views
    (or why the licence stays); it goes into the decision notice without naming anyone."""
    case = lock(case, expected_version=expected_version)
    require_case_role(actor, case, Role.SIGNATORY)
    on = on or today()
    fail_blockers(decide_revocation_blockers(case, on=on))
    errors = {}
    if not isinstance(revoke, bool):
        errors["revoke"] = [_("请选择决定：撤销或不予撤销")]
    if not str(reason or "").strip():
        errors["reason"] = [_("请填写决定理由（对陈述、申辩意见的复核）")]
    if on > today():
        errors["on"] = [_("日期不能晚于今天")]
    fail_fields(errors)
    proposal = _locked_open_proposal(case)
    assert proposal.notified_on is not None  # decide_revocation_blockers: the holder was notified
    reason = reason.strip()
    proposal.decided_on, proposal.decided_by, proposal.decision_note = (
        on,
        stored_user(actor),
        reason,
    )
    if revoke:
        proposal.state = ProposalState.REVOKED
        licence = Licence.objects.select_for_update().get(pk=proposal.licence_id)
        revoke_licence(
            case,
            licence,
            actor=actor,
            reason=proposal.facts,
            on=on,
            data={
                "proposal": proposal.pk,
                "grounds": proposal.grounds,
                "basis": proposal.basis,
                "notified_on": proposal.notified_on.isoformat(),
                "views_on": proposal.views_on.isoformat() if proposal.views_on else None,
                "hearing_held_on": proposal.hearing_held_on.isoformat()
                if proposal.hearing_held_on
                else None,
                "review": reason,
            },
        )
    else:
        proposal.state = ProposalState.KEPT
        _record(
            case,
            "keep_licence",
            actor=actor,
            on=on,
            reason=reason,
            data={"proposal": proposal.pk, "licence": proposal.licence.number},
        )
    proposal.save(update_fields=["state", "decided_on", "decided_by", "decision_note"])
    _close_department_request(proposal, actor=actor, revoked=revoke, note=reason, on=on)
    return proposal


def withdraw_proposal_blockers(case: Case) -> list[str]:
    return [] if open_proposal(case) is not None else [_("该证照没有进行中的撤销程序")]


@transaction.atomic
def withdraw_revocation_proposal(
    case: Case,
    *,
    actor: "User",
    reason: str,
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> RevocationProposal:
    """A signatory ends the procedure without a decision (the grounds fell away, or it was
    started in error); the licence stays as it is."""
    case = lock(case, expected_version=expected_version)
    require_case_role(actor, case, Role.SIGNATORY)
    fail_blockers(withdraw_proposal_blockers(case))
    if not str(reason or "").strip():
        fail_fields({"reason": [_("请填写撤回理由")]})
    on = on or today()
    proposal = _locked_open_proposal(case)
    if on < proposal.proposed_on:
        fail_fields(
            {
                "on": [
                    _("日期不能早于提出日期{date}").format(
                        date=date_format(proposal.proposed_on, "DATE_FORMAT")
                    )
                ]
            }
        )
    proposal.state, proposal.decided_on, proposal.decided_by = (
        ProposalState.WITHDRAWN,
        on,
        stored_user(actor),
    )
    proposal.decision_note = reason.strip()
    proposal.save(update_fields=["state", "decided_on", "decided_by", "decision_note"])
    _record(
        case,
        "withdraw_revocation_proposal",
        actor=actor,
        on=on,
        reason=proposal.decision_note,
        data={"proposal": proposal.pk, "licence": proposal.licence.number},
    )
    _close_department_request(
        proposal, actor=actor, revoked=False, note=proposal.decision_note, on=on
    )
    return proposal


def proposals_ready_to_decide(
    cases: QuerySet[Case], *, today: datetime.date
) -> QuerySet[RevocationProposal]:
    """The signatory's queue: open proposals of these cases whose views are in (and hearing
    held when asked for), or whose period has passed."""
    from django.db.models import Q

    return (
        RevocationProposal.objects.filter(case__in=cases)
        .filter(
            Q(state=ProposalState.VIEWS_RECEIVED)
            | Q(state=ProposalState.NOTIFIED, views_due__lt=today)
        )
        .exclude(hearing_requested=True, hearing_held_on__isnull=True)
        .select_related("case__applicant", "licence")
        .order_by("views_due", "id")
    )
