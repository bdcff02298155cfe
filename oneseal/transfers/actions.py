"""Writes of the running of the reform. Each action is one transaction with a permission
check and an audit row; the pages, the API, the admin and the demo call these.

Who may:
- draft and edit an agreement, open a transition: the bureau's signatory (the bureau head,
  who chairs the reform office, seed 000 六(一)) or the region's administrator;
- sign it: for the bureau, a signatory *of that bureau*; for the department, a supervisor *of
  that department* — each side's account records its own signature;
- seal it: a signatory of the bureau, once both have signed;
- quotas and staff moved: the region's administrator (organisation's keeper, with 编办 and
  组织部's papers); training records: administrator or signatory; clearing a staff member to
  act alone: a signatory."""

import datetime
import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from oneseal.actors import User, stored_user
from oneseal.audit.actions import record
from oneseal.calendars.queries import today as business_today
from oneseal.catalogue.models import Item, ItemVersion, TransferStatus
from oneseal.documents import rules as document_rules
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed, fail_fields
from oneseal.linkage.routing import Liaison
from oneseal.organisation import actions as organisation_actions
from oneseal.organisation.actions import ACTING_ROLES
from oneseal.organisation.models import Bureau, Department, Role, Staff
from oneseal.organisation.rules import has_role, staff_of
from oneseal.regions.models import Region

from . import rules, sealing
from .models import (
    Agreement,
    AgreementItem,
    Body,
    Handover,
    QuotaKind,
    StaffingQuota,
    StaffTransfer,
    Training,
    Transition,
)


def _require_office(actor: User, bureau: Bureau) -> None:
    if not (
        has_role(actor, Role.SIGNATORY, bureau.region)
        or has_role(actor, Role.ADMINISTRATOR, bureau.region)
    ):
        raise NotPermitted()


def _text(value: Any) -> str:
    return str(value or "").strip()


def _date(value: Any, field: str, errors: dict) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        errors[field] = [_("日期格式应为 YYYY-MM-DD")]
        return None


def _count(value: Any, field: str, errors: dict, *, minimum: int = 0) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < minimum or number > 100000:
        errors[field] = [_("请填写不小于{n}的整数").format(n=minimum)]
    return number


def bureau_of(department: Department) -> Bureau | None:
    """The approval bureau of the department's region, or of the nearest region above it."""
    region: Region | None = department.region
    while region is not None:
        bureau = Bureau.objects.filter(region=region).select_related("region").first()
        if bureau is not None:
            return bureau
        region = region.parent
    return None


# --- agreements ------------------------------------------------------------------------------


def _latest(item: Item) -> ItemVersion | None:
    return item.versions.order_by("-number").first()


def _check_items(
    bureau: Bureau, department: Department, items: list[dict], agreement: Agreement | None
) -> tuple[list[tuple[Item, datetime.date | None, str]], dict]:
    errors: dict[str, list[str]] = {}
    out: list[tuple[Item, datetime.date | None, str]] = []
    if not items:
        errors["items"] = [_("请至少选择一个划转事项")]
    seen: set[int] = set()
    for n, entry in enumerate(items, start=1):
        given = entry.get("item")
        item = (
            given
            if isinstance(given, Item) or given is None
            else Item.objects.filter(pk=given).select_related("catalogue").first()
        )
        problems: list[str] = []
        if item is None:
            problems.append(_("第{n}项：事项不存在").format(n=n))
        else:
            latest = _latest(item)
            if item.catalogue.region_id != bureau.region_id:
                problems.append(_("第{n}项：不是本局事项目录中的事项").format(n=n))
            elif latest is None or latest.original_department_id != department.pk:
                problems.append(
                    _("第{n}项“{name}”的原审批部门不是{department}").format(
                        n=n, name=latest.name if latest else item.basic_code, department=department
                    )
                )
            other = (
                AgreementItem.objects.filter(item=item)
                .exclude(agreement=agreement)
                .select_related("agreement")
                .first()
                if item.pk
                else None
            )
            if other is not None:
                problems.append(
                    _("第{n}项已列入《{title}》").format(n=n, title=other.agreement.title)
                )
            if item.pk in seen:
                problems.append(_("第{n}项重复").format(n=n))
            seen.add(item.pk)
        day = _date(entry.get("transfer_date"), "items", errors)
        if problems:
            errors.setdefault("items", []).extend(problems)
        elif item is not None:
            out.append((item, day, _text(entry.get("notes"))[:200]))
    return out, errors


