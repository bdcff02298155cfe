"""Commitment approval (告知承诺, domain.md §5; 《优化营商环境条例》第四十条第三款).

For a handling item designated so, the applicant signs a written commitment that they meet the
conditions. It is recorded by a clerk or by the applicant online before the decision (usually
before or at acceptance); a grant without it is refused. The review steps stay as they are:
the commitment changes what is checked afterwards, not who decides.

The grant opens a verification due the handling item's `verification_days` working days
after the decision. A reviewer of the case's region, or a supervisor of the item's original
department, records what the check found. A false commitment means the licence was obtained
by deception, so its revocation is proposed (《行政许可法》第六十九条第二款; the holder is
heard before a signatory decides, `revocation`) and the applicant gets a credit record. The worker notes once, on the case, every verification left open past its due date.
"""

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from oneseal.actors import User, stored_user
from oneseal.calendars.queries import today
from oneseal.errors import NotPermitted, fail_blockers, fail_fields
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, staff_of

from .. import rules
from ..models import (
    Case,
    Commitment,
    CommitmentVerification,
    CreditRecord,
    RevocationProposal,
)
from ..queries import licence_of
from . import revocation
from ._base import calendar, lock, move
from .review import is_own_applicant

COMMITMENT_BASIS = "《优化营商环境条例》第四十条第三款"
REVOCATION_BASIS = "《中华人民共和国行政许可法》第六十九条第二款"

Verdict = CommitmentVerification.VerificationState


# --- the commitment -----------------------------------------------------------------------


def record_commitment_blockers(case: Case) -> list[str]:
    out = rules.transition_blockers("record_commitment", case.state)
    if not case.handling_item.is_commitment:
        out.append(_("该办理项不实行告知承诺制"))
    existing = Commitment.objects.filter(case=case).first()
    if existing is not None:
        out.append(
            _("申请人已于{date}签署告知承诺书").format(
                date=date_format(existing.signed_on, "DATE_FORMAT")
            )
        )
    return out


