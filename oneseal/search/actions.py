"""Writes of the search: the everyday names (synonyms) administrators add to items. Each action
is one transaction, checks that the actor is a catalogue administrator of the catalogue's
region and records an audit event with who, when and why. The search sees the change at its
next query (the index compares its fingerprint), so nothing else has to be told."""

from django.db import transaction
from django.utils.translation import gettext as _

from oneseal.actors import User
from oneseal.audit.actions import record
from oneseal.catalogue.models import Catalogue, Item, Variant
from oneseal.errors import ValidationFailed
from oneseal.organisation.models import Role
from oneseal.organisation.rules import require_role

from . import rules
from .models import Synonym

MAX_PHRASE = 50


def add_synonym_blockers(
    catalogue: Catalogue, *, item: Item | None, phrase: str, reason: str, variant: str = ""
) -> dict[str, list[str]]:
    """What is wrong with a synonym before it is added, by field; empty when it can be."""
    errors: dict[str, list[str]] = {}
    text = " ".join((phrase or "").split())
    if not text:
        errors["phrase"] = [_("请填写群众的说法")]
    elif len(text) > MAX_PHRASE:
        errors["phrase"] = [_("说法不能超过 {n} 个字").format(n=MAX_PHRASE)]
    elif len(rules.normalise(text)) < 2:
        errors["phrase"] = [_("说法至少要有两个字，单字会让检索结果变得混乱")]
    if item is None or item.catalogue_id != catalogue.pk:
        errors["item"] = [_("请选择本目录中的事项")]
    elif text and Synonym.objects.filter(item=item, phrase=text).exists():
        errors["phrase"] = [_("该事项已有说法“{p}”").format(p=text)]
    if variant and variant not in Variant.values:
        errors["variant"] = [_("业务类型无效")]
    if not (reason or "").strip():
        errors["reason"] = [_("请填写添加理由，例如群众来电或窗口常听到的说法")]
    return errors


@transaction.atomic
def add_synonym(
    catalogue: Catalogue,
    *,
    actor: "User",
    item: Item | None,
    phrase: str,
    reason: str,
    variant: str = "",
) -> Synonym:
    """Let the search find `item` when citizens say `phrase` (开饭店 → 食品经营许可)."""
    require_role(actor, Role.CATALOGUE_ADMIN, catalogue.region)
    errors = add_synonym_blockers(
        catalogue, item=item, phrase=phrase, reason=reason, variant=variant
    )
    if errors:
        raise ValidationFailed(fields=errors)
    synonym = Synonym.objects.create(
        catalogue=catalogue,
        item=item,
        phrase=" ".join(phrase.split()),
        variant=variant,
        reason=reason.strip(),
        created_by=actor,
    )
    record(
        "search.add_synonym",
        actor=actor,
        subject=synonym,
        region_code=catalogue.region.code,
        summary=f"{synonym.phrase} → {item.basic_code}",
        data={
            "item": item.pk,
            "basic_code": item.basic_code,
            "phrase": synonym.phrase,
            "variant": variant,
            "reason": synonym.reason,
        },
    )
    return synonym


@transaction.atomic
def remove_synonym(synonym: Synonym, *, actor: "User", reason: str = "") -> None:
    """Take a synonym out of the search; the audit record keeps what it was."""
    synonym = (
        Synonym.objects.select_for_update()
        .select_related("catalogue__region", "item")
        .get(pk=synonym.pk)
    )
    require_role(actor, Role.CATALOGUE_ADMIN, synonym.catalogue.region)
    record(
        "search.remove_synonym",
        actor=actor,
        subject=synonym,
        region_code=synonym.catalogue.region.code,
        summary=f"{synonym.phrase} → {synonym.item.basic_code}",
        data={
            "item": synonym.item_id,
            "basic_code": synonym.item.basic_code,
            "phrase": synonym.phrase,
            "variant": synonym.variant,
            "added_reason": synonym.reason,
            "reason": reason.strip(),
        },
    )
    synonym.delete()