def _check_handovers(handovers: list[dict]) -> tuple[list[Handover], dict]:
    errors: dict[str, list[str]] = {}
    out: list[Handover] = []
    for n, entry in enumerate(handovers, start=1):
        kind, name, unit = entry.get("kind"), _text(entry.get("name")), _text(entry.get("unit"))
        problems = []
        if kind not in Handover.Kind.values:
            problems.append(_("第{n}行：请选择类别（业务系统、设备、档案资料）").format(n=n))
        if not name:
            problems.append(_("第{n}行：请填写名称").format(n=n))
        if not unit:
            problems.append(_("第{n}行：请填写单位（卷、件、台、套……）").format(n=n))
        qty_errors: dict = {}
        quantity = _count(entry.get("quantity"), "quantity", qty_errors)
        if qty_errors:
            problems.append(_("第{n}行：数量须为不小于0的整数").format(n=n))
        if problems:
            errors.setdefault("handovers", []).extend(problems)
        else:
            out.append(
                Handover(
                    kind=str(kind),  # one of Handover.Kind.values
                    name=name[:200],
                    quantity=quantity,
                    unit=unit[:10],
                    notes=_text(entry.get("notes"))[:200],
                )
            )
    return out, errors


@transaction.atomic
def save_agreement(
    agreement: Agreement | None,
    *,
    actor: User,
    bureau: Bureau,
    department: Department,
    transfer_date: datetime.date | str | None,
    bureau_duties: str,
    department_duties: str,
    approval_staff: int | str | None,
    items: list[dict],
    handovers: list[dict] = (),  # type: ignore[assignment]
    title: str = "",
    notes: str = "",
) -> Agreement:
    """Draft a department's agreement, or change a draft: its items (each `{"item", and
    optionally "transfer_date", "notes"}`), date, duties, the staff base and what is handed
    over (`{"kind", "name", "quantity", "unit", "notes"}`). Items and hand-over lines are
    replaced as given. Refused once a head has signed: what was signed stays as signed."""
    if agreement is not None:
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        bureau, department = agreement.bureau, agreement.department
    _require_office(actor, bureau)
    if agreement is not None and agreement.started_signing:
        raise InvalidTransition(_("协议已有一方签字，不能再修改"))
    errors: dict[str, list[str]] = {}
    if not bureau.region.contains(department.region):
        errors["department"] = [_("请选择本局辖区内的行业主管部门")]
        fail_fields(errors)
    day = _date(transfer_date, "transfer_date", errors)
    if day is None and "transfer_date" not in errors:
        errors["transfer_date"] = [_("请填写划转日期")]
    if not _text(bureau_duties):
        errors["bureau_duties"] = [_("请写明划转后审批局的职责")]
    if not _text(department_duties):
        errors["department_duties"] = [_("请写明划转后原审批部门的职责")]
    staff_count = _count(approval_staff, "approval_staff", errors, minimum=1)
    checked_items, item_errors = _check_items(bureau, department, list(items), agreement)
    checked_handovers, handover_errors = _check_handovers(list(handovers))
    errors.update(item_errors)
    errors.update(handover_errors)
    fail_fields(errors)
    assert day is not None
    created = agreement is None
    if agreement is None:
        agreement = Agreement(bureau=bureau, department=department, created_by=stored_user(actor))
    agreement.region_code = bureau.region.code
    agreement.title = _text(title)[:200] or _("{department}审批服务事项划转协议").format(
        department=department.name
    )
    agreement.transfer_date = day
    agreement.bureau_duties = _text(bureau_duties)
    agreement.department_duties = _text(department_duties)
    agreement.approval_staff = staff_count
    agreement.notes = _text(notes)
    agreement.save()
    agreement.items.all().delete()
    AgreementItem.objects.bulk_create(
        AgreementItem(agreement=agreement, item=item, transfer_date=d, notes=note)
        for item, d, note in checked_items
    )
    agreement.handovers.all().delete()
    for line in checked_handovers:
        line.agreement = agreement
    Handover.objects.bulk_create(checked_handovers)
    record(
        "transfers.save_agreement",
        actor=actor,
        subject=agreement,
        region_code=agreement.region_code,
        summary=agreement.title,
        data={
            "created": created,
            "transfer_date": day.isoformat(),
            "items": [item.basic_code for item, _d, _n in checked_items],
            "handovers": [
                {"kind": h.kind, "name": h.name, "quantity": h.quantity, "unit": h.unit}
                for h in checked_handovers
            ],
        },
    )
    return agreement


