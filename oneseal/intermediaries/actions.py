"""Writes of the intermediary marketplace (中介超市).

Who acts:
- intermediaries, their qualifications and offers, and the 中介服务事项清单 are kept by
  catalogue administrators whose scope covers the intermediary's region (the list: the
  item's region);
- an engagement is made by the case's applicant (their own account, `acts_for`) or by a clerk
  of the case's region for them;
- only the intermediary's own account delivers, and only on its own engagements;
- the applicant rates a delivered engagement, once;
- a suspended intermediary appeals through its own account; a catalogue administrator decides.

Clock (第四十五条): an engagement made before acceptance is the applicant's own time, and no
clock of the bureau runs on it. On an accepted case, its time is left out only when the
service is a 第四十五条 procedure (检验、检测、鉴定…) the item's guide lists: a reviewer then
suspends the case for it (`suspend_for`, through `cases.actions.suspend`, which refuses a
procedure the guide does not list) and resumes it with `cases.actions.resume` once the
deliverable is in. Every other engagement runs on the case's clock.
"""

import datetime
import secrets
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from oneseal.actors import User, stored_user
from oneseal.applicants import rules as applicant_rules
from oneseal.applicants.queries import acts_for
from oneseal.audit.actions import record
from oneseal.calendars.queries import current_calendar, today
from oneseal.cases import actions as case_actions
from oneseal.cases.actions.intake import check_upload
from oneseal.cases.models import OPEN_STATES, Case, CaseMaterial, State
from oneseal.catalogue.models import HandlingItem, Material
from oneseal.errors import (
    InvalidTransition,
    NotPermitted,
    ValidationFailed,
    fail_blockers,
    fail_fields,
)
from oneseal.organisation.actions import create_outside_account
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role
from oneseal.regions.models import Region

from . import rules
from .models import (
    Appeal,
    Engagement,
    Intermediary,
    ItemService,
    Offer,
    Qualification,
    Rating,
    Service,
)


def suspension_rule() -> rules.SuspensionRule:
    return rules.SuspensionRule(
        poor_ratings=settings.ONESEAL_INTERMEDIARY_POOR_RATINGS,
        late_deliveries=settings.ONESEAL_INTERMEDIARY_LATE_DELIVERIES,
    )


def may_keep_market(actor: User, region: Region) -> bool:
    return has_role(actor, Role.CATALOGUE_ADMIN, region)


def _require_keeper(actor: User, region: Region) -> None:
    if not may_keep_market(actor, region):
        raise NotPermitted()


def _require_own(actor: User, intermediary: Intermediary) -> None:
    """Only the intermediary's own account acts for it; nobody else, staff included."""
    if (
        intermediary.user_id is None
        or not getattr(actor, "is_active", False)
        or actor.pk != intermediary.user_id
    ):
        raise NotPermitted(_("只有该中介机构本身的账号可以办理"))


def _locked(intermediary: Intermediary) -> Intermediary:
    return Intermediary.objects.select_for_update().select_related("region").get(pk=intermediary.pk)


