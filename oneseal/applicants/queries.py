"""For whom an online account acts. An account is one natural person (bound at sign-up, or
at a window); it acts for an organisation only while that person holds an authorisation
recorded at a window. Every check of "the applicant's own account" in cases, ratings and
appointments asks here, so a revoked or expired authorisation ends them all at once."""

import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import F, QuerySet

from oneseal.actors import Actor
from oneseal.calendars.queries import today as business_today

from .models import Applicant, Authorisation

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser


def own_person(user: Actor) -> Applicant | None:
    """The natural person the account is (None for an account bound to nobody)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Applicant.objects.filter(user=user.pk).first()


def represented(user: Actor, on: datetime.date | None = None) -> QuerySet[Applicant]:
    """The applicants the account acts for on `on` (today): its own person and every
    organisation that person holds an active authorisation for. One SQL expression, usable as
    a subquery."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Applicant.objects.none()
    on = on or business_today()
    organisations = (
        Authorisation.objects.active(on)
        .filter(person__user=user.pk)
        .order_by()
        .values("organisation_id")
    )
    # A UNION of two index lookups, not `user = … OR pk IN (…)`: PostgreSQL answers that OR
    # by scanning every applicant (≈190 ms at 200,000), and every staff case list reads this.
    person = Applicant.objects.filter(user=user.pk).order_by().values("pk")
    return Applicant.objects.filter(pk__in=person.union(organisations, all=True))


def acts_for(user: Actor, applicant: Applicant, on: datetime.date | None = None) -> bool:
    """Whether the account may act online for `applicant`: it is the account's person, or an
    organisation the person holds an active authorisation for. Never another person."""
    pk = getattr(user, "pk", None)
    if pk is None or not getattr(user, "is_active", False):
        return False
    if applicant.user_id is not None:
        return applicant.user_id == pk
    if applicant.kind != Applicant.Kind.ORGANISATION:
        return False
    return (
        Authorisation.objects.active(on or business_today())
        .filter(organisation_id=applicant.pk, person__user_id=pk)
        .exists()
    )


# PostgreSQL sorts NULL last ascending, SQLite first: say which.
STANDING_FIRST = F("revoked_at").desc(nulls_first=True)


def authorisations_of(person: Applicant) -> QuerySet[Authorisation]:
    """A person's authorisations, standing ones first, for the account page."""
    return (
        Authorisation.objects.filter(person=person)
        .select_related("organisation")
        .order_by(STANDING_FIRST, "-valid_from", "-id")
    )


def authorisations_for(organisation: Applicant) -> QuerySet[Authorisation]:
    """An organisation's authorisations, for the window's page."""
    return (
        Authorisation.objects.filter(organisation=organisation)
        .select_related("person", "recorded_by__staff", "revoked_by")
        .order_by(STANDING_FIRST, "-valid_from", "-id")
    )


def accounts_acting_for(
    applicant: Applicant, on: datetime.date | None = None
) -> QuerySet["AuthUser"]:
    """The online accounts that act for `applicant` on `on` (today): a person's own, or the
    accounts of the people an organisation has standing authorisations for."""
    User = get_user_model()
    if applicant.user_id is not None:
        return User.objects.filter(pk=applicant.user_id)
    people = (
        Authorisation.objects.active(on or business_today())
        .filter(organisation=applicant)
        .values("person__user")
    )
    return User.objects.filter(pk__in=people, is_active=True).order_by("pk")