BUREAU_SIDE, DEPARTMENT_SIDE = "bureau", "department"


def may_sign(agreement: Agreement, actor: User, side: str) -> bool:
    """Only an account of that side signs: a signatory of the agreement's bureau, a supervisor
    of its department (the installation's superuser is neither)."""
    staff = staff_of(actor)
    if staff is None:
        return False
    if side == BUREAU_SIDE:
        return staff.bureau_id == agreement.bureau_id and has_role(
            actor, Role.SIGNATORY, agreement.bureau.region
        )
    if side == DEPARTMENT_SIDE:
        return staff.department_id == agreement.department_id and has_role(
            actor, Role.SUPERVISOR, agreement.department.region
        )
    return False


def sign_blockers(agreement: Agreement, side: str) -> list[str]:
    """Why `side` cannot sign `agreement` now."""
    if side == BUREAU_SIDE and agreement.bureau_signed_on:
        return [_("审批局已签字")]
    if side == DEPARTMENT_SIDE and agreement.department_signed_on:
        return [_("原审批部门已签字")]
    if not agreement.items.exists():
        return [_("协议没有划转事项")]
    return []


@transaction.atomic
def sign_agreement(
    agreement: Agreement, *, actor: User, side: str, on: datetime.date | None = None
) -> Agreement:
    """One head's signature, recorded with their account and the day."""
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("bureau__region", "department__region")
        .get(pk=agreement.pk)
    )
    if side not in (BUREAU_SIDE, DEPARTMENT_SIDE):
        fail_fields({"side": [_("签字方须为审批局或原审批部门")]})
    if not may_sign(agreement, actor, side):
        raise NotPermitted(
            _("只有本局签批领导（局长）可以代表审批局签字")
            if side == BUREAU_SIDE
            else _("只有{department}的负责人可以代表原审批部门签字").format(
                department=agreement.department
            )
        )
    blockers = sign_blockers(agreement, side)
    if blockers:
        raise InvalidTransition(blockers[0], reasons=blockers)
    on = on or business_today()
    staff = staff_of(actor)
    name = staff.display_name if staff else str(actor)
    if side == BUREAU_SIDE:
        agreement.bureau_signed_by, agreement.bureau_signer_name = actor, name  # type: ignore[assignment]
        agreement.bureau_signed_on = on
    else:
        agreement.department_signed_by, agreement.department_signer_name = actor, name  # type: ignore[assignment]
        agreement.department_signed_on = on
    agreement.save()
    record(
        "transfers.sign_agreement",
        actor=actor,
        subject=agreement,
        region_code=agreement.region_code,
        summary=_("{name}代表{side}签署《{title}》").format(
            name=name,
            side=agreement.bureau if side == BUREAU_SIDE else agreement.department,
            title=agreement.title,
        ),
        data={"side": side, "on": on.isoformat()},
    )
    return agreement