def _name(errors: dict, field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = [message]
    elif problem := applicant_rules.name_problem(value):
        errors[field] = [problem]
    return value


# --- the register ---------------------------------------------------------------------------


@transaction.atomic
def register_intermediary(
    *, actor: User, name: str, credit_code: str, region: Region, phone: str = ""
) -> Intermediary:
    _require_keeper(actor, region)
    errors: dict = {}
    name = _name(errors, "name", name, _("请填写机构名称"))
    try:
        code = applicant_rules.validate_credit_code(credit_code)
    except ValueError as error:
        errors["credit_code"] = [str(error)]
    else:
        if Intermediary.objects.filter(credit_code=code).exists():
            errors["credit_code"] = [_("该统一社会信用代码的中介机构已入驻")]
    fail_fields(errors)
    intermediary = Intermediary.objects.create(
        name=name,
        credit_code=code,
        region=region,
        phone=(phone or "").strip()[:40],
        registered_by=stored_user(actor),
    )
    record(
        "intermediaries.register",
        actor=actor,
        subject=intermediary,
        region_code=region.code,
        summary=f"中介机构 {name}（{code}）入驻中介超市",
    )
    return intermediary


@transaction.atomic
def add_qualification(
    intermediary: Intermediary,
    *,
    actor: User,
    kind: str,
    level: str = "",
    valid_from: datetime.date,
    valid_to: datetime.date,
) -> Qualification:
    intermediary = _locked(intermediary)
    _require_keeper(actor, intermediary.region)
    errors: dict = {}
    kind = _name(errors, "kind", kind, _("请填写资质类别"))
    if valid_from and valid_to and valid_to < valid_from:
        errors["valid_to"] = [_("有效期至不能早于有效期起")]
    fail_fields(errors)
    row = Qualification.objects.create(
        intermediary=intermediary,
        kind=kind,
        level=(level or "").strip()[:40],
        valid_from=valid_from,
        valid_to=valid_to,
    )
    record(
        "intermediaries.add_qualification",
        actor=actor,
        subject=intermediary,
        region_code=intermediary.region.code,
        summary=f"{intermediary.name} 资质 {kind} {row.level}，有效期 {valid_from} 至 {valid_to}",
    )
    return row


@transaction.atomic
def create_service(
    *,
    actor: User,
    region: Region,
    code: str,
    name: str,
    qualification_kind: str,
    procedure_kind: str = "",
) -> Service:
    _require_keeper(actor, region)
    errors: dict = {}
    name = _name(errors, "name", name, _("请填写中介服务名称"))
    qualification_kind = _name(
        errors, "qualification_kind", qualification_kind, _("请填写所需资质类别")
    )
    code = (code or "").strip()
    if not code:
        errors["code"] = [_("请填写代码")]
    elif Service.objects.filter(code=code).exists():
        errors["code"] = [_("该代码已被使用")]
    from oneseal.catalogue.models import SpecialProcedure

    if procedure_kind and procedure_kind not in SpecialProcedure.Kind.values:
        errors["procedure_kind"] = [_("不是第四十五条所列的特别程序")]
    fail_fields(errors)
    service = Service.objects.create(
        code=code, name=name, qualification_kind=qualification_kind, procedure_kind=procedure_kind
    )
    record(
        "intermediaries.create_service",
        actor=actor,
        subject=service,
        region_code=region.code,
        summary=f"中介服务 {name}（需 {qualification_kind}）",
    )
    return service


def _fee(errors: dict, field: str, value: object) -> Decimal:
    try:
        fee = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = [_("请填写金额（元）")]
        return Decimal(0)
    if not fee.is_finite() or fee < 0 or fee >= Decimal("1e10"):
        errors[field] = [_("金额应为不小于0的数")]
    elif fee != fee.quantize(Decimal("0.01")):
        errors[field] = [_("金额最多两位小数")]
    return fee


@transaction.atomic
def publish_offer(
    intermediary: Intermediary,
    *,
    actor: User,
    service: Service,
    fee: Decimal | str | int,
    promised_days: int,
) -> Offer:
    """Publish (or change) the fee and promised working days of a service (收费公示、限时服务)."""
    intermediary = _locked(intermediary)
    _require_keeper(actor, intermediary.region)
    errors: dict = {}
    amount = _fee(errors, "fee", fee)
    if not isinstance(promised_days, int) or not 1 <= promised_days <= 365:
        errors["promised_days"] = [_("承诺时限应为1至365个工作日")]
    fail_fields(errors)
    offer, _created = Offer.objects.update_or_create(
        intermediary=intermediary,
        service=service,
        defaults={"fee": amount, "promised_days": promised_days},
    )
    record(
        "intermediaries.publish_offer",
        actor=actor,
        subject=intermediary,
        region_code=intermediary.region.code,
        summary=f"{intermediary.name} {service.name} 收费 {amount} 元，承诺 {promised_days} 个工作日",
    )
    return offer


@transaction.atomic
def list_service(
    handling_item: HandlingItem, *, actor: User, service: Service, material: Material
) -> ItemService:
    """Add a line to the 中介服务事项清单: the item needs the service, whose deliverable is
    the item's `material`."""
    region = handling_item.item_version.item.catalogue.region
    _require_keeper(actor, region)
    if material.handling_item_id != handling_item.pk:
        fail_fields({"material": [_("该材料不属于此办理项")]})
    if ItemService.objects.filter(handling_item=handling_item, service=service).exists():
        fail_fields({"service": [_("该办理项已列入此中介服务")]})
    row = ItemService.objects.create(
        handling_item=handling_item, service=service, material=material
    )
    record(
        "intermediaries.list_service",
        actor=actor,
        subject=handling_item,
        region_code=region.code,
        summary=f"中介服务事项清单：{handling_item} 需 {service.name}，成果为 {material.name}",
    )
    return row


@transaction.atomic
def open_account(
    intermediary: Intermediary,
    *,
    actor: User,
    username: str,
    password: str = "",
    encoded_password: str = "",
) -> AbstractUser:
    """The intermediary's own sign-in: no role, it sees only its own engagements.
    `encoded_password` is for the demo, which hashes its one shared password once."""
    intermediary = _locked(intermediary)
    _require_keeper(actor, intermediary.region)
    if intermediary.user_id is not None:
        fail_blockers([_("该中介机构已开通账号")], field="username")
    user = create_outside_account(
        username=username,
        display_name=intermediary.name,
        password=password,
        encoded_password=encoded_password,
    )
    intermediary.user_id = user.pk
    intermediary.save(update_fields=["user"])
    record(
        "intermediaries.open_account",
        actor=actor,
        subject=intermediary,
        region_code=intermediary.region.code,
        summary=f"为中介机构 {intermediary.name} 开通账号 {user.username}",
    )
    return user


# --- choosing -------------------------------------------------------------------------------


def qualified_offers(service: Service, on: datetime.date) -> list[Offer]:
    """Offers of active intermediaries holding a qualification of the service's kind valid on
    `on` (an expired one cannot be chosen), by id."""
    return list(
        Offer.objects.filter(
            service=service,
            intermediary__status=Intermediary.Status.ACTIVE,
            intermediary__qualifications__kind=service.qualification_kind,
            intermediary__qualifications__valid_from__lte=on,
            intermediary__qualifications__valid_to__gte=on,
        )
        .select_related("intermediary")
        .distinct()
        .order_by("intermediary_id")
    )


def _may_choose(actor: User, case: Case) -> tuple[bool, bool]:
    """(may, as staff): the applicant's own account, or a clerk of the case's region."""
    if acts_for(actor, case.applicant):
        return True, False
    if has_role(actor, Role.CLERK, case.region):
        return True, True
    return False, False


@transaction.atomic
def engage(
    case: Case,
    *,
    actor: User,
    service: Service,
    method: str,
    intermediary: Intermediary | None = None,
    seed: str | None = None,
    on: datetime.date | None = None,
) -> Engagement:
    """Choose an intermediary for a service the case's item needs, by `method`, and record
    the contract: the offer's fee, and the promised delivery date that many working days
    after `on`."""
    case = Case.objects.select_for_update().select_related("applicant", "region").get(pk=case.pk)
    may, as_staff = _may_choose(actor, case)
    if not may:
        raise NotPermitted()
    on = on or today()
    blockers = []
    if case.state not in OPEN_STATES or case.state == State.GRANTED:
        blockers.append(_("办件已办结，不能再委托中介服务"))
    if not ItemService.objects.filter(
        handling_item=case.handling_item_id, service=service
    ).exists():
        blockers.append(_("该办理项的中介服务事项清单未列入此服务"))
    if Engagement.objects.filter(
        case=case, service=service, status=Engagement.Status.ENGAGED
    ).exists():
        blockers.append(_("该服务已有进行中的委托"))
    fail_blockers(blockers, field="service")
    offers = qualified_offers(service, on)
    if not offers:
        fail_blockers([_("没有符合资质条件的中介机构")], field="service")
    by_id = {o.intermediary_id: o for o in offers}
    if method == Engagement.Method.DIRECT:
        if intermediary is None:
            raise ValidationFailed(fields={"intermediary": [_("请选择中介机构")]})
        if intermediary.pk not in by_id:
            raise ValidationFailed(
                fields={"intermediary": [_("该中介机构不具备有效资质、未提供此服务或已暂停服务")]}
            )
        chosen = intermediary.pk
        seed = ""
    elif method == Engagement.Method.RANDOM:
        seed = seed or secrets.token_hex(16)
        chosen = rules.draw(seed, list(by_id))
    elif method == Engagement.Method.LOWEST:
        chosen = rules.lowest({i: o.fee for i, o in by_id.items()})
        seed = ""
    else:
        fail_fields({"method": [_("请选择直接选取、随机抽取或最低报价")]})
    offer = by_id[chosen]
    due = current_calendar().add(on, offer.promised_days).date
    engagement = Engagement.objects.create(
        case=case,
        service=service,
        intermediary=offer.intermediary,
        method=method,
        seed=seed or "",
        qualified=list(by_id),
        chosen_by=stored_user(actor),
        chosen_by_staff=as_staff,
        contract_number=f"ZJ{case.pk:06d}-{secrets.token_hex(4).upper()}",
        fee=offer.fee,
        promised_days=offer.promised_days,
        starts_on=on,
        due_on=due,
    )
    record(
        "intermediaries.engage",
        actor=actor,
        subject=case,
        region_code=case.region.code,
        summary=(
            f"{case} 委托 {offer.intermediary.name} 提供 {service.name}"
            f"（{engagement.get_method_display()}，{offer.fee} 元，{due} 前交付）"
        ),
        data={
            "engagement": engagement.pk,
            "method": method,
            "seed": seed,
            "qualified": list(by_id),
            "chosen": chosen,
        },
    )
    return engagement


def _locked_engagement(engagement: Engagement) -> Engagement:
    return (
        Engagement.objects.select_for_update(of=("self",))
        .select_related("case__region", "case__applicant", "intermediary", "service")
        .get(pk=engagement.pk)
    )


@transaction.atomic
def suspend_for(engagement: Engagement, *, actor: User, on: datetime.date | None = None) -> Case:
    """第四十五条: a reviewer leaves the engagement's time out of an accepted case's clock,
    when the service is a procedure the item's guide lists (`cases.actions.suspend` checks)."""
    engagement = _locked_engagement(engagement)
    blockers = []
    if not engagement.service.procedure_kind:
        blockers.append(_("该中介服务不属于第四十五条所列特别程序，其时间计入办理时限"))
    if engagement.status != Engagement.Status.ENGAGED:
        blockers.append(_("委托已交付"))
    if engagement.suspended_case:
        blockers.append(_("办件已因该委托中止"))
    fail_blockers(blockers)
    case = case_actions.suspend(
        engagement.case,
        actor=actor,
        kind=engagement.service.procedure_kind,
        reason=_("委托中介机构{name}进行{service}").format(
            name=engagement.intermediary.name, service=engagement.service.name
        ),
        expected_days=engagement.promised_days,
        on=on,
    )
    engagement.suspended_case = True
    engagement.save(update_fields=["suspended_case"])
    return case


@transaction.atomic
def deliver(
    engagement: Engagement, *, actor: User, upload: File, on: datetime.date | None = None
) -> Engagement:
    """The intermediary's own account hands in the deliverable; it becomes the case's
    material on the 中介服务事项清单's line. A service redone (another engagement of the case
    for the same service) delivers its own result: the file an earlier engagement delivered is
    refused under `file`, else the case's record holds one deliverable twice."""
    engagement = _locked_engagement(engagement)
    _require_own(actor, engagement.intermediary)
    if engagement.status != Engagement.Status.ENGAGED:
        fail_blockers([_("该委托已交付")])
    sha256 = check_upload(upload).sha256
    if Engagement.objects.filter(
        case=engagement.case_id, service=engagement.service_id, deliverable__sha256=sha256
    ).exists():
        msg = _("该文件与本办件此前已交付的中介服务成果相同，请交付本次委托的成果")
        raise ValidationFailed(msg, fields={"file": [msg]})
    listing = ItemService.objects.get(
        handling_item=engagement.case.handling_item_id, service=engagement.service
    )
    line = CaseMaterial.objects.filter(case=engagement.case, material=listing.material).first()
    if line is None:
        missing = _("办件材料清单中没有该中介服务成果对应的材料")
        raise InvalidTransition(missing, reasons=[missing])
    row = case_actions.attach_deliverable(line, actor=actor, upload=upload)
    engagement.status = Engagement.Status.DELIVERED
    engagement.delivered_on = on or today()
    engagement.deliverable = row
    engagement.save(update_fields=["status", "delivered_on", "deliverable"])
    record(
        "intermediaries.deliver",
        actor=actor,
        subject=engagement.case,
        region_code=engagement.case.region.code,
        summary=f"{engagement.intermediary.name} 交付 {engagement.service.name} 成果"
        + ("（逾期）" if engagement.late else ""),
        data={"engagement": engagement.pk, "late": engagement.late},
    )
    if engagement.late:
        _apply_rule(engagement.intermediary, engagement.delivered_on)
    return engagement


# --- ratings, the rule, appeals -------------------------------------------------------------


def _score(errors: dict, field: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        errors[field] = [_("评分应为1至5的整数")]
        return 0
    return value


@transaction.atomic
def rate(
    engagement: Engagement,
    *,
    actor: User,
    quality: int,
    timeliness: int,
    attitude: int,
    fee: int,
    comment: str = "",
    on: datetime.date | None = None,
) -> Rating:
    engagement = _locked_engagement(engagement)
    if not acts_for(actor, engagement.case.applicant):
        raise NotPermitted(_("只有申请人可以评价中介服务"))
    blockers = []
    if engagement.status != Engagement.Status.DELIVERED:
        blockers.append(_("中介服务交付后才能评价"))
    if Rating.objects.filter(engagement=engagement).exists():
        blockers.append(_("该委托已评价，不能重复评价"))
    fail_blockers(blockers)
    errors: dict = {}
    scores = {
        name: _score(errors, name, value)
        for name, value in (
            ("quality", quality),
            ("timeliness", timeliness),
            ("attitude", attitude),
            ("fee", fee),
        )
    }
    comment = (comment or "").strip()
    if len(comment) > 300:
        errors["comment"] = [_("评价意见不能超过300字")]
    fail_fields(errors)
    on = on or today()
    rating = Rating.objects.create(
        engagement=engagement, comment=comment, rated_by=stored_user(actor), rated_on=on, **scores
    )
    record(
        "intermediaries.rate",
        actor=actor,
        subject=engagement.case,
        region_code=engagement.case.region.code,
        summary=f"评价 {engagement.intermediary.name}：{rating.overall:.2f} 分",
        data={"engagement": engagement.pk, **scores},
    )
    _apply_rule(engagement.intermediary, on)
    return rating


def _apply_rule(intermediary: Intermediary, on: datetime.date) -> None:
    """Suspend an active intermediary the rule catches, recording the rule and its figures."""
    intermediary = _locked(intermediary)
    if intermediary.status != Intermediary.Status.ACTIVE:
        return
    rule = suspension_rule()
    since = rule.window_start(on)
    # Only what happened since the last reinstatement counts: an upheld appeal starts afresh.
    if intermediary.status_since and intermediary.status_since > since:
        since = intermediary.status_since
    scores = [
        r.overall
        for r in Rating.objects.filter(
            engagement__intermediary=intermediary, rated_on__gte=since, rated_on__lte=on
        )
    ]
    late = sum(
        1
        for e in Engagement.objects.filter(
            intermediary=intermediary, delivered_on__gte=since, delivered_on__lte=on
        )
        if e.late
    )
    verdict = rule.verdict(scores, late)
    if not verdict:
        return
    reason = (
        _("近{months}个月内{n}次评价不高于{score}分").format(
            months=rule.months, n=rule.poor_ratings, score=rule.poor_score
        )
        if verdict == "ratings"
        else _("近{months}个月内{n}次逾期交付").format(months=rule.months, n=late)
    )
    intermediary.status = Intermediary.Status.SUSPENDED
    intermediary.status_reason = reason
    intermediary.status_since = on
    intermediary.suspension_rule = {
        "rule": verdict,
        **rule.as_dict(),
        "since": since.isoformat(),
        "poor": sum(1 for s in scores if s <= rule.poor_score),
        "late": late,
    }
    intermediary.save(update_fields=["status", "status_reason", "status_since", "suspension_rule"])
    record(
        "intermediaries.suspend",
        actor=None,
        subject=intermediary,
        region_code=intermediary.region.code,
        summary=f"{intermediary.name} 按规则自动暂停服务：{reason}",
        data=intermediary.suspension_rule,
    )


@transaction.atomic
def appeal(
    intermediary: Intermediary, *, actor: User, reason: str, on: datetime.date | None = None
) -> Appeal:
    intermediary = _locked(intermediary)
    _require_own(actor, intermediary)
    blockers = []
    if intermediary.status != Intermediary.Status.SUSPENDED:
        blockers.append(_("未被暂停服务，无需申诉"))
    if intermediary.appeals.filter(outcome=Appeal.Outcome.PENDING).exists():
        blockers.append(_("已有待处理的申诉"))
    fail_blockers(blockers)
    errors: dict = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写申诉理由")]
    elif len(reason) > 500:
        errors["reason"] = [_("申诉理由不能超过500字")]
    fail_fields(errors)
    row = Appeal.objects.create(
        intermediary=intermediary,
        reason=reason,
        lodged_by=stored_user(actor),
        lodged_on=on or today(),
    )
    record(
        "intermediaries.appeal",
        actor=actor,
        subject=intermediary,
        region_code=intermediary.region.code,
        summary=f"{intermediary.name} 对暂停服务提出申诉",
    )
    return row


@transaction.atomic
def decide_appeal(
    row: Appeal, *, actor: User, upheld: bool, answer: str, on: datetime.date | None = None
) -> Appeal:
    row = Appeal.objects.select_for_update().get(pk=row.pk)
    intermediary = _locked(row.intermediary)
    _require_keeper(actor, intermediary.region)
    if row.outcome != Appeal.Outcome.PENDING:
        fail_blockers([_("该申诉已处理")])
    answer = (answer or "").strip()
    if not answer:
        fail_fields({"answer": [_("请填写处理意见")]})
    on = on or today()
    row.outcome = Appeal.Outcome.UPHELD if upheld else Appeal.Outcome.REJECTED
    row.answer = answer[:500]
    row.decided_by = stored_user(actor)
    row.decided_on = on
    row.save(update_fields=["outcome", "answer", "decided_by", "decided_on"])
    # A removal since the appeal stands: upholding the appeal lifts only the suspension.
    if upheld and intermediary.status == Intermediary.Status.SUSPENDED:
        intermediary.status = Intermediary.Status.ACTIVE
        intermediary.status_reason = ""
        intermediary.status_since = on
        intermediary.save(update_fields=["status", "status_reason", "status_since"])
    record(
        "intermediaries.decide_appeal",
        actor=actor,
        subject=intermediary,
        region_code=intermediary.region.code,
        summary=f"{intermediary.name} 的申诉：{row.get_outcome_display()}",
    )
    return row


# --- staff decisions on an intermediary's standing ------------------------------------------


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        fail_fields({"reason": [_("请填写原因")]})
    if len(reason) > 300:
        fail_fields({"reason": [_("原因不能超过300字")]})
    return reason


def _set_standing(
    intermediary: Intermediary,
    *,
    actor: User,
    status: str,
    allowed_from: tuple[str, ...],
    refusal: str,
    reason: str,
    on: datetime.date | None,
    verb: str,
) -> Intermediary:
    intermediary = _locked(intermediary)
    _require_keeper(actor, intermediary.region)
    if intermediary.status not in allowed_from:
        fail_blockers([refusal], field="reason")
    reason = _reason(reason)
    on = on or today()
    before = intermediary.status
    intermediary.status = status
    # A staff decision names its reason; the automatic rule's figures belong to the rule only.
    intermediary.status_reason = reason if status != Intermediary.Status.ACTIVE else ""
    intermediary.suspension_rule = {}
    intermediary.status_since = on
    intermediary.save(update_fields=["status", "status_reason", "status_since", "suspension_rule"])
    record(
        f"intermediaries.{verb}",
        actor=actor,
        subject=intermediary,
        region_code=intermediary.region.code,
        summary=f"{intermediary.name}：{intermediary.get_status_display()}（{reason}）",
        data={"from": before, "to": status, "reason": reason},
    )
    return intermediary


@transaction.atomic
def suspend_intermediary(
    intermediary: Intermediary, *, actor: User, reason: str, on: datetime.date | None = None
) -> Intermediary:
    """A keeper suspends an active intermediary: it can no longer be chosen; engagements already
    made run on."""
    return _set_standing(
        intermediary,
        actor=actor,
        status=Intermediary.Status.SUSPENDED,
        allowed_from=(Intermediary.Status.ACTIVE,),
        refusal=_("只能暂停正常服务的中介机构"),
        reason=reason,
        on=on,
        verb="suspend_by_staff",
    )


@transaction.atomic
def reinstate_intermediary(
    intermediary: Intermediary, *, actor: User, reason: str, on: datetime.date | None = None
) -> Intermediary:
    """A keeper lifts a suspension (its own or the rule's). The rule then counts afresh from
    this day. A removed intermediary stays removed."""
    return _set_standing(
        intermediary,
        actor=actor,
        status=Intermediary.Status.ACTIVE,
        allowed_from=(Intermediary.Status.SUSPENDED,),
        refusal=_("只能恢复暂停服务的中介机构"),
        reason=reason,
        on=on,
        verb="reinstate",
    )


@transaction.atomic
def remove_intermediary(
    intermediary: Intermediary, *, actor: User, reason: str, on: datetime.date | None = None
) -> Intermediary:
    """清退: the intermediary leaves the marketplace for good (it is never chosen again); its
    engagements, ratings and the public record of its removal stay."""
    return _set_standing(
        intermediary,
        actor=actor,
        status=Intermediary.Status.REMOVED,
        allowed_from=(Intermediary.Status.ACTIVE, Intermediary.Status.SUSPENDED),
        refusal=_("该中介机构已清退"),
        reason=reason,
        on=on,
        verb="remove",
    )
