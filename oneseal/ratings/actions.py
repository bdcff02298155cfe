"""Writes of ratings. Each is one transaction that checks the actor, records its audit row
and returns the object.

- `rate`: the applicant's own online account rates its finished case, once; or the hall's
  rating device (窗口评价器) records the rating the applicant gave at the counter on the day the
  case was finished, through the window clerk's terminal. A rating of 1 or 2 opens a follow-up.
- `assign_follow_up`, `answer_follow_up`: the bureau's staff of the case's region answer it.
- `set_answer_days`: the bureau's signatory sets how many working days an answer may take.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.actors import Actor, User, stored_user
from oneseal.applicants.queries import acts_for
from oneseal.audit.actions import record
from oneseal.calendars.queries import current_calendar, today
from oneseal.cases.models import CLOSED_STATES, Case
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed, fail_blockers
from oneseal.organisation.models import Bureau, Role
from oneseal.organisation.rules import has_role, staff_of

from . import rules
from .models import DEFAULT_ANSWER_DAYS, Channel, FollowUp, FollowUpPolicy, Rating

# Who answers a bad rating: the window, the reviewing sections and the bureau's leaders.
ANSWER_ROLES = (Role.CLERK, Role.REVIEWER, Role.SIGNATORY)
ASSIGN_ROLES = (Role.CLERK, Role.SIGNATORY)
ANSWER_MAX = 4000


def is_owner(user: Actor, case: Case) -> bool:
    return getattr(user, "is_authenticated", False) and acts_for(user, case.applicant)


def answer_days(bureau: Bureau) -> int:
    policy = FollowUpPolicy.objects.filter(bureau=bureau).first()
    return policy.answer_days if policy else DEFAULT_ANSWER_DAYS


def rate_blockers(case: Case) -> list[str]:
    """Why the case cannot be rated now: it is still running, or it was rated already."""
    if case.state not in CLOSED_STATES:
        return [_("办件办结后才能评价（当前状态：{state}）").format(state=case.get_state_display())]
    if Rating.objects.filter(case=case).exists():
        return [_("该办件已评价，每件只能评价一次")]
    return []


@transaction.atomic
def rate(
    case: Case,
    *,
    actor: "User",
    score: Any,  # checked by rules.rating_errors, as every input of the rating
    reasons: Iterable[str] = (),
    comment: str = "",
    channel: str = Channel.ONLINE,
    on: datetime.date | None = None,
) -> Rating:
    # The case row is locked so that two ratings of one case at once cannot both pass the check.
    case = (
        Case.objects.select_for_update()
        .select_related("applicant", "region", "bureau")
        .get(pk=case.pk)
    )
    if channel == Channel.ONLINE:
        if not is_owner(actor, case):
            raise NotPermitted()
        on = today()
    elif channel == Channel.WINDOW:
        if not has_role(actor, Role.CLERK, case.region):
            raise NotPermitted()
        on = on or today()
        if case.closed_on is None or on != case.closed_on:
            raise ValidationFailed(fields={"channel": [_("窗口评价器只能在办结当天现场评价")]})
    else:
        raise ValidationFailed(fields={"channel": [_("评价渠道应为网上评价或窗口评价器")]})
    blockers = rate_blockers(case)
    fail_blockers(blockers)
    reasons = list(dict.fromkeys(reasons or []))
    comment = (comment or "").strip()
    errors = rules.rating_errors(score, reasons, comment)
    if errors:
        raise ValidationFailed(_("评价信息有误"), fields=errors)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                case=case,
                applicant=case.applicant,
                bureau=case.bureau,
                region_code=case.region_code,
                score=score,
                reasons=reasons,
                comment=comment,
                channel=channel,
                rated_by=stored_user(actor),
                rated_on=on,
            )
    except IntegrityError:
        raise InvalidTransition(_("该办件已评价，每件只能评价一次")) from None
    record(
        "ratings.rate",
        actor=actor,
        subject=rating,
        region_code=case.region_code,
        summary=f"{case.number} {score}分（{rules.SCORES[score]}）",
        data={"case": case.pk, "score": score, "reasons": reasons, "channel": channel},
    )
    if rules.is_bad(score):
        days = answer_days(case.bureau)
        due = rules.follow_up_due(current_calendar(), on, days)
        follow_up = FollowUp.objects.create(
            rating=rating,
            region_code=case.region_code,
            opened_on=on,
            days=days,
            due_on=due.date,
            due_provisional=due.provisional,
        )
        record(
            "ratings.open_follow_up",
            actor=actor,
            subject=follow_up,
            region_code=case.region_code,
            summary=f"{case.number} 差评回访，{due.date.isoformat()}前回复",
        )
    return rating


def _lock_follow_up(follow_up: FollowUp) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    follow_up.rating = Rating.objects.select_related("case__region", "case__applicant").get(
        pk=follow_up.rating_id
    )
    return follow_up


def _staff_in_region(user: Actor, follow_up: FollowUp, roles: Iterable[str]) -> bool:
    return any(has_role(user, role, follow_up.rating.case.region) for role in roles)


def answer_blockers(follow_up: FollowUp) -> list[str]:
    if follow_up.state != FollowUp.FollowUpState.OPEN:
        return [_("该差评已回复")]
    return []


def _given_to_another(user: Actor, follow_up: FollowUp) -> bool:
    return bool(
        follow_up.assignee_id
        and follow_up.assignee_id != user.pk
        and not has_role(user, Role.SIGNATORY, follow_up.rating.case.region)
    )


def may_answer(user: Actor, follow_up: FollowUp) -> bool:
    """Whether `user` may answer the follow-up now (`answer_follow_up` refuses whoever may not;
    the follow-up page offers its form by this): staff of the case's region in an answering
    role, and, once it is given to someone, only they or a signatory."""
    return (
        not answer_blockers(follow_up)
        and _staff_in_region(user, follow_up, ANSWER_ROLES)
        and not _given_to_another(user, follow_up)
    )


def may_assign(user: Actor, follow_up: FollowUp) -> bool:
    """Whether `user` may give the open follow-up to someone (`assign_follow_up`)."""
    return not answer_blockers(follow_up) and _staff_in_region(user, follow_up, ASSIGN_ROLES)


@transaction.atomic
def answer_follow_up(
    follow_up: FollowUp, *, actor: "User", answer: str, on: datetime.date | None = None
) -> FollowUp:
    """Record what was verified and put right and how the applicant was told. When the
    follow-up is assigned, its assignee or a signatory answers it."""
    follow_up = _lock_follow_up(follow_up)
    if not _staff_in_region(actor, follow_up, ANSWER_ROLES):
        raise NotPermitted()
    if _given_to_another(actor, follow_up):
        raise NotPermitted(_("该差评已交由{name}办理").format(name=_display(follow_up.assignee)))
    blockers = answer_blockers(follow_up)
    fail_blockers(blockers)
    answer = (answer or "").strip()
    on = on or today()
    errors = {}
    if not answer:
        errors["answer"] = [_("请填写核实整改情况和回复内容")]
    elif len(answer) > ANSWER_MAX:
        errors["answer"] = [_("回复内容不能超过{n}个字").format(n=ANSWER_MAX)]
    if on < follow_up.opened_on or on > today():
        errors["on"] = [_("回复日期应在差评日期与今天之间")]
    if errors:
        raise ValidationFailed(_("回复信息有误"), fields=errors)
    follow_up.state = FollowUp.FollowUpState.ANSWERED
    follow_up.answer, follow_up.answered_by, follow_up.answered_at, follow_up.answered_on = (
        answer,
        stored_user(actor),
        timezone.now(),
        on,
    )
    follow_up.save(update_fields=["state", "answer", "answered_by", "answered_at", "answered_on"])
    record(
        "ratings.answer_follow_up",
        actor=actor,
        subject=follow_up,
        region_code=follow_up.region_code,
        summary=f"{follow_up.rating.case.number} 差评已回复"
        + ("（逾期）" if on > follow_up.due_on else ""),
        data={"on": on.isoformat(), "late": on > follow_up.due_on},
    )
    return follow_up


def _display(user: Any) -> str:
    staff = staff_of(user)
    return staff.display_name if staff else user.get_username()


def assignees_for(follow_up: FollowUp) -> QuerySet[Any]:
    """Who the follow-up may be given to (`assign_follow_up` accepts exactly these; the page
    and the API offer them): active staff whose scope covers the case's region, holding a role
    that answers. A superuser holds every role but is nobody's colleague at the window: only
    a staff record's own roles count."""
    code = follow_up.region_code
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff__region__prefix__in=[code[:i] for i in range(len(code) + 1)],
            staff__roles__role__in=ANSWER_ROLES,
        )
        .select_related("staff")
        .distinct()
        .order_by("staff__display_name", "pk")
    )