def seal_blockers(agreement: Agreement) -> list[str]:
    out = []
    if agreement.sealed:
        out.append(_("协议已盖章（{number}）").format(number=agreement.number))
    elif not agreement.signed:
        out.append(_("双方负责人签字后才能盖章"))
    else:
        out.extend(str(b) for b in sealing.seal_blockers(agreement.bureau))
    return out


@transaction.atomic
def seal_agreement(
    agreement: Agreement, *, actor: User, on: datetime.date | None = None
) -> Agreement:
    """Render the signed agreement as a PDF and sign it with the bureau's approval seal; the
    file is stored content-addressed and never overwritten."""
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("bureau__region", "department")
        .get(pk=agreement.pk)
    )
    if not has_role(actor, Role.SIGNATORY, agreement.bureau.region):
        raise NotPermitted()
    blockers = seal_blockers(agreement)
    if blockers:
        raise InvalidTransition(blockers[0], reasons=blockers)
    on = on or business_today()
    # 文号 per bureau and year: the bureau row's lock keeps two seals from one number.
    Bureau.objects.select_for_update().get(pk=agreement.bureau_id)
    seq = (
        Agreement.objects.filter(bureau=agreement.bureau, sealed_on__year=on.year)
        .exclude(number="")
        .count()
        + 1
    )
    number = sealing.agreement_number(agreement.bureau, on.year, seq)
    code = document_rules.new_verification_code()
    pdf = sealing.sealed_pdf(agreement, number=number, code=code, on=on)
    digest = hashlib.sha256(pdf).hexdigest()
    path = f"transfers/{on.year}/{digest}.pdf"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(pdf))
    agreement.number, agreement.file, agreement.sha256 = number, path, digest
    agreement.verification_code, agreement.sealed_on = code, on
    agreement.save()
    record(
        "transfers.seal_agreement",
        actor=actor,
        subject=agreement,
        region_code=agreement.region_code,
        summary=f"{agreement.title} {number}",
        data={"number": number, "sha256": digest},
    )
    return agreement


def item_switch_check(
    version: ItemVersion, previous: ItemVersion | None, effective_from: datetime.date | None
) -> list[tuple[str, str]]:
    """Registered with `catalogue.transfer_checks`: a version that makes an item transferred
    takes effect only under a signed agreement and not before its transfer date."""
    if version.transfer_status != TransferStatus.TRANSFERRED or version.is_cancelled:
        return []
    if previous is not None and previous.transfer_status == TransferStatus.TRANSFERRED:
        return []
    line = AgreementItem.objects.filter(item_id=version.item_id).select_related("agreement").first()
    problems = rules.switch_problems(
        switching=previous is not None,
        has_agreement=line is not None,
        signed=bool(line and line.agreement.signed),
        transfer_date=line.effective_date if line else None,
        effective_from=effective_from,
    )
    messages = {
        "no_agreement": _("该事项尚未签订划转协议（一事一协议），不能划转至审批局"),
        "unsigned": _("划转协议《{title}》尚未经双方负责人签字").format(
            title=line.agreement.title if line else ""
        ),
        "too_early": _("生效日期早于划转协议约定的划转日期（{date}）").format(
            date=document_rules.chinese_date(line.effective_date if line else None)
        ),
    }
    field = {"too_early": "effective_from"}
    return [(field.get(p, "transfer_status"), messages[p]) for p in problems]


# --- quotas and staff ------------------------------------------------------------------------


def occupied(bureau: Bureau, body: str, kind: str, on: datetime.date) -> int:
    """Quota places of a kind taken by staff moved on or before `on`."""
    return StaffTransfer.objects.filter(
        bureau=bureau, body=body, quota_kind=kind, moved_on__lte=on
    ).count()


