"""The hand-over's writes: importing a department's register of pending cases, and the
department's confirmation of the checklist. Each is one transaction with an audit row; the
cases are opened only by `cases.actions.open_handed_over_case`."""

import datetime
import hashlib
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from oneseal.actors import User, stored_user
from oneseal.applicants.actions import register_applicant
from oneseal.audit.actions import record
from oneseal.calendars.queries import today
from oneseal.cases.actions import open_handed_over_case
from oneseal.catalogue.importing.columns import ImportRejected, Problem
from oneseal.errors import DomainError, InvalidTransition, NotPermitted, ValidationFailed
from oneseal.organisation.models import Bureau, Department, Role
from oneseal.organisation.rules import has_role, staff_of

from . import importing
from .models import HandedOverCase, Handover


@transaction.atomic
def import_handover(
    source: bytes | IO[bytes],
    *,
    actor: "User",
    bureau: Bureau,
    department: Department,
    handed_over_by: str,
    name: str = "",
    note: str = "",
    on: datetime.date | None = None,
) -> Handover:
    """在办件移交: the bureau's clerk takes over a department's pending cases from its register
    (xlsx, `importing.LAYOUT`). Every row is checked first; any problem refuses the whole file
    (`ImportRejected`, each problem with its row, column and reason) and nothing is written.
    Otherwise each row becomes the bureau's case with its original dates and clocks, and the
    hand-over records both sides (the department's official, the receiving clerk)."""
    if not has_role(actor, Role.CLERK, bureau.region):
        raise NotPermitted()
    errors = {}
    if department.region_id != bureau.region_id and not bureau.region.contains(department.region):
        errors["department"] = [_("移交部门不在本局辖区内")]
    if not handed_over_by.strip():
        errors["handed_over_by"] = [_("请填写移交部门的经办人")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    on = on or today()
    data = source if isinstance(source, bytes | bytearray) else source.read()
    sheet = importing.read(bytes(data))
    plan = importing.plan(sheet, bureau=bureau, department=department, handed_over_on=on)
    if plan.problems:
        raise ImportRejected(plan.problems)
    handover = Handover.objects.create(
        bureau=bureau,
        department=department,
        handed_over_on=on,
        handed_over_by=handed_over_by.strip(),
        received_by=stored_user(actor),
        source_name=(name or getattr(source, "name", "") or "")[:255],
        source_sha256=hashlib.sha256(data).hexdigest(),
        note=note.strip(),
    )
    problems: list[Problem] = []
    for row in plan.rows:
        try:
            # A savepoint per row, so that every row's trouble is reported before all is undone.
            with transaction.atomic():
                applicant = register_applicant(actor=actor, **row.applicant)
                case = open_handed_over_case(
                    row.handling_item,
                    actor=actor,
                    applicant=applicant,
                    department=department,
                    original_number=row.original_number,
                    received_on=row.received_on,
                    accepted_on=row.accepted_on,
                    handed_over_by=handover.handed_over_by,
                    handed_over_on=on,
                    papers=row.papers,
                    note=row.explanation,
                )
        except DomainError as exc:
            messages = [m for ms in exc.fields.values() for m in ms] or [str(exc.message)]
            problems += [Problem(row.row, "", str(m)) for m in messages]
            continue
        event = case.events.get(action="hand_over")
        HandedOverCase.objects.create(
            handover=handover,
            department=department,
            case=case,
            row=row.row,
            original_number=row.original_number,
            original_state=row.state,
            papers=event.data["papers"],
            papers_count=event.data["papers_count"],
            missing=event.data["missing"],
            explanation=row.explanation,
        )
    if problems:
        raise ImportRejected(problems)
    record(
        "handovers.import",
        actor=actor,
        subject=handover,
        region_code=bureau.region.code,
        summary=_("{department}移交在办件{n}件").format(
            department=department.name, n=len(plan.rows)
        ),
        data={
            "department": department.name,
            "handed_over_by": handover.handed_over_by,
            "cases": len(plan.rows),
            "sha256": handover.source_sha256,
            "file": handover.source_name,
        },
    )
    return handover


def confirm_blockers(handover: Handover) -> list[str]:
    if handover.confirmed_at is not None:
        return [
            _("部门已于{at}确认移交清单").format(
                at=date_format(timezone.localtime(handover.confirmed_at).date(), "DATE_FORMAT")
            )
        ]
    return []


@transaction.atomic
def confirm_handover(handover: Handover, *, actor: "User") -> Handover:
    """The department confirms the checklist of what it handed over (papers and what is
    missing), by one of its own supervisors: the second signature on the hand-over."""
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    staff = staff_of(actor)
    if not (
        has_role(actor, Role.SUPERVISOR, handover.department.region)
        and staff is not None
        and staff.department_id == handover.department_id
    ):
        raise NotPermitted(_("只有移交部门的人员可以确认移交清单"))
    blockers = confirm_blockers(handover)
    if blockers:
        raise InvalidTransition(blockers[0], reasons=blockers)
    handover.confirmed_by, handover.confirmed_at = stored_user(actor), timezone.now()
    handover.save(update_fields=["confirmed_by", "confirmed_at"])
    record(
        "handovers.confirm",
        actor=actor,
        subject=handover,
        region_code=handover.bureau.region.code,
        summary=_("{department}确认在办件移交清单").format(department=handover.department.name),
        data={"cases": handover.cases.count()},
    )
    return handover
