"""Life events (一件事一次办) as the catalogue administrators keep them: a draft names the
handling items of the catalogue the event gathers, required or asked by a guided question;
publishing refuses it with every reason (an item not in force, an optional item without its
question, no item at all) and replaces the earlier published version of the same name.

The application of a published event opens its cases through `projects.bundles`."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from oneseal.actors import User, acts_as_system
from oneseal.audit.actions import record
from oneseal.calendars.queries import today
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed, fail_fields
from oneseal.organisation.models import Role
from oneseal.organisation.rules import require_role
from oneseal.regions.models import Region

from .models import Catalogue, HandlingItem, ItemVersion, LifeEvent, LifeEventItem


def _require_admin(actor: User | None, catalogue: Catalogue, *, system: bool) -> None:
    if acts_as_system(actor, system=system):
        return
    if actor is None:
        raise NotPermitted()
    require_role(actor, Role.CATALOGUE_ADMIN, catalogue.region)


def _draft(event: LifeEvent) -> LifeEvent:
    event = (
        LifeEvent.objects.select_for_update().select_related("catalogue__region").get(pk=event.pk)
    )
    if not event.is_draft:
        raise InvalidTransition(_("已发布的一件事不能修改"))
    return event


def _text_errors(fields: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, limit in (("name", 100), ("keywords", 300)):
        if name in fields:
            value = " ".join(str(fields[name] or "").split())
            fields[name] = value
            if name == "name" and not value:
                errors[name] = [_("此项为必填项")]
            elif len(value) > limit:
                errors[name] = [_("不能超过{n}个字符").format(n=limit)]
    if "description" in fields:
        fields["description"] = str(fields["description"] or "").strip()
    return errors


@transaction.atomic
def create_life_event(
    catalogue: Catalogue,
    *,
    actor: User | None,
    name: str,
    keywords: str = "",
    description: str = "",
    system: bool = False,
) -> LifeEvent:
    """A new draft: version 1, or the next version of a published event of the same name."""
    _require_admin(actor, catalogue, system=system)
    fields: dict[str, Any] = {"name": name, "keywords": keywords, "description": description}
    fail_fields(_text_errors(fields))
    versions = LifeEvent.objects.filter(catalogue=catalogue, name=fields["name"])
    if versions.filter(status=LifeEvent.Status.DRAFT).exists():
        fail_fields({"name": [_("该一件事已有草稿，请先修改或发布草稿")]})
    number = (versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    event = LifeEvent.objects.create(catalogue=catalogue, number=number, **fields)
    record(
        "catalogue.create_life_event",
        actor=actor,
        subject=event,
        region_code=catalogue.region.code,
        summary=_("一件事：{name} 第{n}版").format(name=event.name, n=number),
    )
    return event


@transaction.atomic
def update_life_event(
    event: LifeEvent, *, actor: User | None, system: bool = False, **changes: Any
) -> LifeEvent:
    event = _draft(event)
    _require_admin(actor, event.catalogue, system=system)
    unknown = sorted(set(changes) - {"keywords", "description"})
    if unknown:
        fail_fields({name: [_("该项不能修改")] for name in unknown})
    fail_fields(_text_errors(changes))
    for name, value in changes.items():
        setattr(event, name, value)
    event.save(update_fields=list(changes))
    record(
        "catalogue.update_life_event",
        actor=actor,
        subject=event,
        region_code=event.catalogue.region.code,
        summary=str(event),
        data={name: str(value) for name, value in changes.items()},
    )
    return event


@transaction.atomic
def add_life_event_item(
    event: LifeEvent,
    handling_item: HandlingItem,
    *,
    actor: User | None,
    required: bool = True,
    question: str = "",
    system: bool = False,
) -> LifeEventItem:
    """Add a handling item: required, or optional and offered when the applicant answers
    `question` yes."""
    event = _draft(event)
    _require_admin(actor, event.catalogue, system=system)
    question = " ".join((question or "").split())
    errors: dict[str, list[str]] = {}
    if handling_item.item_version.item.catalogue_id != event.catalogue_id:
        errors["handling_item"] = [_("办理项应属于本事项目录")]
    elif event.items.filter(handling_item=handling_item).exists():
        errors["handling_item"] = [_("该办理项已在本一件事中")]
    if not required and not question:
        errors["question"] = [_("可选事项须填写引导问题，例如“是否设置户外招牌？”")]
    elif len(question) > 200:
        errors["question"] = [_("不能超过{n}个字符").format(n=200)]
    fail_fields(errors)
    item = LifeEventItem.objects.create(
        life_event=event,
        handling_item=handling_item,
        required=required,
        question="" if required else question,
        order=event.items.count() + 1,
    )
    record(
        "catalogue.add_life_event_item",
        actor=actor,
        subject=event,
        region_code=event.catalogue.region.code,
        summary=f"{event}：{handling_item.name}",
        data={"handling_item": handling_item.pk, "required": required, "question": question},
    )
    return item


def publish_blockers(event: LifeEvent, on: datetime.date) -> list[str]:
    items = list(event.items.select_related("handling_item__item_version__item"))
    in_force = set(
        ItemVersion.objects.in_force(on)
        .filter(pk__in=[i.handling_item.item_version_id for i in items])
        .values_list("pk", flat=True)
    )
    out = []
    if not items:
        out.append(_("一件事没有办理事项"))
    elif not any(i.required for i in items):
        out.append(_("一件事至少应有一个必办事项"))
    for item in items:
        hi = item.handling_item
        if hi.item_version_id not in in_force:
            out.append(
                _("办理项“{name}”的事项版本不在有效期内（未发布、已失效或已取消）").format(
                    name=hi.name
                )
            )
    regions = {i.handling_item.item_version.item.catalogue_id for i in items}
    if len(regions) > 1:
        out.append(_("一件事的办理项应属于同一事项目录"))
    return out


@transaction.atomic
def publish_life_event(event: LifeEvent, *, actor: User | None, system: bool = False) -> LifeEvent:
    """Publish a draft today; refused with every reason. The published version of the same
    name it replaces stops being offered."""
    event = _draft(event)
    _require_admin(actor, event.catalogue, system=system)
    on = today()
    blockers = publish_blockers(event, on)
    if blockers:
        raise ValidationFailed(_("一件事不完整，不能发布"), reasons=blockers)
    LifeEvent.objects.filter(
        catalogue=event.catalogue_id,
        name=event.name,
        status=LifeEvent.Status.PUBLISHED,
        superseded_on__isnull=True,
    ).update(superseded_on=on)
    event.status, event.published_on = LifeEvent.Status.PUBLISHED, on
    event.save(update_fields=["status", "published_on"])
    record(
        "catalogue.publish_life_event",
        actor=actor,
        subject=event,
        region_code=event.catalogue.region.code,
        summary=_("一件事：{name} 第{n}版").format(name=event.name, n=event.number),
        data={"items": list(event.items.values_list("handling_item_id", flat=True))},
    )
    return event


def offered_life_events(region: Region | None = None) -> QuerySet[LifeEvent]:
    """The life events on offer: published, not replaced, of `region`'s catalogue or of one
    above it."""
    events = LifeEvent.objects.filter(status=LifeEvent.Status.PUBLISHED, superseded_on__isnull=True)
    if region is not None:
        above = Q()
        for prefix in {region.code[:n] for n in (2, 4, 6)}:
            above |= Q(catalogue__region__code=prefix.ljust(6, "0"))
        events = events.filter(above)
    return events.select_related("catalogue__region").order_by("catalogue__region__code", "name")