@transaction.atomic
def set_quota(
    bureau: Bureau,
    *,
    actor: User,
    body: str,
    kind: str,
    approved: int | str,
    basis: str = "",
) -> StaffingQuota:
    """The approved headcount of a kind for the bureau or its centre (编办's 三定 figure). Never
    below the places already taken."""
    if not has_role(actor, Role.ADMINISTRATOR, bureau.region):
        raise NotPermitted()
    errors: dict[str, list[str]] = {}
    if body not in Body.values:
        errors["body"] = [_("请选择单位")]
    if kind not in QuotaKind.values:
        errors["kind"] = [_("请选择编制类别")]
    number = _count(approved, "approved", errors)
    fail_fields(errors)
    taken = StaffTransfer.objects.filter(bureau=bureau, body=body, quota_kind=kind).count()
    if number < taken:
        fail_fields({"approved": [_("已有{n}人占用该类编制，核定数不能少于{n}").format(n=taken)]})
    quota, created = StaffingQuota.objects.select_for_update().get_or_create(
        bureau=bureau, body=body, kind=kind, defaults={"approved": number, "basis": basis}
    )
    old = None if created else quota.approved
    quota.approved, quota.basis = number, _text(basis)[:200]
    quota.save()
    record(
        "transfers.set_quota",
        actor=actor,
        subject=quota,
        region_code=bureau.region.code,
        summary=f"{Body(body).label}{QuotaKind(kind).label} {number}",
        data={"approved": [old, number], "basis": quota.basis},
    )
    return quota


@transaction.atomic
def record_staff_transfer(
    staff: Staff,
    *,
    actor: User,
    department: Department,
    moved_on: datetime.date | str | None,
    body: str,
    quota_kind: str,
) -> StaffTransfer:
    """A department's staff member moves to the bureau (or its centre) on a quota place: they
    are placed in the bureau (organisation's `save_staff`) and lose the roles they held, and
    act on nothing until trained and cleared (`clear_to_act_alone`)."""
    staff = Staff.objects.select_for_update().select_related("region", "user").get(pk=staff.pk)
    bureau = bureau_of(department)
    if bureau is None or not has_role(actor, Role.ADMINISTRATOR, bureau.region):
        raise NotPermitted()
    errors: dict[str, list[str]] = {}
    day = _date(moved_on, "moved_on", errors)
    if day is None and "moved_on" not in errors:
        errors["moved_on"] = [_("请填写划转日期")]
    if not bureau.region.contains(staff.region):
        errors["staff"] = [_("该工作人员不在本局辖区内")]
    elif StaffTransfer.objects.filter(staff=staff).exists():
        errors["staff"] = [_("该工作人员已登记划转")]
    elif staff.department_id != department.pk:
        errors["staff"] = [_("该工作人员不是{department}的人员").format(department=department)]
    if body not in Body.values:
        errors["body"] = [_("请选择划入单位")]
    if quota_kind not in QuotaKind.values:
        errors["quota_kind"] = [_("请选择编制类别")]
    fail_fields(errors)
    assert day is not None
    quota = (
        StaffingQuota.objects.select_for_update()
        .filter(bureau=bureau, body=body, kind=quota_kind)
        .first()
    )
    taken = StaffTransfer.objects.filter(bureau=bureau, body=body, quota_kind=quota_kind).count()
    if quota is None or taken >= quota.approved:
        fail_fields(
            {
                "quota_kind": [
                    _("{body}{kind}已满（核定{n}名），不能再划入").format(
                        body=Body(body).label,
                        kind=QuotaKind(quota_kind).label,
                        n=quota.approved if quota else 0,
                    )
                ]
            }
        )
    held = set(staff.roles.values_list("role", flat=True))
    kept = held - ACTING_ROLES
    if kept != held:
        organisation_actions.set_roles(staff, kept, actor=actor)
    staff.bureau, staff.department = bureau, None
    if staff.section is not None and staff.section.bureau_id != bureau.pk:
        staff.section = None
    organisation_actions.save_staff(staff, actor=actor)
    transfer = StaffTransfer.objects.create(
        staff=staff,
        bureau=bureau,
        region_code=bureau.region.code,
        department=department,
        moved_on=day,
        body=body,
        quota_kind=quota_kind,
        recorded_by=stored_user(actor),
    )
    record(
        "transfers.record_staff_transfer",
        actor=actor,
        subject=transfer,
        region_code=bureau.region.code,
        summary=_("{name}自{department}划转至{body}（{kind}）").format(
            name=staff.display_name,
            department=department,
            body=Body(body).label,
            kind=QuotaKind(quota_kind).label,
        ),
        data={
            "moved_on": day.isoformat(),
            "department": department.pk,
            "roles_withdrawn": sorted(held - kept),
        },
    )
    return transfer


