"""Opening a case the bureau takes over from a department (在办件移交, seed 000: "正式移交前原审批
部门已受理的审批服务事项……连同未办结事项的受理资料等要件一并移交").

The application was made to the department before the transfer date; the law's clocks ran
from then and do not start again because the power moved (《行政许可法》第三十二条、第四十二条
count from the arrival of the materials and from acceptance, whoever holds the power). So the
case keeps the department's received and accepted dates and its due dates are computed from
them, not from the hand-over. An acceptance the department made after its 5 working days was,
by law, an acceptance as of the arrival day (第三十二条第一款第（四）项): the clocks start there.
"""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from oneseal.actors import User, stored_user
from oneseal.applicants.models import Applicant
from oneseal.calendars.queries import today
from oneseal.catalogue.models import HandlingItem, ItemVersion, TransferStatus
from oneseal.errors import NotPermitted, ValidationFailed, fail_blockers
from oneseal.organisation.models import Department, Role
from oneseal.organisation.rules import has_role

from .. import rules
from ..models import Case, CaseMaterial, State
from ..queries import published_parts
from ._base import GENESIS, append_event, calendar
from .intake import (
    DUE_FIELDS,
    _bureau_of,
    _line,
    _next_number,
    _set_decision_dues,
    handling_item_serves,
)
from .review import create_steps


def handed_over_blockers(
    handling_item: HandlingItem,
    *,
    applicant: Applicant,
    department: Department,
    received_on: datetime.date,
    accepted_on: datetime.date | None,
    handed_over_on: datetime.date,
) -> list[str]:
    """Why the department's case cannot become the bureau's: the item is not one the department
    approved and handed over, the version was not in force when the application arrived, the
    dates are out of order, or the applicant is not one the handling item serves."""
    out = []
    version = handling_item.item_version
    if version.original_department_id != department.pk:
        out.append(
            _("“{item}”不是{department}划转的事项").format(
                item=handling_item.name, department=department.name
            )
        )
    if version.transfer_status != TransferStatus.TRANSFERRED:
        out.append(_("“{item}”未划转至行政审批局").format(item=handling_item.name))
    if received_on >= handed_over_on:
        out.append(
            _("收件日期{received}不早于移交日期{handed}，不是移交前的在办件").format(
                received=date_format(received_on, "DATE_FORMAT"),
                handed=date_format(handed_over_on, "DATE_FORMAT"),
            )
        )
    if accepted_on is not None and not received_on <= accepted_on <= handed_over_on:
        out.append(_("受理日期应在收件日期与移交日期之间"))
    # The bureau takes the case over under its own list as in force on the hand-over day (its
    # list may begin only with the transfer); the clocks keep the department's dates.
    if not ItemVersion.objects.in_force(handed_over_on).filter(pk=version.pk).exists():
        out.append(
            _("该办理项版本在移交日期{date}不是现行有效版本").format(
                date=date_format(handed_over_on, "DATE_FORMAT")
            )
        )
    if not handling_item_serves(handling_item, applicant):
        out.append(
            _("该办理项的服务对象为{who}").format(who=handling_item.get_applicant_type_display())
        )
    return out


