"""Reads of the marketplace: the public listing, an intermediary's own engagements, and the
steering test e-supervision runs over clerks' direct choices."""

from collections import defaultdict

from django.db.models import Avg, Count, Q

from . import rules
from .models import Engagement, Intermediary


def intermediary_of(user) -> Intermediary | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Intermediary.objects.filter(user=user).first()


def own_engagements(user):
    """The engagements of the user's own intermediary; none for anybody else."""
    intermediary = intermediary_of(user)
    if intermediary is None:
        return Engagement.objects.none()
    return Engagement.objects.filter(intermediary=intermediary).select_related("case", "service")


def public_listing():
    """Every registered intermediary with its offers and the averages of its ratings."""
    return (
        Intermediary.objects.select_related("region")
        .prefetch_related("offers__service", "qualifications")
        .annotate(
            ratings=Count("engagements__rating"),
            quality=Avg("engagements__rating__quality"),
            timeliness=Avg("engagements__rating__timeliness"),
            attitude=Avg("engagements__rating__attitude"),
            fee_score=Avg("engagements__rating__fee"),
        )
        .order_by("status", "name")
    )


def steering(prefix: str, test: rules.SteeringTest | None = None) -> list[dict]:
    """Staff members (the clerk who chose directly for an applicant) whose direct choices,
    made with at least `min_qualified` to choose from, concentrate on one intermediary beyond
    the test. Scoped to the cases of the regions under `prefix`."""
    test = test or rules.SteeringTest()
    rows = (
        Engagement.objects.filter(
            method=Engagement.Method.DIRECT,
            chosen_by_staff=True,
            case__region_code__startswith=prefix,
        )
        .filter(~Q(qualified=[]))
        .values_list("chosen_by_id", "intermediary_id", "qualified")
    )
    by_staff: dict[int, list[int]] = defaultdict(list)
    for staff_id, intermediary_id, qualified in rows:
        if len(qualified) >= test.min_qualified:
            by_staff[staff_id].append(intermediary_id)
    flags = []
    names = {}
    for staff_id, chosen in by_staff.items():
        hit = test.flag(chosen)
        if hit is None:
            continue
        if not names:
            names = dict(Intermediary.objects.values_list("pk", "name"))
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(pk=staff_id)
        flags.append(
            {
                "staff": user,
                "intermediary_id": hit[0],
                "intermediary": names.get(hit[0], ""),
                "times": hit[1],
                "choices": len(chosen),
            }
        )
    return flags