@transaction.atomic
def record_training(
    transfer: StaffTransfer,
    *,
    actor: User,
    on: datetime.date | str | None,
    subject: str,
    hours: Decimal | str | float,
    trainer: str,
) -> Training:
    transfer = StaffTransfer.objects.select_related("bureau__region", "staff").get(pk=transfer.pk)
    _require_office(actor, transfer.bureau)
    errors: dict[str, list[str]] = {}
    day = _date(on, "on", errors)
    if day is None and "on" not in errors:
        errors["on"] = [_("请填写培训日期")]
    elif day is not None and day < transfer.moved_on:
        errors["on"] = [_("培训日期不能早于划转日期")]
    if not _text(subject):
        errors["subject"] = [_("请填写培训内容")]
    if not _text(trainer):
        errors["trainer"] = [_("请填写授课人或带教人")]
    try:
        amount = Decimal(str(hours))
    except InvalidOperation:
        amount = Decimal(-1)
    if not (Decimal("0") < amount <= Decimal("1000")) or amount.as_tuple().exponent < -1:  # type: ignore[operator]
        errors["hours"] = [_("学时须大于0，最多一位小数")]
    fail_fields(errors)
    assert day is not None
    training = Training.objects.create(
        transfer=transfer,
        on=day,
        subject=_text(subject)[:200],
        hours=amount,
        trainer=_text(trainer)[:100],
        recorded_by=stored_user(actor),
    )
    record(
        "transfers.record_training",
        actor=actor,
        subject=training,
        region_code=transfer.region_code,
        summary=f"{transfer.staff.display_name}：{training.subject}（{amount}学时）",
        data={"on": day.isoformat() if day else None, "transfer": transfer.pk},
    )
    return training


def clear_blockers(transfer: StaffTransfer, on: datetime.date) -> list[str]:
    if transfer.cleared_on is not None:
        return [
            _("已于{date}确认可独立办理").format(
                date=document_rules.chinese_date(transfer.cleared_on)
            )
        ]
    if on < transfer.moved_on:
        return [_("确认日期不能早于划转日期")]
    if not transfer.trainings.filter(on__lte=on).exists():
        return [_("尚无培训记录，不能确认可独立办理")]
    return []


@transaction.atomic
def clear_to_act_alone(
    transfer: StaffTransfer, *, actor: User, on: datetime.date | None = None
) -> StaffTransfer:
    """The bureau head confirms that a trained staff member may act alone from `on`: from then
    on an administrator may grant them acting roles."""
    transfer = (
        StaffTransfer.objects.select_for_update(of=("self",))
        .select_related("bureau__region", "staff")
        .get(pk=transfer.pk)
    )
    if not has_role(actor, Role.SIGNATORY, transfer.bureau.region):
        raise NotPermitted()
    on = on or business_today()
    blockers = clear_blockers(transfer, on)
    if blockers:
        raise InvalidTransition(blockers[0], reasons=blockers)
    transfer.cleared_on, transfer.cleared_by = on, actor  # type: ignore[assignment]
    transfer.save()
    record(
        "transfers.clear_to_act_alone",
        actor=actor,
        subject=transfer,
        region_code=transfer.region_code,
        summary=_("{name}培训合格，自{date}起可独立办理").format(
            name=transfer.staff.display_name, date=document_rules.chinese_date(on)
        ),
        data={"on": on.isoformat(), "trainings": transfer.trainings.count()},
    )
    return transfer