@transaction.atomic
def record_commitment(
    case: Case,
    *,
    actor: "User",
    text: str,
    signed_on: datetime.date,
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Commitment:
    """Record the applicant's signed commitment that they meet the conditions: a clerk enters
    the paper one, or the applicant signs online. Once per case."""
    case = lock(case, expected_version=expected_version)
    if not (is_own_applicant(actor, case) or has_role(actor, Role.CLERK, case.region)):
        raise NotPermitted()
    fail_blockers(record_commitment_blockers(case))
    on = on or today()
    errors = {}
    if not str(text or "").strip():
        errors["text"] = [_("请填写承诺内容")]
    if not isinstance(signed_on, datetime.date):
        errors["signed_on"] = [_("请填写承诺书的签署日期")]
    elif signed_on > on:
        errors["signed_on"] = [
            _("签署日期不能晚于登记日期{date}").format(date=date_format(on, "DATE_FORMAT"))
        ]
    if on < case.received_on:
        errors["on"] = [
            _("登记日期不能早于收件日期{date}").format(
                date=date_format(case.received_on, "DATE_FORMAT")
            )
        ]
    fail_fields(errors)
    by_applicant = is_own_applicant(actor, case)
    commitment = Commitment.objects.create(
        case=case,
        text=text.strip(),
        signed_on=signed_on,
        recorded_on=on,
        recorded_by=stored_user(actor),
    )
    move(
        case,
        "record_commitment",
        actor=actor,
        on=on,
        data={
            "text": commitment.text,
            "signed_on": signed_on.isoformat(),
            "by_applicant": by_applicant,
            "basis": COMMITMENT_BASIS,
        },
    )
    return commitment


def commitment_grant_blockers(case: Case) -> list[str]:
    """A commitment item is decided on the commitment, so there must be one."""
    if case.handling_item.is_commitment and not Commitment.objects.filter(case=case).exists():
        return [_("该办理项实行告知承诺制，申请人尚未签署书面承诺，不能准予许可")]
    return []


def open_verification(case: Case, *, decided_on: datetime.date) -> CommitmentVerification | None:
    """At the grant of a commitment item: the check is due `verification_days` working days
    after the decision (the decision day does not count). Called inside the grant."""
    hi = case.handling_item
    if not hi.is_commitment:
        return None
    due = calendar().add(decided_on, hi.verification_days)
    return CommitmentVerification.objects.create(
        case=case,
        decided_on=decided_on,
        days=hi.verification_days,
        due_on=due.date,
        due_provisional=due.provisional,
    )


# --- verification -------------------------------------------------------------------------


def may_verify(actor: "User", case: Case) -> bool:
    """A reviewer of the case's region, or a supervisor of the department that approved the
    item before the transfer (which supervises it now)."""
    if has_role(actor, Role.REVIEWER, case.region):
        return True
    if not has_role(actor, Role.SUPERVISOR, case.region):
        return False
    staff = staff_of(actor)
    department_id = case.handling_item.item_version.original_department_id
    return staff is not None and department_id is not None and staff.department_id == department_id


def verify_commitment_blockers(case: Case) -> list[str]:
    out = rules.transition_blockers("verify_commitment", case.state)
    verification = CommitmentVerification.objects.filter(case=case).first()
    if verification is None:
        out.append(_("该办件没有告知承诺核查任务"))
    elif verification.state != Verdict.OPEN:
        assert verification.verified_on is not None  # set when it was checked
        out.append(
            _("告知承诺已于{date}核查完毕（{result}）").format(
                date=date_format(verification.verified_on, "DATE_FORMAT"),
                result=verification.get_state_display(),
            )
        )
    return out


@transaction.atomic
def verify_commitment(
    case: Case,
    *,
    actor: "User",
    truthful: bool,
    findings: str,
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> CommitmentVerification:
    """Record the check of a commitment. When it was false the revocation procedure starts
    (第六十九条第二款: a licence obtained by deception shall be revoked, after the holder is
    heard) and a credit record is written — an event on the case for each."""
    case = lock(case, expected_version=expected_version)
    if not may_verify(actor, case):
        raise NotPermitted()
    fail_blockers(verify_commitment_blockers(case))
    errors = {}
    if not isinstance(truthful, bool):
        errors["truthful"] = [_("请选择核查结论：承诺属实或承诺不实")]
    if not str(findings or "").strip():
        errors["findings"] = [_("请填写核查情况")]
    fail_fields(errors)
    on = on or today()
    verification = CommitmentVerification.objects.select_for_update().get(case=case)
    if on < verification.decided_on:
        fail_fields(
            {
                "on": [
                    _("核查日期不能早于许可决定日期{date}").format(
                        date=date_format(verification.decided_on, "DATE_FORMAT")
                    )
                ]
            }
        )
    if on > today():
        fail_fields({"on": [_("核查日期不能晚于今天")]})
    findings = findings.strip()
    verification.state = Verdict.CONFIRMED if truthful else Verdict.FALSE_COMMITMENT
    verification.verified_by, verification.verified_on, verification.findings = (
        stored_user(actor),
        on,
        findings,
    )
    verification.save(update_fields=["state", "verified_by", "verified_on", "findings"])
    move(
        case,
        "verify_commitment",
        actor=actor,
        on=on,
        reason=findings,
        data={
            "truthful": truthful,
            "findings": findings,
            "due_on": verification.due_on.isoformat(),
            "within_due": on <= verification.due_on,
        },
    )
    if truthful:
        return verification

    licence = licence_of(case)
    proposed = None
    if licence is not None and not revocation.propose_revocation_blockers(case):
        # The verifier need not be a signatory: the finding starts the revocation procedure
        # (the holder is heard, then a signatory decides); the facts name no individual.
        proposed = revocation.start_proposal(
            case,
            actor=actor,
            grounds=RevocationProposal.Grounds.FALSE_COMMITMENT,
            on=on,
            basis=REVOCATION_BASIS,
            facts=_("经核查，你（单位）以虚假承诺取得行政许可：{findings}").format(
                findings=findings
            ),
        ).pk
    credit_reason = _("办件{number}：申请人作出虚假承诺（{findings}）").format(
        number=case.number, findings=findings
    )
    record = CreditRecord.objects.create(
        applicant=case.applicant,
        case=case,
        kind=CreditRecord.Kind.FALSE_COMMITMENT,
        reason=credit_reason,
        on=on,
        recorded_by=stored_user(actor),
    )
    move(
        case,
        "record_credit",
        actor=actor,
        on=on,
        reason=credit_reason,
        data={
            "credit_record": record.pk,
            "kind": record.kind,
            "applicant": case.applicant.name,
            "revocation_proposal": proposed,
        },
    )
    return verification


# --- the worker ---------------------------------------------------------------------------


def unnoticed_overdue_cases(today: datetime.date) -> QuerySet[Case]:
    """Cases whose commitment check is still open after its due date and not yet noted."""
    return Case.objects.filter(
        state__in=rules.sources("verification_overdue"),
        commitment_verification__state=Verdict.OPEN,
        commitment_verification__due_on__lt=today,
        commitment_verification__overdue_noticed_on__isnull=True,
    )


@transaction.atomic
def notice_overdue_verification(
    case: Case, *, today: datetime.date
) -> CommitmentVerification | None:
    """Note on the case, once, that its commitment check is late; None when there is nothing
    (left) to note. Run by the worker."""
    case = lock(case)
    if not unnoticed_overdue_cases(today).filter(pk=case.pk).exists():
        return None
    verification = CommitmentVerification.objects.select_for_update().get(case=case)
    verification.overdue_noticed_on = today
    verification.save(update_fields=["overdue_noticed_on"])
    move(
        case,
        "verification_overdue",
        actor=None,
        on=today,
        reason=_("告知承诺核查已超过核查期限{date}").format(
            date=date_format(verification.due_on, "DATE_FORMAT")
        ),
        data={
            "due_on": verification.due_on.isoformat(),
            "days": verification.days,
            "working_days_late": calendar().between(verification.due_on, today),
        },
    )
    return verification
