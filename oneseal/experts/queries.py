"""Reads of the expert pool, scoped.

- Staff see the experts who may serve their region: those of their region and below, and
  those of the regions above it (a city's or province's pool serves its counties).
- A case's reviews are read after the case itself was loaded through `visible_cases`.
- An expert's account sees only its own assignments still waiting for an answer or an
  opinion; once the opinion is in (or they declined, or were taken off), the case is gone
  from their view.
- E-supervision lists every override of a draw in its scope (`overrides`).
"""

from collections.abc import Iterable

from django.db.models import Avg, Count, Prefetch, Q, QuerySet, Sum

from oneseal.actors import Actor
from oneseal.cases.models import Case
from oneseal.organisation.rules import scope_prefix, staff_of

from . import rules
from .actions import conclude_blockers
from .models import Assignment, Draw, Expert, ExpertReview

OPEN_FOR_EXPERT = (Assignment.State.INVITED, Assignment.State.ACCEPTED)


def expert_of(user: Actor) -> Expert | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return Expert.objects.filter(user_id=user.pk).first()


def _above(code: str) -> list[str]:
    return [code[:2] + "0000", code[:4] + "00"]


def visible_experts(user: Actor) -> QuerySet[Expert]:
    base = Expert.objects.select_related("region").prefetch_related("fields")
    prefix = scope_prefix(user)
    if prefix is None:
        return base.none()
    if prefix == "":
        return base.all()
    staff = staff_of(user)
    assert staff is not None  # a prefix comes from a staff record
    return base.filter(
        Q(region__code__startswith=prefix) | Q(region__code__in=_above(staff.region.code))
    )


def pool(user: Actor, *, field: str = "", status: str = "", q: str = "") -> QuerySet[Expert]:
    experts = visible_experts(user).annotate(
        reviews=Count("assignments", filter=Q(assignments__state=Assignment.State.SUBMITTED)),
        mean_rating=Avg("assignments__rating"),
    )
    if field:
        experts = experts.filter(fields__code=field)
    if status:
        experts = experts.filter(status=status)
    if q:
        experts = experts.filter(Q(name__contains=q) | Q(employer_name__contains=q))
    return experts.order_by("id")


def expert_record(expert: Expert) -> dict:
    """The expert's reviews, ratings and fees, for the pool's page."""
    assignments = list(
        expert.assignments.select_related("review__case", "review__field").order_by("-id")
    )
    totals = expert.assignments.aggregate(
        mean_rating=Avg("rating"), fees=Sum("fee"), rated=Count("rating")
    )
    return {"assignments": assignments, **totals}


def reviews_of(case: Case) -> list[ExpertReview]:
    """A case's expert reviews with their draws and experts (the case already scoped)."""
    return list(
        ExpertReview.objects.filter(case=case)
        .select_related("field", "opened_by", "concluded_by")
        .prefetch_related(
            Prefetch("draws", queryset=Draw.objects.select_related("drawn_by").order_by("id")),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("expert", "draw").order_by("id"),
            ),
        )
        .order_by("opened_on", "id")
    )


def reproduces(draw: Draw) -> bool:
    """A random draw recomputed from its recorded seed and eligible list gives its experts."""
    if draw.kind == Draw.Kind.APPOINTMENT:
        return False
    return rules.draw(draw.seed, draw.eligible, draw.requested) == draw.drawn


def own_assignments(user: Actor) -> QuerySet[Assignment]:
    """What the expert's page lists: the reviews they were drawn for and have not finished."""
    expert = expert_of(user)
    if expert is None:
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(
            expert=expert,
            state__in=OPEN_FOR_EXPERT,
            review__state=ExpertReview.State.OPEN,
        )
        .select_related(
            "review__case__applicant",
            "review__case__handling_item__item_version",
            "review__field",
        )
        .order_by("review__ends_on", "id")
    )


def finished_assignments(user: Actor) -> QuerySet[Assignment]:
    """The expert's past answers, without the cases: dates, field and their own score."""
    expert = expert_of(user)
    if expert is None:
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(expert=expert)
        .exclude(pk__in=own_assignments(user).values("pk"))
        .select_related("review__field")
        .order_by("-id")
    )


def overrides(prefix: str) -> QuerySet[Draw]:
    """Every override of a draw (a hand-picked expert, a drawn one removed) in a region prefix
    ("" for all): e-supervision's list."""
    draws = Draw.objects.filter(override=True)
    if prefix:
        draws = draws.filter(review__case__region__code__startswith=prefix)
    return draws.select_related("review__case__applicant", "drawn_by").order_by("-on", "-id")


def _names(ids: Iterable[int], experts: dict[int, Expert]) -> list[str]:
    return [experts[i].name if i in experts else str(i) for i in ids]


def review_rows(reviews: list[ExpertReview]) -> list[dict]:
    """What a page shows of each review: its draws with names and reasons in words, its
    experts, what stands in the way of concluding it, the seats still empty."""
    ids = set()
    for review in reviews:
        for draw in review.draws.all():
            ids.update(draw.eligible)
    experts = {e.pk: e for e in Expert.objects.filter(pk__in=ids)}
    rows = []
    for review in reviews:
        draws = []
        for draw in review.draws.all():
            draws.append(
                {
                    "draw": draw,
                    "eligible": _names(draw.eligible, experts),
                    "drawn": _names(
                        draw.drawn, {a.expert_id: a.expert for a in review.assignments.all()}
                    ),
                    "excluded": [
                        {
                            "name": row["name"],
                            "reasons": "、".join(rules.reason_label(r) for r in row["reasons"]),
                            "waived": row.get("waived", False),
                        }
                        for row in draw.excluded
                    ],
                    "reproduces": reproduces(draw),
                }
            )
        rows.append(
            {
                "review": review,
                "draws": draws,
                "assignments": list(review.assignments.all()),
                "blockers": conclude_blockers(review),
                "seats_left": max(
                    0,
                    review.experts_needed - sum(1 for a in review.assignments.all() if a.counts),
                ),
            }
        )
    return rows
