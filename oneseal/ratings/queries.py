"""Reads of ratings, each scoped: staff with a role see the ratings and follow-ups of their
region and below it, except a department's supervisors (their only role), who see there only
the ratings of the items their department approved before the reform, as with cases
(`cases.queries.visible_cases`); an applicant's account sees only the ratings of the cases of
the applicants it acts for (with the bureau's answer); nobody else sees any."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from oneseal.applicants.queries import represented
from oneseal.cases.models import Case
from oneseal.cases.queries import REGION_WIDE_ROLES, Viewer, is_scoped_staff, visible_cases
from oneseal.organisation.rules import scope_prefix, staff_of
from oneseal.regions.models import Region
from oneseal.regions.rules import prefix_scope

from . import rules
from .models import FollowUp, Rating


def staff_scope(user: Viewer, path: str = "") -> Q | None:
    """What a staff member sees, as a filter on ratings (`path` "") or on follow-ups (`path`
    "rating__"); None for anyone else."""
    if not is_scoped_staff(user):
        return None
    prefix = scope_prefix(user)
    # Both rows carry the case's region; no prefix (an inactive user): nothing.
    scope = Q(pk__in=[]) if prefix is None else prefix_scope(prefix, "region_code")
    if user.is_superuser:
        return scope
    staff = staff_of(user)
    assert staff is not None  # is_scoped_staff, and not a superuser
    if staff.role_set & REGION_WIDE_ROLES:
        return scope
    if staff.department_id is None:
        return None
    return scope & Q(
        **{f"{path}case__handling_item__item_version__original_department_id": staff.department_id}
    )


def visible_ratings(user: Viewer) -> QuerySet[Rating]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Rating.objects.none()
    own = Q(applicant__in=represented(user))
    scope = staff_scope(user)
    return Rating.objects.filter(own if scope is None else scope | own)


def rating_rows(qs: QuerySet[Rating]) -> QuerySet[Rating]:
    return qs.select_related(
        "case__handling_item", "applicant", "follow_up", "follow_up__answered_by__staff"
    )


def staff_follow_ups(user: Viewer) -> QuerySet[FollowUp]:
    """Follow-ups are the bureau's work list: staff of the region only."""
    scope = staff_scope(user, "rating__")
    if scope is None:
        return FollowUp.objects.none()
    return FollowUp.objects.filter(scope).select_related(
        "rating__case__handling_item", "rating__applicant", "assignee__staff", "answered_by__staff"
    )


def overdue(qs: QuerySet[FollowUp], today: datetime.date) -> QuerySet[FollowUp]:
    """Open past the end of their last working day."""
    return qs.filter(state=FollowUp.FollowUpState.OPEN, due_on__lt=today)


def is_overdue(follow_up: FollowUp, today: datetime.date) -> bool:
    """`overdue`, of one follow-up already read (the page's and the API's mark)."""
    return follow_up.state == FollowUp.FollowUpState.OPEN and follow_up.due_on < today


def own_case(user: Viewer, pk: int) -> Case | None:
    """The case, when it belongs to an applicant of this account; None otherwise, whoever
    else may see it (a clerk does not rate on a case page of their own)."""
    return (
        visible_cases(user)
        .filter(pk=pk, applicant__in=represented(user))
        .select_related("applicant", "handling_item", "bureau", "region")
        .first()
    )


@dataclass(frozen=True)
class Summary:
    total: int
    per_score: dict[int, int]
    good: int
    fair: int
    bad: int

    @property
    def good_share(self) -> int | None:
        return round(100 * self.good / self.total) if self.total else None


def summary(qs: QuerySet[Rating]) -> Summary:
    # Counted by the database, one row per score, whatever the number of ratings.
    per_score = Counter(
        dict(qs.order_by().values("score").annotate(n=Count("id")).values_list("score", "n"))
    )
    bands: Counter[str] = Counter()
    for score, n in per_score.items():
        bands[rules.band(score)] += n
    return Summary(
        sum(per_score.values()),
        {s: per_score.get(s, 0) for s in (5, 4, 3, 2, 1)},
        bands[rules.GOOD],
        bands[rules.FAIR],
        bands[rules.BAD],
    )


def public_ratings(region: Region) -> QuerySet[Rating]:
    """The ratings of the cases of a region and the regions under it: what 好差评 publishes
    for a county (counts only; nobody's rating is shown)."""
    return Rating.objects.filter(prefix_scope(region.prefix, "region_code"))


@dataclass(frozen=True)
class PublicFigures:
    summary: Summary
    bad_answered: int  # bad ratings the bureau has answered (核实整改)

    @property
    def bad_answered_share(self) -> int | None:
        bad = self.summary.bad
        return round(100 * self.bad_answered / bad) if bad else None


def public_figures(region: Region) -> PublicFigures:
    """The county's 好差评 figures, as the public page and the portal home show them: the
    same `summary` the staff list shows, over every rating of the region."""
    ratings = public_ratings(region)
    answered = FollowUp.objects.filter(
        rating__in=ratings, state=FollowUp.FollowUpState.ANSWERED
    ).count()
    return PublicFigures(summary(ratings), answered)
