"""Writes of the expert pool (专家库) and of expert reviews (专家评审).

Who acts:
- the pool is kept by reviewers and signatories whose scope covers the expert's region;
- a review is opened, drawn for, overridden, concluded, rated and paid by a reviewer or
  signatory of the case's region (the case's own section suspends it: `cases.actions.suspend`);
- an expert answers, and gives an opinion, only through their own account, only on their own
  assignments.

The review's time is a 第四十五条 suspension: `open_review` suspends the case with the special
procedure 专家评审 (its notice is issued with the suspension) and `conclude_review` resumes it.
Every draw is recorded with its seed, pool size, eligible list and every exclusion; staff can
hand-pick or remove an expert only with a reason, recorded as an override that e-supervision
lists. Each action is one transaction with an audit row.
"""

import datetime
import re
import secrets
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.actors import User, acts_as_system, stored_user
from oneseal.applicants import rules as applicant_rules
from oneseal.applicants.models import Applicant
from oneseal.audit.actions import record
from oneseal.calendars.queries import current_calendar, today
from oneseal.cases import actions as case_actions
from oneseal.cases.models import Case, State, Suspension
from oneseal.catalogue.models import SpecialProcedure
from oneseal.errors import NotPermitted, ValidationFailed, fail_blockers, fail_fields
from oneseal.esupervision.models import ConflictDeclaration
from oneseal.organisation.actions import create_outside_account
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role
from oneseal.regions.models import Region

from . import rules
from .models import (
    Assignment,
    Draw,
    Expert,
    ExpertDeclaration,
    ExpertField,
    ExpertReview,
    Unavailability,
)
from .rules import Reason

# --- who may --------------------------------------------------------------------------------


def may_keep_pool(actor: User, region: Region) -> bool:
    return has_role(actor, Role.REVIEWER, region) or has_role(actor, Role.SIGNATORY, region)


def _require_pool_keeper(actor: User, region: Region) -> None:
    if not may_keep_pool(actor, region):
        raise NotPermitted()


def _require_case_staff(actor: User, case: Case) -> None:
    if not may_keep_pool(actor, case.region):
        raise NotPermitted()


def _require_own(actor: User, assignment: Assignment) -> None:
    """Only the expert's own account answers for them; nobody else, staff included."""
    user_id = assignment.expert.user_id
    if user_id is None or not getattr(actor, "is_active", False) or actor.pk != user_id:
        raise NotPermitted(_("只有被抽取的专家本人可以答复"))


# --- the pool -------------------------------------------------------------------------------


