"""Reads of the delegations: who sees which (the bureau's staff their region's, a centre's
staff their own centre's), and the statistics per township centre."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from oneseal.actors import Actor
from oneseal.cases.models import Case, State
from oneseal.organisation.models import ServiceCentre
from oneseal.organisation.rules import scope_prefix, staff_of

from .models import Delegation, Mode


def visible_delegations(user: Actor) -> QuerySet[Delegation]:
    prefix = scope_prefix(user)
    if prefix is None:
        return Delegation.objects.none()
    scope = Q(bureau__region__code__startswith=prefix) | Q(
        service_centre__region__code__startswith=prefix
    )
    staff = staff_of(user)
    if staff is not None and staff.service_centre_id is not None:
        scope |= Q(service_centre_id=staff.service_centre_id)
    return Delegation.objects.filter(scope).select_related(
        "bureau__region", "service_centre__region", "created_by", "renews"
    )


def visible_centres(user: Actor) -> QuerySet[ServiceCentre]:
    prefix = scope_prefix(user)
    if prefix is None:
        return ServiceCentre.objects.none()
    scope = Q(bureau__region__code__startswith=prefix) | Q(region__code__startswith=prefix)
    staff = staff_of(user)
    if staff is not None and staff.service_centre_id is not None:
        scope |= Q(pk=staff.service_centre_id)
    return ServiceCentre.objects.filter(scope).select_related("region", "bureau")


@dataclass(frozen=True)
class CentreRow:
    centre: ServiceCentre
    delegations_in_force: int
    items_in_force: int
    decides: bool
    received: int
    accepted: int
    refused: int
    decided: int
    open: int


def township_statistics(
    user: Actor, start: datetime.date, end: datetime.date, *, on: datetime.date
) -> list[CentreRow]:
    """Per centre the user sees: the delegations in force on `on` and the items they cover,
    and the cases received there between `start` and `end`: accepted, refused, decided, still
    open."""
    centres = list(visible_centres(user).order_by("region__code", "pk"))
    counts = {
        r["service_centre"]: r
        for r in Case.objects.filter(
            service_centre__in=centres, received_on__gte=start, received_on__lte=end
        )
        .values("service_centre")
        .annotate(
            received=Count("pk"),
            accepted=Count("pk", filter=Q(accepted_on__isnull=False)),
            refused=Count("pk", filter=Q(state=State.REFUSED)),
            decided=Count("pk", filter=Q(decided_on__isnull=False)),
            open=Count(
                "pk",
                filter=Q(
                    state__in=[
                        State.RECEIVED,
                        State.AWAITING_CORRECTION,
                        State.ACCEPTED,
                        State.SUSPENDED,
                        State.GRANTED,
                    ]
                ),
            ),
        )
    }
    in_force = (
        Delegation.objects.filter(
            service_centre__in=centres,
            state=Delegation.DelegationState.ACTIVE,
            valid_from__lte=on,
            valid_until__gte=on,
        )
        .values("service_centre")
        .annotate(
            n=Count("pk", distinct=True),
            items=Count("items", distinct=True),
            decides=Count("pk", filter=Q(mode=Mode.DECIDE), distinct=True),
        )
    )
    force = {r["service_centre"]: r for r in in_force}
    out = []
    for centre in centres:
        c = counts.get(centre.pk, {})
        f = force.get(centre.pk, {})
        out.append(
            CentreRow(
                centre=centre,
                delegations_in_force=f.get("n", 0),
                items_in_force=f.get("items", 0),
                decides=bool(f.get("decides")),
                received=c.get("received", 0),
                accepted=c.get("accepted", 0),
                refused=c.get("refused", 0),
                decided=c.get("decided", 0),
                open=c.get("open", 0),
            )
        )
    return out
