"""Deciding, issuing and delivering (《行政许可法》第三十八条、第三十九条、第四十四条), withdrawal and
termination, and the promises of tolerated acceptance (容缺受理).

A signatory grants or denies. A grant issues a licence with a number that never repeats; the
licence is held while tolerated materials are outstanding where the handling item says so,
and its revocation is proposed (`revocation`) when a promise is broken where it says that. A denial states its reasons and the
applicant's remedies. A clerk delivers the licence by a channel the handling item offers.
"""

import datetime
import logging
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from oneseal.actors import Actor, User, stored_user
from oneseal.calendars.queries import today
from oneseal.catalogue.models import MissedPromiseRule, Variant
from oneseal.errors import NotPermitted, ValidationFailed, fail_blockers, fail_fields
from oneseal.linkage.push_records import push_decision
from oneseal.organisation.models import Bureau, Role
from oneseal.organisation.rules import has_role

from .. import decisions, rules
from ..models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseStep,
    Delivery,
    Licence,
    LicenceCounter,
    MissedPromise,
    RevocationProposal,
    State,
)
from ..queries import licence_of
from . import licences, revocation
from ._base import calendar, check, lock, move, require_case_role
from .commitment import commitment_grant_blockers, open_verification
from .intake import StoredFile, _store_file
from .review import (
    clock_floor,
    decision_step,
    ensure_steps,
    is_own_applicant,
    pending_review_blockers,
    require_filled,
    require_not_before,
    steps_after_decision,
    steps_of,
)

logger = logging.getLogger(__name__)

GRANT_BASIS = "《中华人民共和国行政许可法》第三十八条第一款"
DENIAL_BASIS = "《中华人民共和国行政许可法》第三十八条第二款"
DELIVERY_BASIS = "《中华人民共和国行政许可法》第四十四条"