def _text(errors: dict, name: str, value: str, message: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = [message]
    elif value and (problem := applicant_rules.name_problem(value)):
        errors[name] = [problem]
    return value


def _id_number(errors: dict, value: str) -> str:
    try:
        return applicant_rules.validate_id_number(value)
    except ValueError as exc:
        errors["id_number"] = [str(exc)]
        return ""


def _credit_code(errors: dict, value: str) -> str:
    if not (value or "").strip():
        return ""
    try:
        return applicant_rules.validate_credit_code(value)
    except ValueError as exc:
        errors["employer_credit_code"] = [str(exc)]
        return ""


def _fields(errors: dict, fields: Iterable[ExpertField | int]) -> list[ExpertField]:
    ids = [f.pk if isinstance(f, ExpertField) else f for f in fields or []]
    found = list(ExpertField.objects.filter(pk__in=ids))
    if not ids:
        errors["fields"] = [_("请至少选择一个专业领域")]
    elif len(found) != len(set(ids)):
        errors["fields"] = [_("专业领域不存在")]
    return found


@transaction.atomic
def create_field(
    *, actor: User | None = None, system: bool = False, code: str, name: str
) -> ExpertField:
    """A field of expertise the pool is organised by: the installation's list, kept by a
    superuser (or the system, for the demo and set-up)."""
    if not acts_as_system(actor, system=system) and not (
        actor is not None and getattr(actor, "is_superuser", False) and actor.is_active
    ):
        raise NotPermitted()
    errors: dict = {}
    code = (code or "").strip()
    if not re.fullmatch(r"[a-z][a-z0-9_-]{0,39}", code):
        errors["code"] = [_("代码须为小写字母开头的字母、数字、下划线或连字符，最多40个字符")]
    elif ExpertField.objects.filter(code=code).exists():
        errors["code"] = [_("该代码已存在")]
    name = _text(errors, "name", name, _("请填写专业领域名称"))
    if name and ExpertField.objects.filter(name=name).exists():
        errors["name"] = [_("该专业领域已存在")]
    fail_fields(errors)
    field = ExpertField.objects.create(code=code, name=name)
    record(
        "experts.create_field",
        actor=actor,
        subject=field,
        summary=f"新增专家专业领域：{name}（{code}）",
    )
    return field


@transaction.atomic
def register_expert(
    *,
    actor: User,
    region: Region,
    name: str,
    id_number: str,
    fields: Iterable[ExpertField | int],
    title: str,
    employer_name: str,
    phone: str,
    employer_credit_code: str = "",
    email: str = "",
) -> Expert:
    """Enter an expert in the pool of `region` (they may be drawn for its cases and those of
    the regions under it)."""
    _require_pool_keeper(actor, region)
    errors: dict = {}
    name = _text(errors, "name", name, _("请填写专家姓名"))
    number = _id_number(errors, id_number)
    chosen = _fields(errors, fields)
    title = _text(errors, "title", title, _("请填写职称"))
    employer_name = _text(errors, "employer_name", employer_name, _("请填写工作单位"))
    code = _credit_code(errors, employer_credit_code)
    phone = _text(errors, "phone", phone, _("请填写联系电话"))
    if number and Expert.objects.filter(id_number=number).exists():
        errors["id_number"] = [_("该专家已在库中")]
    fail_fields(errors)
    expert = Expert.objects.create(
        name=name,
        id_number=number,
        title=title,
        employer_name=employer_name,
        employer_credit_code=code,
        region=region,
        phone=phone,
        email=(email or "").strip(),
        status_since=today(),
        registered_by=stored_user(actor),
    )
    expert.fields.set(chosen)
    record(
        "experts.register_expert",
        actor=actor,
        subject=expert,
        region_code=region.code,
        summary=f"{expert.name}（{expert.title}，{expert.employer_name}）入库",
        data={"fields": sorted(f.code for f in chosen)},
    )
    return expert


def _locked_expert(expert: Expert) -> Expert:
    return Expert.objects.select_for_update().select_related("region").get(pk=expert.pk)


@transaction.atomic
def update_expert(
    expert: Expert,
    *,
    actor: User,
    fields: Iterable[ExpertField | int],
    title: str,
    employer_name: str,
    phone: str,
    employer_credit_code: str = "",
    email: str = "",
) -> Expert:
    """Change an expert's fields, title, employer or contact (name and ID number are identity)."""
    expert = _locked_expert(expert)
    _require_pool_keeper(actor, expert.region)
    errors: dict = {}
    chosen = _fields(errors, fields)
    before = {
        "title": expert.title,
        "employer_name": expert.employer_name,
        "employer_credit_code": expert.employer_credit_code,
        "phone": expert.phone,
        "email": expert.email,
        "fields": sorted(expert.fields.values_list("code", flat=True)),
    }
    expert.title = _text(errors, "title", title, _("请填写职称"))
    expert.employer_name = _text(errors, "employer_name", employer_name, _("请填写工作单位"))
    expert.employer_credit_code = _credit_code(errors, employer_credit_code)
    expert.phone = _text(errors, "phone", phone, _("请填写联系电话"))
    expert.email = (email or "").strip()
    fail_fields(errors)
    expert.save()
    expert.fields.set(chosen)
    after = {
        "title": expert.title,
        "employer_name": expert.employer_name,
        "employer_credit_code": expert.employer_credit_code,
        "phone": expert.phone,
        "email": expert.email,
        "fields": sorted(f.code for f in chosen),
    }
    record(
        "experts.update_expert",
        actor=actor,
        subject=expert,
        region_code=expert.region.code,
        summary=f"修改专家信息：{expert.name}",
        data={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    return expert


@transaction.atomic
def add_unavailability(
    expert: Expert,
    *,
    actor: User,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str = "",
) -> Unavailability:
    """A period the expert cannot review: kept by the pool, or told by the expert themselves."""
    expert = _locked_expert(expert)
    if not (expert.user_id is not None and actor.pk == expert.user_id):
        _require_pool_keeper(actor, expert.region)
    if ends_on < starts_on:
        msg = _("结束日期不能早于开始日期")
        raise ValidationFailed(msg, fields={"ends_on": [msg]})
    period = Unavailability.objects.create(
        expert=expert,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=(reason or "").strip()[:200],
        recorded_by=stored_user(actor),
    )
    record(
        "experts.add_unavailability",
        actor=actor,
        subject=expert,
        region_code=expert.region.code,
        summary=f"{expert.name} 不可参评：{starts_on.isoformat()} 至 {ends_on.isoformat()}",
    )
    return period


def _declared_number(text: str) -> str:
    normalised = applicant_rules.normalise(text)
    problems = []
    for check in (applicant_rules.validate_id_number, applicant_rules.validate_credit_code):
        try:
            return check(normalised)
        except ValueError as exc:
            problems.append(str(exc))
    msg = _("请填写有效的居民身份证号码或统一社会信用代码（{why}）").format(why="；".join(problems))
    raise ValidationFailed(msg, fields={"number": [msg]})


@transaction.atomic
def declare_expert_conflict(
    expert: Expert,
    *,
    actor: User,
    relative_name: str,
    relation: str,
    number: str,
    on: datetime.date | None = None,
) -> ExpertDeclaration:
    """回避申报 of an expert (by the expert, or entered by the pool from their written form):
    a relative or related organisation whose cases they must not be drawn for."""
    expert = _locked_expert(expert)
    if not (expert.user_id is not None and actor.pk == expert.user_id):
        _require_pool_keeper(actor, expert.region)
    errors: dict = {}
    relative_name = _text(errors, "relative_name", relative_name, _("请填写亲属姓名或单位名称"))
    if relation not in ConflictDeclaration.Relation.values:
        errors["relation"] = [_("请选择与申报人的关系")]
    try:
        number = _declared_number(number)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    fail_fields(errors)
    if expert.declarations.filter(number=number, withdrawn_on__isnull=True).exists():
        msg = _("已申报过该号码")
        raise ValidationFailed(msg, fields={"number": [msg]})
    declaration = ExpertDeclaration.objects.create(
        expert=expert,
        relative_name=relative_name,
        relation=relation,
        number=number,
        declared_on=on or today(),
        recorded_by=stored_user(actor),
    )
    record(
        "experts.declare_conflict",
        actor=actor,
        subject=expert,
        region_code=expert.region.code,
        summary=f"{expert.name} 申报回避：{relative_name}（{declaration.get_relation_display()}）",
    )
    return declaration


@transaction.atomic
def suspend_expert(
    expert: Expert, *, actor: User, reason: str, on: datetime.date | None = None
) -> Expert:
    """Take an expert out of every draw (poor ratings, a breach, at their request)."""
    expert = _locked_expert(expert)
    _require_pool_keeper(actor, expert.region)
    reason = (reason or "").strip()
    if not reason:
        msg = _("请填写暂停抽取的原因")
        raise ValidationFailed(msg, fields={"reason": [msg]})
    if expert.status == Expert.Status.SUSPENDED:
        fail_blockers([_("该专家已暂停抽取")], field="status")
    expert.status, expert.status_reason, expert.status_since = (
        Expert.Status.SUSPENDED,
        reason[:300],
        on or today(),
    )
    expert.save(update_fields=["status", "status_reason", "status_since"])
    record(
        "experts.suspend_expert",
        actor=actor,
        subject=expert,
        region_code=expert.region.code,
        summary=f"暂停抽取专家 {expert.name}：{reason}",
    )
    return expert


@transaction.atomic
def reinstate_expert(expert: Expert, *, actor: User, on: datetime.date | None = None) -> Expert:
    expert = _locked_expert(expert)
    _require_pool_keeper(actor, expert.region)
    if expert.status != Expert.Status.SUSPENDED:
        fail_blockers([_("该专家未被暂停抽取")], field="status")
    expert.status, expert.status_reason, expert.status_since = (
        Expert.Status.ACTIVE,
        "",
        on or today(),
    )
    expert.save(update_fields=["status", "status_reason", "status_since"])
    record(
        "experts.reinstate_expert",
        actor=actor,
        subject=expert,
        region_code=expert.region.code,
        summary=f"恢复抽取专家 {expert.name}",
    )
    return expert


@transaction.atomic
def open_account(expert: Expert, *, actor: User, username: str, password: str) -> AbstractUser:
    """The expert's own sign-in, on which they answer draws and give opinions. Not staff: the
    account holds no role and sees only the expert's own assignments."""
    expert = _locked_expert(expert)
    _require_pool_keeper(actor, expert.region)
    if expert.user_id is not None:
        fail_blockers([_("该专家已开通账号")], field="username")
    user = create_outside_account(
        username=username, display_name=expert.name[:150], password=password
    )
    expert.user_id = user.pk
    expert.save(update_fields=["user"])
    record(
        "experts.open_account",
        actor=actor,
        subject=expert,
        region_code=expert.region.code,
        summary=f"为专家 {expert.name} 开通账号 {user.username}",
    )
    return user


# --- the draw -------------------------------------------------------------------------------


def applicant_number(applicant: Applicant) -> str:
    return (
        applicant.credit_code
        if applicant.kind == Applicant.Kind.ORGANISATION
        else applicant.id_number
    )


def target_of(review: ExpertReview) -> rules.Target:
    case, applicant = review.case, review.case.applicant
    return rules.Target(
        field_id=review.field_id,
        region_code=case.region.code,
        starts_on=review.opened_on,
        ends_on=review.ends_on,
        applicant_number=applicant_number(applicant),
        applicant_name=applicant.name,
        applicant_is_organisation=applicant.kind == Applicant.Kind.ORGANISATION,
    )


def candidates(review: ExpertReview) -> list[tuple[Expert, rules.Candidate]]:
    """Every expert of the pool as the draw sees them (a fixed number of queries)."""
    experts = list(
        Expert.objects.select_related("region")
        .prefetch_related("fields", "unavailabilities")
        .order_by("id")
    )
    declared: dict[int, set[str]] = {}
    for expert_id, number in ExpertDeclaration.objects.filter(
        withdrawn_on__isnull=True
    ).values_list("expert_id", "number"):
        declared.setdefault(expert_id, set()).add(number)
    # An expert who is also staff declared their relatives once, in e-supervision.
    by_user = {e.user_id: e.pk for e in experts if e.user_id is not None}
    for user_id, number in ConflictDeclaration.objects.filter(
        withdrawn_on__isnull=True, staff__user_id__in=list(by_user)
    ).values_list("staff__user_id", "number"):
        declared.setdefault(by_user[user_id], set()).add(number)
    since = rules.recent_since(review.opened_on, settings.ONESEAL_EXPERT_RECENT_DAYS)
    recent = set(
        Assignment.objects.filter(
            review__case__applicant_id=review.case.applicant_id,
            review__opened_on__gte=since,
            state__in=[Assignment.State.ACCEPTED, Assignment.State.SUBMITTED],
        )
        .exclude(review=review)
        .values_list("expert_id", flat=True)
    )
    on_review = set(review.assignments.values_list("expert_id", flat=True))
    out = []
    for e in experts:
        out.append(
            (
                e,
                rules.Candidate(
                    expert_id=e.pk,
                    field_ids=frozenset(f.pk for f in e.fields.all()),
                    active=e.status == Expert.Status.ACTIVE,
                    region_prefix=e.region.prefix,
                    id_number=e.id_number,
                    employer_name=e.employer_name,
                    employer_credit_code=e.employer_credit_code,
                    unavailable=tuple((u.starts_on, u.ends_on) for u in e.unavailabilities.all()),
                    declared_numbers=frozenset(declared.get(e.pk, ())),
                    reviewed_applicant_recently=e.pk in recent,
                    on_review=e.pk in on_review,
                ),
            )
        )
    return out


def eligibility(review: ExpertReview) -> tuple[list[int], list[dict], dict[int, Expert]]:
    """The eligible expert ids (ascending), the excluded with their reasons, and the experts."""
    target = target_of(review)
    eligible, excluded, experts = [], [], {}
    for expert, candidate in candidates(review):
        experts[expert.pk] = expert
        reasons = rules.exclusion_reasons(candidate, target)
        if reasons:
            excluded.append({"expert": expert.pk, "name": expert.name, "reasons": reasons})
        else:
            eligible.append(expert.pk)
    return eligible, excluded, experts


def _seats_left(review: ExpertReview) -> int:
    taken = sum(1 for a in review.assignments.all() if a.counts)
    return max(0, review.experts_needed - taken)


def _draw(
    review: ExpertReview,
    *,
    actor: User,
    kind: str,
    n: int,
    on: datetime.date,
    reason: str = "",
    override: bool = False,
) -> Draw:
    """Draw `n` experts at random among the eligible and invite them; the draw is recorded
    whatever it finds (a shortfall included)."""
    eligible, excluded, experts = eligibility(review)
    seed = str(secrets.randbits(63))
    drawn = rules.draw(seed, eligible, n)
    draw = Draw.objects.create(
        review=review,
        kind=kind,
        seed=seed,
        requested=n,
        pool_size=len(experts),
        eligible=eligible,
        excluded=excluded,
        drawn=drawn,
        override=override,
        reason=reason[:300],
        on=on,
        drawn_by=stored_user(actor),
    )
    Assignment.objects.bulk_create(
        [Assignment(review=review, expert_id=expert_id, draw=draw) for expert_id in drawn]
    )
    record(
        "experts.draw",
        actor=actor,
        subject=draw,
        region_code=review.case.region.code,
        summary=(
            f"{review.case.number} {draw.get_kind_display()}：专家库 {len(experts)} 人，"
            f"符合条件 {len(eligible)} 人，抽中 "
            + ("、".join(experts[i].name for i in drawn) or "无")
        ),
        data={
            "review": review.pk,
            "seed": seed,
            "requested": n,
            "drawn": drawn,
            "override": override,
            "reason": reason,
        },
    )
    return draw


def _fill_seats(
    review: ExpertReview,
    *,
    actor: User,
    on: datetime.date | None,
    reason: str = "",
    override: bool = False,
) -> Draw:
    """A replacement draw for every seat of the review left empty (by a shortfall, a decline
    or a removal)."""
    return _draw(
        review,
        actor=actor,
        kind=Draw.Kind.REPLACEMENT,
        n=_seats_left(review),
        on=on or today(),
        reason=reason,
        override=override,
    )


OVERRIDE_REASON_LENGTH = 300  # Draw.reason


def _override_reason(prefix: str, reason: str) -> str:
    """The reason an override is recorded and listed with (who, then why), whole: one too long
    to be kept whole is refused on its field rather than cut."""
    room = OVERRIDE_REASON_LENGTH - len(prefix)
    if len(reason) > room:
        msg = _("理由过长，最多{n}个字").format(n=room)
        raise ValidationFailed(msg, fields={"reason": [msg]})
    return prefix + reason


def _locked_review(review: ExpertReview) -> ExpertReview:
    return (
        ExpertReview.objects.select_for_update()
        .select_related("case__region", "case__applicant", "field")
        .get(pk=review.pk)
    )


def _require_open(review: ExpertReview) -> None:
    if review.state != ExpertReview.State.OPEN:
        fail_blockers([_("该专家评审已完成")], field="review")


def open_review_blockers(case: Case) -> list[str]:
    blockers = []
    if case.state != State.ACCEPTED:
        blockers.append(_("只有已受理、正在审查的办件可以组织专家评审"))
    if not SpecialProcedure.objects.filter(
        handling_item_id=case.handling_item_id, kind=SpecialProcedure.Kind.EXPERT_REVIEW
    ).exists():
        blockers.append(_("该事项办事指南未列明专家评审程序"))
    return blockers


@transaction.atomic
def open_review(
    case: Case,
    *,
    actor: User,
    field: ExpertField,
    experts_needed: int,
    subject: str,
    ends_on: datetime.date,
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> ExpertReview:
    """Start an expert review of the case: draw `experts_needed` experts of `field` at random
    among the eligible and suspend the case for the review (第四十五条, with its notice) from
    `on` to the expected end `ends_on`. Refused, with nothing stored, when fewer experts are
    eligible than needed."""
    on = on or today()
    # Locked first, so that two reviews opened at once queue and the second finds the case
    # already suspended.
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("region", "applicant")
        .get(pk=case.pk)
    )
    _require_case_staff(actor, case)
    fail_blockers(open_review_blockers(case))
    errors: dict = {}
    subject = _text(errors, "subject", subject, _("请填写评审事项"))
    if (
        not isinstance(experts_needed, int)
        or isinstance(experts_needed, bool)
        or not 1 <= experts_needed <= 15
    ):
        errors["experts_needed"] = [_("专家人数须为1至15人")]
    if on > today():
        errors["on"] = [_("开始日期不能晚于今天")]
    if ends_on is None or ends_on <= on:
        errors["ends_on"] = [_("预计结束日期须晚于开始日期")]
    fail_fields(errors)
    try:
        days = current_calendar().between(on, ends_on)
    except ValueError:  # beyond the years the calendar knows
        msg = _("预计结束日期超出工作日历的范围")
        raise ValidationFailed(msg, fields={"ends_on": [msg]}) from None
    if days < 1:
        msg = _("评审期间至少须含一个工作日")
        raise ValidationFailed(msg, fields={"ends_on": [msg]})
    review = ExpertReview.objects.create(
        case=case,
        field=field,
        experts_needed=experts_needed,
        subject=subject,
        opened_on=on,
        ends_on=ends_on,
        opened_by=stored_user(actor),
    )
    draw = _draw(review, actor=actor, kind=Draw.Kind.INITIAL, n=experts_needed, on=on)
    if len(draw.drawn) < experts_needed:
        msg = _("符合条件的专家只有{n}人，少于所需的{needed}人").format(
            n=len(draw.eligible), needed=experts_needed
        )
        raise ValidationFailed(msg, fields={"experts_needed": [msg]})
    case_actions.suspend(
        case,
        actor=actor,
        kind=SpecialProcedure.Kind.EXPERT_REVIEW,
        reason=_("专家评审：{subject}").format(subject=subject),
        expected_days=days,
        on=on,
        expected_version=expected_version,
    )
    record(
        "experts.open_review",
        actor=actor,
        subject=review,
        region_code=case.region.code,
        summary=f"{case.number} 组织专家评审（{field.name}，{experts_needed}人）：{subject}",
    )
    return review


@transaction.atomic
def draw_more(review: ExpertReview, *, actor: User, on: datetime.date | None = None) -> Draw:
    """Fill the seats a shortfall left empty, by a new random draw."""
    review = _locked_review(review)
    _require_case_staff(actor, review.case)
    _require_open(review)
    if _seats_left(review) == 0:
        fail_blockers([_("专家人数已满，无需补充抽取")], field="review")
    return _fill_seats(review, actor=actor, on=on)


@transaction.atomic
def appoint_expert(
    review: ExpertReview,
    expert: Expert,
    *,
    actor: User,
    reason: str,
    on: datetime.date | None = None,
) -> Assignment:
    """Hand-pick an expert for a free seat: an override of the draw, only with a reason, which
    e-supervision lists. A conflict of interest, an expert unavailable, one who reviewed the
    applicant recently or is already on the review is never appointed; the field or region
    rule may be waived (a rare speciality), and what was waived is recorded."""
    review = _locked_review(review)
    _require_case_staff(actor, review.case)
    _require_open(review)
    reason = (reason or "").strip()
    if not reason:
        msg = _("指定专家须填写理由")
        raise ValidationFailed(msg, fields={"reason": [msg]})
    if _seats_left(review) == 0:
        fail_blockers([_("专家人数已满，不能再指定")], field="expert")
    target = target_of(review)
    found = {e.pk: c for e, c in candidates(review)}
    reasons = rules.exclusion_reasons(found[expert.pk], target)
    barred = [
        r
        for r in reasons
        if r in Reason.CONFLICTS or r in (Reason.UNAVAILABLE, Reason.RECENT, Reason.ON_REVIEW)
    ]
    if barred:
        msg = _("不能指定该专家：{why}").format(
            why="、".join(rules.reason_label(r) for r in barred)
        )
        raise ValidationFailed(msg, fields={"expert": [msg]})
    recorded = _override_reason(_("指定专家{name}：").format(name=expert.name), reason)
    draw = Draw.objects.create(
        review=review,
        kind=Draw.Kind.APPOINTMENT,
        requested=1,
        pool_size=len(found),
        excluded=[{"expert": expert.pk, "name": expert.name, "reasons": reasons, "waived": True}]
        if reasons
        else [],
        drawn=[expert.pk],
        override=True,
        reason=recorded,
        on=on or today(),
        drawn_by=stored_user(actor),
    )
    assignment = Assignment.objects.create(review=review, expert=expert, draw=draw)
    record(
        "experts.appoint_expert",
        actor=actor,
        subject=draw,
        region_code=review.case.region.code,
        summary=f"{review.case.number} 指定专家 {expert.name}：{reason}",
        data={"review": review.pk, "expert": expert.pk, "waived": reasons},
    )
    return assignment


def _locked_assignment(assignment: Assignment) -> tuple[ExpertReview, Assignment]:
    # The review first, always: every draw and answer on one review queue behind its row.
    review = _locked_review(assignment.review)
    locked = (
        Assignment.objects.select_for_update()
        .select_related("expert__region")
        .get(pk=assignment.pk)
    )
    return review, locked


def _replace(
    assignment: Assignment,
    *,
    actor: User,
    reason: str,
    on: datetime.date | None,
    by_staff: bool,
) -> Draw:
    """Take a drawn expert off their seat and fill it by a new random draw, recorded as a
    replacement: by staff (`remove_expert`: from an invited or accepted seat, an override
    that e-supervision lists) or by the expert themselves (`decline_invitation`: from an
    invitation). Either way the reason is required, kept on the seat and on the draw."""
    review, assignment = _locked_assignment(assignment)
    if by_staff:
        _require_case_staff(actor, review.case)
    else:
        _require_own(actor, assignment)
    _require_open(review)
    reason = (reason or "").strip()
    name = assignment.expert.name
    if by_staff:
        if not reason:
            msg = _("撤换专家须填写理由")
            raise ValidationFailed(msg, fields={"reason": [msg]})
        if assignment.state not in (Assignment.State.INVITED, Assignment.State.ACCEPTED):
            fail_blockers([_("该专家已答复或提交意见，不能撤换")], field="assignment")
        draw_reason = _override_reason(_("撤换专家{name}：").format(name=name), reason)
        assignment.state, assignment.removed_reason = Assignment.State.REMOVED, reason[:300]
        assignment.save(update_fields=["state", "removed_reason"])
    else:
        if assignment.state != Assignment.State.INVITED:
            fail_blockers([_("该邀请已答复")], field="assignment")
        if not reason:
            msg = _("请填写谢绝的理由")
            raise ValidationFailed(msg, fields={"reason": [msg]})
        draw_reason = _("专家{name}谢绝：{reason}").format(name=name, reason=reason)
        assignment.state, assignment.responded_at = Assignment.State.DECLINED, timezone.now()
        assignment.decline_reason = reason[:300]
        assignment.save(update_fields=["state", "responded_at", "decline_reason"])
        record(
            "experts.decline_invitation",
            actor=actor,
            subject=assignment,
            region_code=review.case.region.code,
            summary=f"专家 {name} 谢绝 {review.case.number} 的评审邀请：{reason}",
        )
    return _fill_seats(review, actor=actor, on=on, reason=draw_reason, override=by_staff)


@transaction.atomic
def remove_expert(
    assignment: Assignment, *, actor: User, reason: str, on: datetime.date | None = None
) -> Draw:
    """Staff take a drawn expert off the review (unreachable, a conflict found late): an
    override, only with a reason; the seat is drawn again at random, and e-supervision lists
    the removal."""
    return _replace(assignment, actor=actor, reason=reason, on=on, by_staff=True)


# --- the expert's answers -----------------------------------------------------------------


@transaction.atomic
def accept_invitation(assignment: Assignment, *, actor: User) -> Assignment:
    review, assignment = _locked_assignment(assignment)
    _require_own(actor, assignment)
    _require_open(review)
    if assignment.state != Assignment.State.INVITED:
        fail_blockers([_("该邀请已答复")], field="assignment")
    assignment.state, assignment.responded_at = Assignment.State.ACCEPTED, timezone.now()
    assignment.save(update_fields=["state", "responded_at"])
    record(
        "experts.accept_invitation",
        actor=actor,
        subject=assignment,
        region_code=review.case.region.code,
        summary=f"专家 {assignment.expert.name} 接受 {review.case.number} 的评审邀请",
    )
    return assignment


@transaction.atomic
def decline_invitation(
    assignment: Assignment, *, actor: User, reason: str, on: datetime.date | None = None
) -> Draw:
    """The expert declines (a conflict of their own, no time): their seat is drawn again at
    once, recorded as a replacement draw."""
    return _replace(assignment, actor=actor, reason=reason, on=on, by_staff=False)


@transaction.atomic
def submit_opinion(
    assignment: Assignment, *, actor: User, opinion: str, score: int, conclusion: str
) -> Assignment:
    """The expert's written opinion, a score out of 100 and a conclusion. Once in, it is the
    record: the expert no longer sees the case."""
    review, assignment = _locked_assignment(assignment)
    _require_own(actor, assignment)
    _require_open(review)
    if assignment.state != Assignment.State.ACCEPTED:
        fail_blockers([_("只有已接受邀请、尚未提交意见的专家可以提交评审意见")], field="assignment")
    errors: dict = {}
    opinion = (opinion or "").strip()
    if not opinion:
        errors["opinion"] = [_("请填写评审意见")]
    if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 100:
        errors["score"] = [_("评分须为0至100的整数")]
    if conclusion not in Assignment.Conclusion.values:
        errors["conclusion"] = [_("请选择评审结论")]
    fail_fields(errors)
    assignment.opinion, assignment.score, assignment.conclusion = opinion, score, conclusion
    assignment.state, assignment.submitted_at = Assignment.State.SUBMITTED, timezone.now()
    assignment.save(update_fields=["opinion", "score", "conclusion", "state", "submitted_at"])
    record(
        "experts.submit_opinion",
        actor=actor,
        subject=assignment,
        region_code=review.case.region.code,
        summary=f"专家 {assignment.expert.name} 提交 {review.case.number} 的评审意见（{score}分）",
    )
    return assignment


# --- concluding, rating, fees ---------------------------------------------------------------


def conclude_blockers(review: ExpertReview) -> list[str]:
    if review.state != ExpertReview.State.OPEN:
        return [_("该专家评审已完成")]
    submitted = sum(1 for a in review.assignments.all() if a.state == Assignment.State.SUBMITTED)
    if submitted < review.experts_needed:
        return [
            _("已提交意见的专家{n}人，少于所需的{needed}人").format(
                n=submitted, needed=review.experts_needed
            )
        ]
    return []


@transaction.atomic
def conclude_review(
    review: ExpertReview,
    *,
    actor: User,
    conclusion: str,
    on: datetime.date | None = None,
) -> ExpertReview:
    """Every seat has its opinion: the review is concluded and the case resumes on `on`
    (第四十五条: the working days from the suspension up to `on` are not counted)."""
    review = _locked_review(review)
    _require_case_staff(actor, review.case)
    fail_blockers(conclude_blockers(review))
    conclusion = (conclusion or "").strip()
    if not conclusion:
        msg = _("请填写评审结论")
        raise ValidationFailed(msg, fields={"conclusion": [msg]})
    on = on or today()
    if on < review.opened_on:
        msg = _("完成日期不能早于评审开始日期")
        raise ValidationFailed(msg, fields={"on": [msg]})
    if on > today():
        msg = _("完成日期不能晚于今天")
        raise ValidationFailed(msg, fields={"on": [msg]})
    case = review.case
    suspended_for_it = Suspension.objects.filter(
        case=case,
        resumed_on__isnull=True,
        kind=SpecialProcedure.Kind.EXPERT_REVIEW,
        suspended_on=review.opened_on,
    ).exists()
    if case.state == State.SUSPENDED and suspended_for_it:
        case_actions.resume(case, actor=actor, on=on)
    review.state, review.concluded_on, review.concluded_by, review.conclusion = (
        ExpertReview.State.CONCLUDED,
        on,
        stored_user(actor),
        conclusion,
    )
    review.save(update_fields=["state", "concluded_on", "concluded_by", "conclusion"])
    record(
        "experts.conclude_review",
        actor=actor,
        subject=review,
        region_code=case.region.code,
        summary=f"{case.number} 专家评审完成：{conclusion}",
    )
    return review


@transaction.atomic
def rate_expert(assignment: Assignment, *, actor: User, rating: int, note: str = "") -> Assignment:
    """Staff rate an expert's work (1–5) once the review is concluded; ratings build the
    expert's record, on which the pool suspends poor ones."""
    review, assignment = _locked_assignment(assignment)
    _require_case_staff(actor, review.case)
    blockers = []
    if review.state != ExpertReview.State.CONCLUDED:
        blockers.append(_("评审完成后才能评价专家"))
    if assignment.state != Assignment.State.SUBMITTED:
        blockers.append(_("只能评价提交了评审意见的专家"))
    if assignment.rating is not None:
        blockers.append(_("已评价过该专家"))
    fail_blockers(blockers, field="rating")
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        msg = _("评价须为1至5分")
        raise ValidationFailed(msg, fields={"rating": [msg]})
    assignment.rating, assignment.rating_note, assignment.rated_by = (
        rating,
        (note or "").strip()[:300],
        stored_user(actor),
    )
    assignment.save(update_fields=["rating", "rating_note", "rated_by"])
    record(
        "experts.rate_expert",
        actor=actor,
        subject=assignment,
        region_code=review.case.region.code,
        summary=f"评价专家 {assignment.expert.name}（{review.case.number}）：{rating}分",
    )
    return assignment


@transaction.atomic
def record_fee(
    assignment: Assignment,
    *,
    actor: User,
    amount: Decimal | int | str,
    paid_on: datetime.date,
) -> Assignment:
    """The review fee paid to an expert (where one is paid)."""
    review, assignment = _locked_assignment(assignment)
    _require_case_staff(actor, review.case)
    if assignment.state != Assignment.State.SUBMITTED:
        fail_blockers([_("只有提交了评审意见的专家可以登记评审费")], field="fee")
    if assignment.fee is not None:
        fail_blockers([_("该专家的评审费已登记")], field="fee")
    try:
        fee = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        fee = Decimal(-1)
    if (
        not fee.is_finite()
        or fee < 0
        or fee >= Decimal("100000000")
        or fee != fee.quantize(Decimal("0.01"))
    ):
        msg = _("请填写有效的金额（元，最多两位小数）")
        raise ValidationFailed(msg, fields={"amount": [msg]})
    if paid_on is None or paid_on < review.opened_on:
        msg = _("支付日期不能早于评审开始日期")
        raise ValidationFailed(msg, fields={"paid_on": [msg]})
    assignment.fee, assignment.fee_paid_on = fee, paid_on
    assignment.save(update_fields=["fee", "fee_paid_on"])
    record(
        "experts.record_fee",
        actor=actor,
        subject=assignment,
        region_code=review.case.region.code,
        summary=f"专家 {assignment.expert.name} 评审费 {fee} 元（{review.case.number}）",
    )
    return assignment
