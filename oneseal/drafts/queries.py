"""Reads of drafts. A draft is read only by its owner, and only while the account acts for
the draft's applicant: every page, API call and file download goes through `own_drafts`, so
anyone else (another applicant, staff of any role, a visitor) meets a 404 that says nothing."""

import datetime
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from oneseal.actors import Actor
from oneseal.applicants.queries import represented
from oneseal.calendars.queries import today as business_today

from . import rules
from .models import Draft, DraftUpload


def own_drafts(user: Actor) -> QuerySet[Draft]:
    if not getattr(user, "is_authenticated", False):
        return Draft.objects.none()
    return (
        Draft.objects.filter(owner_id=user.pk, applicant__in=represented(user))
        .select_related("applicant", "handling_item__item_version")
        .prefetch_related(
            Prefetch(
                "uploads",
                queryset=DraftUpload.objects.select_related("material").order_by(
                    "material__order", "material_id"
                ),
            )
        )
        .order_by("-changed_at", "-id")
    )


def own_draft(user: Actor, pk: int) -> Draft | None:
    return own_drafts(user).filter(pk=pk).first()


def own_upload(user: Actor, draft_pk: int, pk: int) -> DraftUpload | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        DraftUpload.objects.filter(
            pk=pk,
            draft_id=draft_pk,
            draft__owner_id=user.pk,
            draft__applicant__in=represented(user),
        )
        .select_related("material")
        .first()
    )


def removal_day(draft: Draft) -> datetime.date:
    """The day the draft will be removed if nothing changes it, as its owner is told."""
    warned_on = business_today(draft.warned_at) if draft.warned_at else None
    return rules.removal_day(business_today(draft.changed_at), warned_on)


def with_standing(drafts: Iterable[Draft]) -> list[Draft]:
    """The drafts with what their pages show: the removal day and whether it was warned of."""
    out = list(drafts)
    for draft in out:
        # Beside the model's fields, where a template reads them (the model declares neither).
        vars(draft).update(removal_on=removal_day(draft), warned=draft.warned_at is not None)
    return out