@transaction.atomic
def assign_follow_up(follow_up: FollowUp, *, actor: "User", assignee: Any) -> FollowUp:
    follow_up = _lock_follow_up(follow_up)
    if not _staff_in_region(actor, follow_up, ASSIGN_ROLES):
        raise NotPermitted()
    blockers = answer_blockers(follow_up)
    fail_blockers(blockers)
    if assignee is None or not assignees_for(follow_up).filter(pk=assignee.pk).exists():
        raise ValidationFailed(
            fields={"assignee": [_("承办人应为本地区的窗口、审查或签批工作人员")]}
        )
    follow_up.assignee = assignee
    follow_up.save(update_fields=["assignee"])
    record(
        "ratings.assign_follow_up",
        actor=actor,
        subject=follow_up,
        region_code=follow_up.region_code,
        summary=f"{follow_up.rating.case.number} 差评交由{_display(assignee)}办理",
        data={"assignee": assignee.pk},
    )
    return follow_up


@transaction.atomic
def set_answer_days(bureau: Bureau, *, actor: "User", days: Any) -> FollowUpPolicy:
    """Applies to bad ratings from now on; follow-ups already open keep their due date."""
    if not has_role(actor, Role.SIGNATORY, bureau.region):
        raise NotPermitted()
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 30:
        raise ValidationFailed(fields={"answer_days": [_("差评回复时限应为1至30个工作日")]})
    policy, _created = FollowUpPolicy.objects.select_for_update().get_or_create(bureau=bureau)
    old, policy.answer_days, policy.updated_by = policy.answer_days, days, stored_user(actor)
    policy.save()
    record(
        "ratings.set_answer_days",
        actor=actor,
        subject=policy,
        region_code=bureau.region.code,
        summary=f"差评回复时限 {old} → {days} 个工作日",
        data={"from": old, "to": days},
    )
    return policy
