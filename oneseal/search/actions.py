"""Writes of the search: the everyday names (synonyms) administrators add to items, and the
phrases an item must not be found for (exclusions). Each action
is one transaction, checks that the actor is a catalogue administrator of the catalogue's
region and records an audit event with who, when and why. The search sees the change at its
next query (the index compares its fingerprint), so nothing else has to be told."""

from django.db import transaction
from django.utils.translation import gettext as _

from oneseal.actors import User, stored_user
from oneseal.audit.actions import record
from oneseal.catalogue.life_events import offered_life_events
from oneseal.catalogue.models import Catalogue, HandlingItem, Item, LifeEvent, Variant
from oneseal.errors import ValidationFailed, fail_fields
from oneseal.organisation.models import Role
from oneseal.organisation.rules import require_role

from . import index, rules
from .models import Exclusion, Synonym

MAX_PHRASE = 50
MAX_EXPLANATION = 200


def add_synonym_blockers(
    catalogue: Catalogue, *, item: Item | None, phrase: str, reason: str, variant: str = ""
) -> dict[str, list[str]]:
    """What is wrong with a synonym before it is added, by field; empty when it can be."""
    errors: dict[str, list[str]] = _catalogue_errors(catalogue)
    text, phrase_errors = _phrase_errors(phrase)
    if phrase_errors:
        errors["phrase"] = phrase_errors
    if item is None or item.catalogue_id != catalogue.pk:
        errors["item"] = [_("请选择本目录中的事项")]
    elif text and Synonym.objects.filter(item=item, phrase=text).exists():
        errors["phrase"] = [_("该事项已有说法“{p}”").format(p=text)]
    elif text and any(
        rules.normalise(p) == rules.normalise(text)
        for p in Exclusion.objects.filter(item=item).values_list("phrase", flat=True)
    ):
        errors["phrase"] = [_("“{p}”已被排除，不指向该事项；请先删除该排除说法").format(p=text)]
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
    assert item is not None  # add_synonym_blockers refuses a missing item
    synonym = Synonym.objects.create(
        catalogue=catalogue,
        item=item,
        phrase=" ".join(phrase.split()),
        variant=variant,
        reason=reason.strip(),
        created_by=stored_user(actor),
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


def _catalogue_errors(catalogue: Catalogue) -> dict[str, list[str]]:
    # Citizens search a county's own list: a guidance catalogue is the province's model, and
    # a phrase kept there would steer no search. The rule holds on every path (page, admin,
    # API), not only on the page that lists local catalogues.
    if catalogue.kind != Catalogue.Kind.LOCAL:
        return {"catalogue": [_("只能为本地事项目录添加说法")]}
    return {}


def _phrase_errors(phrase: str) -> tuple[str, list[str]]:
    text = " ".join((phrase or "").split())
    if not text:
        return text, [_("请填写群众的说法")]
    if len(text) > MAX_PHRASE:
        return text, [_("说法不能超过 {n} 个字").format(n=MAX_PHRASE)]
    if len(rules.normalise(text)) < 2:
        return text, [_("说法至少要有两个字，单字会让检索结果变得混乱")]
    return text, []


def _everyday_names(item: Item) -> set[str]:
    """The item's synonyms and the keywords of its handling items in force, normalised."""
    names = {
        rules.normalise(p)
        for p in Synonym.objects.filter(item=item).values_list("phrase", flat=True)
    }
    keywords = HandlingItem.objects.filter(
        item_version__in=index.in_force_versions().filter(item=item)
    ).values_list("keywords", flat=True)
    for text in keywords:
        names.update(rules.split_phrases(text))
    return names


def add_exclusion_blockers(
    catalogue: Catalogue,
    *,
    item: Item | None,
    phrase: str,
    reason: str,
    explanation: str = "",
    instead_item: Item | None = None,
    instead_life_event: LifeEvent | None = None,
) -> dict[str, list[str]]:
    """What is wrong with an exclusion before it is added, by field; empty when it can be."""
    errors: dict[str, list[str]] = _catalogue_errors(catalogue)
    text, phrase_errors = _phrase_errors(phrase)
    if phrase_errors:
        errors["phrase"] = phrase_errors
    if item is None or item.catalogue_id != catalogue.pk:
        errors["item"] = [_("请选择本目录中的事项")]
    elif text and not phrase_errors:
        normalised = rules.normalise(text)
        if Exclusion.objects.filter(item=item, phrase=text).exists():
            errors["phrase"] = [_("该事项已排除说法“{p}”").format(p=text)]
        elif normalised in _everyday_names(item):
            # Both would hold at once: the search could not obey the two.
            errors["phrase"] = [
                _("“{p}”是该事项的群众说法或关键词，请先删除该说法或修改关键词").format(p=text)
            ]
    if len((explanation or "").strip()) > MAX_EXPLANATION:
        errors["explanation"] = [_("说明不能超过 {n} 个字").format(n=MAX_EXPLANATION)]
    if instead_item is not None and instead_life_event is not None:
        errors["instead_life_event"] = [_("只能指向一个事项或一件事，不能同时指向两者")]
    if instead_item is not None:
        if instead_item.catalogue_id != catalogue.pk:
            errors["instead_item"] = [_("请选择本目录中的事项")]
        elif item is not None and instead_item.pk == item.pk:
            errors["instead_item"] = [_("应指向的事项不能是被排除的事项本身")]
    if instead_life_event is not None and not (
        offered_life_events(catalogue.region).filter(pk=instead_life_event.pk).exists()
    ):
        errors["instead_life_event"] = [_("请选择本地区正在提供的一件事")]
    if not (reason or "").strip():
        errors["reason"] = [_("请填写添加理由，例如群众被引错的事项")]
    return errors


@transaction.atomic
def add_exclusion(
    catalogue: Catalogue,
    *,
    actor: "User",
    item: Item | None,
    phrase: str,
    reason: str,
    explanation: str = "",
    instead_item: Item | None = None,
    instead_life_event: LifeEvent | None = None,
) -> Exclusion:
    """Keep the search from answering `phrase` with `item` (开药店 is not the 医保 agreement of
    a pharmacy already open); optionally point the phrase to the item or life event that does
    answer it, and say why to the citizen."""
    require_role(actor, Role.CATALOGUE_ADMIN, catalogue.region)
    errors = add_exclusion_blockers(
        catalogue,
        item=item,
        phrase=phrase,
        reason=reason,
        explanation=explanation,
        instead_item=instead_item,
        instead_life_event=instead_life_event,
    )
    fail_fields(errors)
    assert item is not None  # add_exclusion_blockers refuses a missing item
    exclusion = Exclusion.objects.create(
        catalogue=catalogue,
        item=item,
        phrase=" ".join(phrase.split()),
        explanation=(explanation or "").strip(),
        instead_item=instead_item,
        instead_life_event=instead_life_event,
        reason=reason.strip(),
        created_by=stored_user(actor),
    )
    record(
        "search.add_exclusion",
        actor=actor,
        subject=exclusion,
        region_code=catalogue.region.code,
        summary=f"{exclusion.phrase} ↛ {item.basic_code}",
        data=_exclusion_data(exclusion),
    )
    return exclusion


def _exclusion_data(exclusion: Exclusion) -> dict:
    return {
        "item": exclusion.item_id,
        "basic_code": exclusion.item.basic_code,
        "phrase": exclusion.phrase,
        "explanation": exclusion.explanation,
        "instead_item": exclusion.instead_item_id,
        "instead_life_event": exclusion.instead_life_event_id,
        "reason": exclusion.reason,
    }


@transaction.atomic
def remove_exclusion(exclusion: Exclusion, *, actor: "User", reason: str = "") -> None:
    """Let the search find the item for the phrase again; the audit record keeps what it was."""
    exclusion = (
        Exclusion.objects.select_for_update()
        .select_related("catalogue__region", "item")
        .get(pk=exclusion.pk)
    )
    require_role(actor, Role.CATALOGUE_ADMIN, exclusion.catalogue.region)
    data = _exclusion_data(exclusion)
    data["added_reason"] = data.pop("reason")
    data["reason"] = reason.strip()
    record(
        "search.remove_exclusion",
        actor=actor,
        subject=exclusion,
        region_code=exclusion.catalogue.region.code,
        summary=f"{exclusion.phrase} ↛ {exclusion.item.basic_code}",
        data=data,
    )
    exclusion.delete()
