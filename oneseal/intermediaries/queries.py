"""Reads of the marketplace: the public listing, an intermediary's own engagements, and the
steering test e-supervision runs over clerks' direct choices."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Avg, BooleanField, Count, ExpressionWrapper, Q, QuerySet

from oneseal.cases.models import Case
from oneseal.organisation.rules import scope_prefix

from . import rules
from .actions import qualified_offers
from .models import Appeal, Engagement, Intermediary, ItemService, Offer, Rating


def intermediary_of(user: Any) -> Intermediary | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Intermediary.objects.filter(user=user).first()


def own_engagements(user: Any) -> QuerySet[Engagement]:
    """The engagements of the user's own intermediary; none for anybody else."""
    intermediary = intermediary_of(user)
    if intermediary is None:
        return Engagement.objects.none()
    return Engagement.objects.filter(intermediary=intermediary).select_related("case", "service")


def public_listing() -> QuerySet[Intermediary]:
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
    names: dict[int, str] = {}
    for staff_id, chosen in by_staff.items():
        hit = test.flag(chosen)
        if hit is None:
            continue
        if not names:
            names = dict(Intermediary.objects.values_list("pk", "name"))
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


@dataclass(frozen=True)
class Standing:
    """The ratings an intermediary has had: how many, and the mean of each score and overall."""

    count: int = 0
    quality: float | None = None
    timeliness: float | None = None
    attitude: float | None = None
    fee: float | None = None

    @property
    def overall(self) -> float | None:
        scores = (self.quality, self.timeliness, self.attitude, self.fee)
        if self.count == 0 or any(s is None for s in scores):
            return None
        return sum(s for s in scores if s is not None) / 4


def standings(intermediary_ids: list[int]) -> dict[int, Standing]:
    rows = (
        Rating.objects.filter(engagement__intermediary_id__in=intermediary_ids)
        .values("engagement__intermediary_id")
        .annotate(
            n=Count("id"),
            q=Avg("quality"),
            t=Avg("timeliness"),
            a=Avg("attitude"),
            f=Avg("fee"),
        )
    )
    return {
        r["engagement__intermediary_id"]: Standing(r["n"], r["q"], r["t"], r["a"], r["f"])
        for r in rows
    }


@dataclass
class NeededService:
    """One line of the 中介服务事项清单 for a case's item: the case's engagements for it, the one
    running (if any), and the offers the applicant may choose among today."""

    listing: ItemService
    engagements: list[Engagement] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)

    @property
    def running(self) -> Engagement | None:
        return next((e for e in self.engagements if e.status == Engagement.Status.ENGAGED), None)


def needed_services(case: Case, on: datetime.date) -> list[NeededService]:
    """The services the case's item needs, each with the case's engagements and the qualified
    offers (`actions.qualified_offers`: the very list `engage` chooses among), every offer
    carrying its intermediary's `standing`."""
    listings = ItemService.objects.filter(handling_item=case.handling_item_id).select_related(
        "service", "material"
    )
    engagements = list(
        case.engagements.select_related("intermediary", "service", "deliverable", "rating")
    )
    out = []
    for listing in listings.order_by("service__name"):
        offers = sorted(qualified_offers(listing.service, on), key=lambda o: (o.fee, o.pk))
        out.append(
            NeededService(
                listing,
                [e for e in engagements if e.service_id == listing.service_id],
                offers,
            )
        )
    table = standings([o.intermediary_id for n in out for o in n.offers])
    for needed in out:
        for offer in needed.offers:
            offer.standing = table.get(offer.intermediary_id, Standing())  # type: ignore[attr-defined]
    return out


# --- staff ----------------------------------------------------------------------------------


def managed(user: Any) -> QuerySet[Intermediary]:
    """The intermediaries registered in the staff member's regions (all for a superuser);
    none for anybody else."""
    prefix = scope_prefix(user)
    if prefix is None:
        return Intermediary.objects.none()
    return Intermediary.objects.filter(region__code__startswith=prefix).select_related("region")


def appeals(user: Any) -> QuerySet[Appeal]:
    """Appeals of the intermediaries the staff member sees, the pending ones first."""
    return (
        Appeal.objects.filter(intermediary__in=managed(user))
        .select_related("intermediary__region", "decided_by")
        .annotate(
            pending=ExpressionWrapper(
                Q(outcome=Appeal.Outcome.PENDING), output_field=BooleanField()
            )
        )
        .order_by("-pending", "-lodged_on", "-id")
    )