@transaction.atomic
def open_handed_over_case(
    handling_item: HandlingItem,
    *,
    actor: "User",
    applicant: Applicant,
    department: Department,
    original_number: str,
    received_on: datetime.date,
    accepted_on: datetime.date | None,
    handed_over_by: str,
    papers: dict[int, int],
    handed_over_on: datetime.date | None = None,
    note: str = "",
) -> Case:
    """The bureau's clerk opens, as the bureau's, a case the department received before the
    transfer: state received or accepted as the department left it, its dates and clocks the
    department's, its checklist from the papers handed over (`papers`: material id → copies
    received; a required material with none is flagged missing). One `hand_over` event names
    both sides (the department and its official, the bureau's clerk), the papers and what is
    missing. The bureau then finishes the case with its own actions and seal."""
    version = handling_item.item_version
    region = version.item.catalogue.region
    if not has_role(actor, Role.CLERK, region):
        raise NotPermitted()
    handed_over_on = handed_over_on or today()
    errors: dict[str, list[str]] = {}
    if not original_number.strip():
        errors["original_number"] = [_("请填写原办件编号")]
    if not handed_over_by.strip():
        errors["handed_over_by"] = [_("请填写移交部门经办人")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    fail_blockers(
        handed_over_blockers(
            handling_item,
            applicant=applicant,
            department=department,
            received_on=received_on,
            accepted_on=accepted_on,
            handed_over_on=handed_over_on,
        ),
        field="handling_item",
        error=ValidationFailed,
    )
    bureau = _bureau_of(region)
    if bureau is None:
        raise ValidationFailed(
            _("该地区尚未设立行政审批局"), fields={"handling_item": [_("该地区尚未设立行政审批局")]}
        )
    parts = published_parts(handling_item)
    known = {m.pk for m in parts.materials}
    unknown = [pk for pk in papers if pk not in known]
    if unknown or any(n < 0 for n in papers.values()):
        raise ValidationFailed(fields={"papers": [_("移交材料不属于该办理项的材料清单")]})

    cal = calendar()
    due = rules.acceptance_due(cal, received_on)
    received_at = timezone.make_aware(datetime.datetime.combine(received_on, datetime.time.min))
    case = Case.objects.create(
        number=_next_number(region.code, handed_over_on.year),
        query_code=f"{secrets.randbelow(10**6):06d}",
        handling_item=handling_item,
        applicant=applicant,
        bureau=bureau,
        region=region,
        region_code=region.code,
        received_at=received_at,
        received_on=received_on,
        materials_arrived_on=received_on,
        acceptance_due=due.date,
        acceptance_due_provisional=due.provisional,
        created_by=stored_user(actor),
        state=State.RECEIVED,
    )
    lines = []
    for m in parts.materials:
        line = _line(case, m, applicant.kind, False)
        if line.status != CaseMaterial.Status.NOT_NEEDED:
            copies = papers.get(m.pk, 0)
            if copies > 0:
                line.status = CaseMaterial.Status.PROVIDED
                line.note = _("移交{n}份").format(n=copies)
            elif m.is_required:
                line.status = CaseMaterial.Status.MISSING
                line.note = _("移交时缺少")
        lines.append(line)
    CaseMaterial.objects.bulk_create(lines)
    deemed = False
    if accepted_on is not None:
        # An acceptance after the 5 days was, by law, one as of the arrival day.
        deemed = accepted_on > due.date
        _set_decision_dues(case, received_on if deemed else accepted_on)
        case.deemed_accepted = deemed
        case.state = State.ACCEPTED
        case.save(update_fields=[*DUE_FIELDS, "deemed_accepted", "state"])
    case._chain_head = (0, GENESIS)
    received = [
        {"material": line.material.name, "copies": papers.get(line.material_id, 0)}
        for line in lines
        if line.status == CaseMaterial.Status.PROVIDED
    ]
    missing = [line.material.name for line in lines if line.status == CaseMaterial.Status.MISSING]
    append_event(
        case,
        action="hand_over",
        actor=actor,
        from_state="",
        on=handed_over_on,
        reason=note.strip(),
        data={
            "department": department.name,
            "handed_over_by": handed_over_by.strip(),
            "original_number": original_number.strip(),
            "received_on": received_on.isoformat(),
            "accepted_on": accepted_on.isoformat() if accepted_on else None,
            "deemed_accepted": deemed,
            "acceptance_due": due.date.isoformat(),
            "promised_due": case.promised_due.isoformat() if case.promised_due else None,
            "statutory_due": case.statutory_due.isoformat() if case.statutory_due else None,
            "promised_due_provisional": case.promised_due_provisional,
            "statutory_due_provisional": case.statutory_due_provisional,
            "papers": received,
            "papers_count": sum(p["copies"] for p in received),
            "missing": missing,
            "version": version.number,
        },
    )
    if case.state == State.ACCEPTED:
        create_steps(case, accepted_by=actor)
    return case