def role_grant_check(staff: Staff, role: str) -> dict[str, list[str]]:
    """Registered with `organisation.grant_checks`: a transferred staff member gets an acting
    role only once cleared to act alone (seed 004 二(四))."""
    if role not in ACTING_ROLES:
        return {}
    transfer = StaffTransfer.objects.filter(staff=staff).first()
    if transfer is None or transfer.cleared_by_day(business_today()):
        return {}
    return {
        "roles": [
            _("{name}是划转人员，培训合格、确认可独立办理前不能授予“{role}”").format(
                name=staff.display_name, role=Role(role).label
            )
        ]
    }


# --- transition and liaison --------------------------------------------------------------------


@transaction.atomic
def open_transition(
    department: Department,
    *,
    actor: User,
    liaison: Staff,
    starts_on: datetime.date | str | None,
    ends_on: datetime.date | str | None = None,
    duties: str,
    liaison_title: str = "",
    liaison_phone: str = "",
) -> Transition:
    """A department's transition period, three months unless said otherwise (seed 000
    四(二)6), with the official it names. The liaison must be a supervisor of that department:
    they answer the department's support requests meanwhile."""
    bureau = bureau_of(department)
    if bureau is None:
        raise ValidationFailed(fields={"department": [_("该部门所在区划没有行政审批局")]})
    _require_office(actor, bureau)
    errors: dict[str, list[str]] = {}
    start = _date(starts_on, "starts_on", errors)
    if start is None and "starts_on" not in errors:
        errors["starts_on"] = [_("请填写过渡期开始日期")]
    end = _date(ends_on, "ends_on", errors)
    if start is not None and end is None and "ends_on" not in errors:
        end = rules.transition_end(start)
    if start is not None and end is not None and end < start:
        errors["ends_on"] = [_("过渡期结束日期不能早于开始日期")]
    liaison = Staff.objects.select_related("user").get(pk=liaison.pk)
    if (
        liaison.department_id != department.pk
        or not liaison.roles.filter(role=Role.SUPERVISOR).exists()
    ):
        errors["liaison"] = [_("联络人须为{department}的监管人员").format(department=department)]
    if not _text(duties):
        errors["duties"] = [_("请写明过渡期联络人的职责")]
    fail_fields(errors)
    assert start is not None and end is not None
    Department.objects.select_for_update().get(pk=department.pk)
    overlapping = Transition.objects.filter(
        department=department, starts_on__lte=end, ends_on__gte=start
    ).first()
    if overlapping is not None:
        fail_fields(
            {
                "starts_on": [
                    _("与已有过渡期（{start}至{end}）重叠").format(
                        start=document_rules.chinese_date(overlapping.starts_on),
                        end=document_rules.chinese_date(overlapping.ends_on),
                    )
                ]
            }
        )
    transition = Transition.objects.create(
        bureau=bureau,
        department=department,
        region_code=department.region.code,
        starts_on=start,
        ends_on=end,
        liaison=liaison,
        liaison_name=liaison.display_name,
        liaison_title=_text(liaison_title)[:60],
        liaison_phone=_text(liaison_phone or liaison.phone)[:40],
        duties=_text(duties),
        recorded_by=stored_user(actor),
    )
    record(
        "transfers.open_transition",
        actor=actor,
        subject=transition,
        region_code=transition.region_code,
        summary=_("{department}过渡期{start}至{end}，联络人{name}").format(
            department=department,
            start=document_rules.chinese_date(start),
            end=document_rules.chinese_date(end),
            name=liaison.display_name,
        ),
        data={"starts_on": start.isoformat(), "ends_on": end.isoformat(), "liaison": liaison.pk},
    )
    return transition


def liaison_on(department: Department, day: datetime.date) -> Liaison | None:
    """Registered with `linkage.routing`: the liaison of the department's transition running on
    `day`, if any."""
    transition = (
        Transition.objects.filter(department=department, starts_on__lte=day, ends_on__gte=day)
        .filter(~Q(liaison__user__is_active=False))
        .select_related("liaison__user")
        .first()
    )
    if transition is None:
        return None
    return Liaison(
        user=transition.liaison.user, name=transition.liaison_name, phone=transition.liaison_phone
    )