def _next_licence_number(bureau: Bureau, year: int) -> str:
    counter, _created = LicenceCounter.objects.select_for_update().get_or_create(
        bureau=bureau, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return rules.licence_number(bureau.region.code, year, counter.last)


def outstanding_tolerated(case: Case) -> QuerySet[CaseMaterial]:
    """Tolerated materials the applicant has not supplied yet."""
    return case.materials.filter(
        status=CaseMaterial.Status.TOLERATED, supplied_on__isnull=True
    ).select_related("material")


def _decide_step(
    case: Case, *, actor: "Actor | None", on: datetime.date, outcome: str, opinion: str
) -> None:
    step = decision_step(ensure_steps(case))
    if step is not None and step.state == CaseStep.StepState.PENDING:
        step.state, step.done_by, step.done_on, step.outcome, step.opinion = (
            CaseStep.StepState.DONE,
            stored_user(actor) if actor is not None else None,
            on,
            outcome,
            opinion,
        )
        step.save(update_fields=["state", "done_by", "done_on", "outcome", "opinion"])


def _require_decider(actor: "User", case: Case) -> None:
    """A signatory of the case's region; when the decision step is assigned, that signatory."""
    require_case_role(actor, case, Role.SIGNATORY, delegable=True)
    step = decision_step(steps_of(case))
    if (
        step is not None
        and step.assignee_id is not None
        and step.assignee_id != getattr(actor, "pk", None)
    ):
        raise NotPermitted()


def _timeliness(case: Case, on: datetime.date) -> dict:
    # an accepted case, so both dates were set on acceptance
    assert case.promised_due is not None and case.statutory_due is not None
    return {
        "promised_due": case.promised_due.isoformat(),
        "statutory_due": case.statutory_due.isoformat(),
        "within_promised": on <= case.promised_due,
        "within_statutory": on <= case.statutory_due,
    }


# --- grant and deny -----------------------------------------------------------------------


def grant_blockers(case: Case, *, on: datetime.date) -> list[str]:
    """Every review step before the decision done (not for an instant item), no tolerated
    material overdue where the handling item revokes on a broken promise, and for a commitment
    item (告知承诺) the applicant's signed commitment."""
    out = rules.transition_blockers("grant", case.state) + pending_review_blockers(
        case, steps_of(case)
    )
    out += commitment_grant_blockers(case)
    out += licences.grant_blockers_on_licence(case, on)
    out += decisions.blockers(case, on=on)
    if case.handling_item.missed_promise_rule == MissedPromiseRule.REVOKE:
        for line in outstanding_tolerated(case).filter(promised_by__lt=on):
            assert line.promised_by is not None  # filtered on it
            out.append(
                _("容缺材料“{m}”承诺于{date}前补齐，逾期未补，不能准予许可").format(
                    m=line.material.name, date=date_format(line.promised_by, "DATE_FORMAT")
                )
            )
    return out


@transaction.atomic
def grant(
    case: Case,
    *,
    actor: "User",
    on: datetime.date | None = None,
    scope: str = "",
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    expected_version: int | None = None,
    hearing_record: int | None = None,
) -> Licence:
    """准予行政许可. A 新办 grant issues the licence with a new number; with tolerated materials
    outstanding and the item's rule "hold the licence", it is issued held until they arrive. A
    变更 / 延续 / 补证 / 注销 grant changes the licence the case names instead
    (`licences.apply_grant`): never a new licence. A grant on commitment (告知承诺) opens the
    verification of the commitment. Returns the licence."""
    case = lock(case, expected_version=expected_version)
    _require_decider(actor, case)
    on = on or today()
    fail_blockers(grant_blockers(case, on=on))
    cited = _cited(case, hearing_record)
    require_not_before(on, clock_floor(case))
    hi = case.handling_item
    held = (
        hi.missed_promise_rule == MissedPromiseRule.HOLD_LICENCE
        and outstanding_tolerated(case).exists()
    )
    if licences.acts_on_licence(hi):
        change = licences.apply_grant(
            case,
            actor=actor,
            on=on,
            scope=scope,
            valid_from=valid_from,
            valid_until=valid_until,
            held=held and hi.variant != Variant.CANCELLATION,
        )
        licence, version, notice, terms = (
            change.licence,
            change.version,
            change.notice_due,
            change.data,
        )
        held = licence.state == Licence.LicenceState.HELD
    else:
        require_filled(scope=scope)
        errors = {}
        if valid_from is None or valid_from < on:
            errors["valid_from"] = [
                _("有效期起始日不能早于决定日期{date}").format(date=date_format(on, "DATE_FORMAT"))
            ]
        elif valid_until is not None and valid_until <= valid_from:
            errors["valid_until"] = [_("有效期截止日须晚于起始日")]
        fail_fields(errors)
        assert valid_from is not None  # refused above
        licence = Licence.objects.create(
            number=_next_licence_number(case.bureau, on.year),
            verification_code=secrets.token_hex(16),
            case=case,
            name=hi.result_name or hi.item_version.name,
            holder=case.applicant,
            scope=scope.strip(),
            valid_from=valid_from,
            valid_until=valid_until,
            issued_on=on,
            issued_by=stored_user(actor),
            state=Licence.LicenceState.HELD if held else Licence.LicenceState.VALID,
        )
        version, notice = licences.first_version(licence, case), "grant"
        terms = {
            "licence": licence.number,
            "name": licence.name,
            "holder": case.applicant.name,
            "scope": licence.scope,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
        }
    _decide_step(
        case, actor=actor, on=on, outcome=CaseStep.Outcome.APPROVE, opinion=str(_("准予许可"))
    )
    due = rules.delivery_due(calendar(), on)
    verification = open_verification(case, decided_on=on)
    case.decided_on, case.delivery_due = on, due.date

    # before the licence document is issued with the act
    def link_version(event: CaseEvent) -> None:
        assert version is not None  # attached only when there is one
        version.event = event
        version.save(update_fields=["event"])

    event = move(
        case,
        "grant",
        actor=actor,
        on=on,
        notice_due=notice,
        update_fields=["decided_on", "delivery_due"],
        attach=link_version if version is not None else None,
        data={
            **terms,
            "held": held,
            "delivery_due": due.date.isoformat(),
            "delivery_due_provisional": due.provisional,
            "instant": hi.is_instant,
            "basis": GRANT_BASIS,
            **cited,
            **_timeliness(case, on),
            **({"basis": terms["basis"]} if "basis" in terms else {}),
            **(
                {
                    "verification_due": verification.due_on.isoformat(),
                    "verification_due_provisional": verification.due_provisional,
                }
                if verification
                else {}
            ),
        },
    )
    push_decision(case, event, licence=licence)
    return licence


def deny_blockers(case: Case, *, on: datetime.date | None = None) -> list[str]:
    return (
        rules.transition_blockers("deny", case.state)
        + pending_review_blockers(case, steps_of(case))
        + decisions.blockers(case, on=on or today())
    )


def _cited(case: Case, hearing_record: int | None) -> dict:
    """第四十八条第二款: after a hearing the decision rests on its record, and says so."""
    problems, data = decisions.cited(case, hearing_record)
    fail_blockers(problems, field="hearing_record")
    return data


@transaction.atomic
def deny(
    case: Case,
    *,
    actor: "User",
    on: datetime.date | None = None,
    reasons: str | Iterable[str] | None,
    expected_version: int | None = None,
    hearing_record: int | None = None,
) -> Case:
    """不予行政许可 (第三十八条第二款): the written decision states its reasons and the right to
    reconsideration within 60 days or a lawsuit within 6 months. The case closes with it."""
    case = lock(case, expected_version=expected_version)
    _require_decider(actor, case)
    fail_blockers(deny_blockers(case, on=on))
    cited = _cited(case, hearing_record)
    listed = [
        str(r).strip() for r in ([reasons] if isinstance(reasons, str) else list(reasons or []))
    ]
    listed = [r for r in listed if r]
    require_filled(reasons="".join(listed))
    on = on or today()
    require_not_before(on, clock_floor(case))
    text = "；".join(listed)
    _decide_step(case, actor=actor, on=on, outcome=CaseStep.Outcome.REJECT, opinion=text)
    case.decided_on = case.closed_on = on
    event = move(
        case,
        "deny",
        actor=actor,
        on=on,
        reason=text,
        notice_due="denial",
        update_fields=["decided_on", "closed_on"],
        data={
            "reasons": listed,
            "basis": DENIAL_BASIS,
            **cited,
            "remedies": rules.remedies(case.region.name),
            **_timeliness(case, on),
        },
    )
    push_decision(case, event)
    return case


# --- delivery -----------------------------------------------------------------------------

CHANNEL_OFFERED: dict[str, str] = {
    Delivery.DeliveryChannel.WINDOW: "deliver_at_window",
    Delivery.DeliveryChannel.POST: "deliver_by_post",
    Delivery.DeliveryChannel.ELECTRONIC: "deliver_electronically",
}


def deliver_blockers(case: Case) -> list[str]:
    out = rules.transition_blockers("deliver", case.state)
    # A denied change or renewal names the holder's licence, but hands none over: the denial
    # is its notice, served with the decision.
    licence = licence_of(case) if case.state != State.DENIED else None
    if licence is None or case.delivery_due is None:
        out.append(_("该办件没有需要送达的证照"))
    elif licence.state == Licence.LicenceState.HELD:
        names = "、".join(line.material.name for line in outstanding_tolerated(case))
        out.append(_("容缺材料（{names}）尚未补齐，证照暂缓发放").format(names=names))
    elif licence.state == Licence.LicenceState.REVOKED:
        out.append(_("证照已撤销，不能送达"))
    return out


@transaction.atomic
def deliver(
    case: Case,
    *,
    actor: "User",
    channel: str,
    on: datetime.date | None = None,
    tracking_number: str = "",
    expected_version: int | None = None,
) -> Delivery:
    """第四十四条: the licence reaches the applicant (window, post or electronically, as the
    handling item offers); whether that was within 10 working days of the decision is kept.
    The case closes."""
    case = lock(case, expected_version=expected_version)
    require_case_role(actor, case, Role.CLERK, delegable=True)
    fail_blockers(deliver_blockers(case))
    hi = case.handling_item
    if channel not in CHANNEL_OFFERED or not getattr(hi, CHANNEL_OFFERED[channel]):
        msg = _("该办理项提供的送达方式为：{channels}").format(
            channels="、".join(hi.delivery_channels) or _("无")
        )
        raise ValidationFailed(msg, fields={"channel": [msg]})
    tracking_number = (tracking_number or "").strip()
    if channel == Delivery.DeliveryChannel.POST and not tracking_number:
        raise ValidationFailed(fields={"tracking_number": [_("邮寄送达须填写邮件单号")]})
    on = on or today()
    require_not_before(on, case.decided_on)
    licence = licence_of(case)
    # deliver_blockers: a decided case with its licence
    assert licence is not None and case.delivery_due is not None
    within = on <= case.delivery_due
    delivery = Delivery.objects.create(
        case=case,
        licence=licence,
        channel=channel,
        on=on,
        tracking_number=tracking_number,
        within_due=within,
        delivered_by=stored_user(actor),
    )
    # Steps after the decision (issuing, handing out) are what this delivery does.
    for step in steps_after_decision(ensure_steps(case)):
        if step.state == CaseStep.StepState.PENDING:
            step.state, step.done_by, step.done_on = (
                CaseStep.StepState.DONE,
                stored_user(actor),
                on,
            )
            step.outcome, step.opinion = (
                CaseStep.Outcome.APPROVE,
                str(Delivery.DeliveryChannel(channel).label),
            )
            step.save(update_fields=["state", "done_by", "done_on", "outcome", "opinion"])
    case.closed_on = on
    move(
        case,
        "deliver",
        actor=actor,
        on=on,
        update_fields=["closed_on"],
        data={
            "licence": licence.number,
            "channel": channel,
            "tracking_number": tracking_number,
            "delivery_due": case.delivery_due.isoformat(),
            "within_due": within,
            "basis": DELIVERY_BASIS,
        },
    )
    return delivery


# --- withdrawal and termination -----------------------------------------------------------


def withdraw_blockers(case: Case) -> list[str]:
    out = rules.transition_blockers("withdraw", case.state)
    if case.state == State.GRANTED:
        out.append(_("已作出准予许可决定，不能撤回申请；如需放弃许可，请申请注销"))
    return out


@transaction.atomic
def withdraw(
    case: Case,
    *,
    actor: "User",
    reason: str,
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """The applicant withdraws the application: online themselves, or on paper recorded by a
    clerk. The case closes."""
    case = lock(case, expected_version=expected_version)
    if not (is_own_applicant(actor, case) or has_role(actor, Role.CLERK, case.region)):
        raise NotPermitted()
    fail_blockers(withdraw_blockers(case))
    require_filled(reason=reason)
    on = on or today()
    require_not_before(on, case.received_on)
    case.closed_on = on
    move(
        case,
        "withdraw",
        actor=actor,
        on=on,
        reason=reason.strip(),
        notice_due="withdrawal",
        update_fields=["closed_on"],
        data={"reason": reason.strip(), "by_applicant": is_own_applicant(actor, case)},
    )
    return case


def terminate_blockers(case: Case) -> list[str]:
    out = rules.transition_blockers("terminate", case.state)
    licence = Licence.objects.filter(case=case).first()
    if licence is not None and licence.state == Licence.LicenceState.VALID:
        out.append(
            _("证照{number}已生效，不能终止办件；如需撤销请依法办理").format(number=licence.number)
        )
    elif case.target_licence_id is not None and case.decided_on is not None:
        assert case.target_licence is not None
        out.append(
            _("已就证照{number}作出决定，不能终止办件").format(number=case.target_licence.number)
        )
    return out


@transaction.atomic
def terminate(
    case: Case,
    *,
    actor: "User",
    reason: str,
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """The bureau ends the case (e.g. the applicant died or was dissolved). A licence held back
    for outstanding materials is void with it."""
    case = lock(case, expected_version=expected_version)
    require_case_role(actor, case, Role.SIGNATORY)
    fail_blockers(terminate_blockers(case))
    require_filled(reason=reason)
    on = on or today()
    require_not_before(on, case.received_on)
    # Only a licence this case issued is void with it; one it acts on stays as it was.
    licence = Licence.objects.filter(case=case).first()
    voided = None
    if licence is not None and licence.state == Licence.LicenceState.HELD:
        licence.state, licence.revoked_on, licence.revocation_reason = (
            Licence.LicenceState.REVOKED,
            on,
            reason.strip(),
        )
        licence.save(update_fields=["state", "revoked_on", "revocation_reason"])
        voided = licence.number
    case.closed_on = on
    move(
        case,
        "terminate",
        actor=actor,
        on=on,
        reason=reason.strip(),
        notice_due="termination",
        update_fields=["closed_on"],
        data={"reason": reason.strip(), "licence_voided": voided},
    )
    return case


# --- tolerated materials ------------------------------------------------------------------


@transaction.atomic
def supply_tolerated_material(
    case: Case,
    line: Any,  # a CaseMaterial, or its pk as the API and forms give it
    *,
    actor: "User",
    upload: "File | StoredFile | None" = None,
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """The applicant supplies a material accepted as missing on a promise (容缺受理), with its
    file or the window's scan: checked and stored on the line as every upload is, so what was
    promised is on file. Refused under `file` without one. When the last one arrives a licence
    held for them is released."""
    case = lock(case, expected_version=expected_version)
    if not (is_own_applicant(actor, case) or has_role(actor, Role.CLERK, case.region)):
        raise NotPermitted()
    check("supply_tolerated_material", case)
    line_pk = getattr(line, "pk", line)
    row = case.materials.select_for_update().filter(pk=line_pk).first()
    if row is None or row.status != CaseMaterial.Status.TOLERATED or row.supplied_on is not None:
        msg = _("该材料不是待补齐的容缺材料")
        raise ValidationFailed(msg, fields={"line": [msg]})
    on = on or today()
    require_not_before(on, case.accepted_on)
    if upload is None:
        msg = _("请上传补齐材料的文件或扫描件")
        raise ValidationFailed(msg, fields={"file": [msg]})
    _store_file(case, row, actor=actor, upload=upload, on=on)
    row.supplied_on = on
    row.save(update_fields=["supplied_on"])
    licence = licence_of(case)
    released = None
    if (
        licence is not None
        and licence.state == Licence.LicenceState.HELD
        and not outstanding_tolerated(case).exists()
    ):
        licence.state, licence.released_on = Licence.LicenceState.VALID, on
        licence.save(update_fields=["state", "released_on"])
        released = licence.number
    assert row.promised_by is not None  # a tolerated material is accepted on a promised date
    move(
        case,
        "supply_tolerated_material",
        actor=actor,
        on=on,
        data={
            "line": row.pk,
            "material": row.material.name,
            "promised_by": row.promised_by.isoformat(),
            "late": on > row.promised_by,
            "licence_released": released,
        },
    )
    return case


def _overdue_lines(today: datetime.date) -> QuerySet[CaseMaterial]:
    return CaseMaterial.objects.filter(
        status=CaseMaterial.Status.TOLERATED,
        supplied_on__isnull=True,
        promised_by__lt=today,
        missed_promise__isnull=True,
        case__state__in=rules.sources("promise_overdue"),
    )


@transaction.atomic
def _apply_missed_promises(case_id: int, today: datetime.date) -> list[MissedPromise]:
    case = lock(Case(pk=case_id))
    lines = list(_overdue_lines(today).filter(case=case).select_related("material"))
    if not lines:
        return []
    rule = case.handling_item.missed_promise_rule
    # A change or renewal not yet granted has not touched the licence it names: its promise
    # blocks its own grant, not the licence.
    licence = (
        licence_of(case) if case.target_licence_id is None or case.decided_on is not None else None
    )
    missed = [
        MissedPromise.objects.create(
            case_material=line, noticed_on=today, rule=rule, licence=licence
        )
        for line in lines
    ]
    names = "、".join(line.material.name for line in lines)
    # Where the item's rule is "revoke", the worker starts the revocation procedure; the
    # holder is heard before a signatory decides, as on every other path (第六十九条).
    proposing = (
        rule == MissedPromiseRule.REVOKE
        and licence is not None
        and not revocation.propose_revocation_blockers(case)
    )
    move(
        case,
        "promise_overdue",
        actor=None,
        on=today,
        reason=_("容缺材料（{names}）逾期未补齐").format(names=names),
        data={
            "lines": [
                {
                    "line": line.pk,
                    "material": line.material.name,
                    "promised_by": line.promised_by.isoformat(),  # type: ignore[union-attr]
                }
                for line in lines
            ],
            "rule": rule,
            "licence": licence.number if licence else None,
            "licence_state": licence.state if licence else None,
            "revocation_proposed": proposing,
        },
    )
    if proposing:
        promised = "、".join(
            f"{line.material.name}（{line.promised_by.isoformat()}前）"  # type: ignore[union-attr]
            for line in lines
        )
        revocation.start_proposal(
            case,
            actor=None,
            grounds=RevocationProposal.Grounds.BROKEN_PROMISE,
            on=today,
            facts=str(_("你（单位）在容缺受理时承诺补齐的材料{promised}逾期未补齐")).format(
                promised=promised
            ),
        )
    return missed


def overdue_promises(today: datetime.date) -> list[MissedPromise]:
    """Run by the worker: every tolerated material whose promised date has passed unsupplied is
    noticed once; the handling item's rule then applies — the licence stays held, or it is
    revoked. One transaction per case; running again finds nothing new."""
    case_ids = sorted(set(_overdue_lines(today).values_list("case_id", flat=True)))
    out = []
    for case_id in case_ids:
        try:
            out += _apply_missed_promises(case_id, today)
        except Exception:
            # One broken case must not keep the rule from every later case.
            logger.exception("applying missed promises failed for case %s", case_id)
    return out
