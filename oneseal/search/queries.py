"""Finding the handling item a citizen means from their own words, and the reads of the
synonym pages.

`search_handling_items` ranks the handling items of the versions in force today: BM25 over
character unigrams, bigrams and words (jieba, knowing the catalogue's words) of names, everyday names, synonyms, the department and the
guide's conditions, fused with the meaning similarity of multilingual-e5-small to names,
everyday names and synonyms (figures in bench/search.py and docs/architecture.md). One handling
item per item is returned; the query's verb picks which (改名 → 变更, 不干了 → 注销, 到期 → 延续,
丢了 → 补证, none → 新办), the item's other handling items come with it."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from oneseal.actors import Actor
from oneseal.catalogue.life_events import offered_life_events
from oneseal.catalogue.models import Catalogue, HandlingItem, Item, LifeEvent, Variant
from oneseal.organisation.models import Role
from oneseal.organisation.rules import scope_prefix
from oneseal.regions.models import Region

from . import embeddings, index, rules
from .models import Exclusion, Synonym

MAX_QUERY_LENGTH = 100
MAX_LIMIT = 50


@dataclass(frozen=True)
class Sibling:
    """Another handling item of the same item (its 变更 / 注销 … or another kind of applicant)."""

    handling_item: HandlingItem
    name: str
    variant_label: str
    guide_url: str


@dataclass(frozen=True)
class Hit:
    handling_item: HandlingItem
    item_name: str
    handling_item_name: str
    department_name: str
    region_code: str
    score: float
    guide_url: str
    matched: str  # why this one: the everyday name, synonym or name that matched, the verb
    variant_label: str
    others: tuple[Sibling, ...] = ()


@dataclass(frozen=True)
class Notice:
    """An item left out because the query says one of its exclusions (`Exclusion`): what the
    citizen said, the item it is not, why, and where to go instead when the catalogue has it."""

    phrase: str
    item_name: str
    explanation: str
    instead_name: str = ""
    instead_url: str = ""


class Results(list):
    """The ranked hits, and whether the best is close enough to be an answer (`matched`).
    When it is not, the hits are only the nearest the catalogue has ("可能相关"), and the page
    says it found nothing close. A list, so a caller wanting just the ranking reads it as one.
    `notices` names the items left out by an administrator's exclusion."""

    def __init__(
        self,
        hits: Iterable[Any] = (),
        *,
        matched: bool = False,
        closeness: rules.Closeness | None = None,
        notices: tuple[Notice, ...] = (),
    ) -> None:
        super().__init__(hits)
        self.matched = matched
        self.closeness = closeness
        self.notices = notices


def _explain(
    doc: index.Document,
    query: str,
    best_text: tuple[str, str] | None,
    lexical_share: float,
    cue: str,
    variant_matched: bool,
) -> str:
    parts = []
    everyday = [t for k, t in doc.texts if k in (index.Kind.KEYWORD, index.Kind.SYNONYM)]
    found = rules.phrases_in(query, everyday)
    if found:
        kind = dict((t, k) for k, t in doc.texts if k in (index.Kind.KEYWORD, index.Kind.SYNONYM))[
            found[0]
        ]
        label = _("同义词“{p}”") if kind == index.Kind.SYNONYM else _("俗称“{p}”")
        parts.append(_("与%(what)s相符") % {"what": label.format(p=found[0])})
    elif best_text is not None and lexical_share < 0.5:
        kind, text = best_text
        if kind in (index.Kind.KEYWORD, index.Kind.SYNONYM):
            label = _("同义词“{p}”") if kind == index.Kind.SYNONYM else _("俗称“{p}”")
            parts.append(_("意思接近%(what)s") % {"what": label.format(p=text)})
        else:
            parts.append(_("意思接近“{name}”").format(name=text))
    else:
        shared = rules.shared_parts(
            query, doc.handling_item.name + " " + doc.handling_item.item_version.name
        )
        parts.append(
            _("名称含{parts}").format(parts="".join(f"“{p}”" for p in shared))
            if shared
            else _("办事指南内容相关")
        )
    if cue and variant_matched:
        parts.append(_("按“{cue}”选{variant}").format(cue=cue, variant=Variant(doc.variant).label))
    return "；".join(parts)


def _closeness(
    idx: index.Index, query: str, cue: str, top: int, boosted: set[int], mask: np.ndarray | None
) -> rules.Closeness:
    """How close the best document is (`rules.Closeness`); the threshold decides on it."""
    stripped = rules.normalise(query).replace(cue, " ") if cue else rules.normalise(query)
    coverage = idx.lexical.coverage(
        rules.terms(rules.strip_fillers(stripped), idx.config.terms, segment=idx.segment), top
    )
    if top in boosted or idx.matrix is None:
        return rules.Closeness(phrase=top in boosted, agrees=None, distinct=0.0, coverage=coverage)
    dense, _rows = idx.dense_scores(embeddings.query_vector(rules.core_words(query)))
    if mask is not None:
        dense = np.where(mask, dense, -1.0)
    items = np.fromiter(
        (d.item_id for d in idx.documents), dtype=np.int64, count=len(idx.documents)
    )
    ids, slots = np.unique(items, return_inverse=True)
    per_item = np.full(len(ids), -1.0)
    np.maximum.at(per_item, slots, dense)
    order = np.sort(per_item)[::-1]
    nearest = int(ids[int(np.argmax(per_item))])
    distinct = float(order[0] - order[min(4, len(order) - 1)])
    return rules.Closeness(
        phrase=False,
        agrees=nearest == idx.documents[top].item_id,
        distinct=distinct,
        coverage=coverage,
    )


_prefixes: dict[str, str] = {}


def _region_prefix(region_code: str | None) -> str | None:
    """The code prefix of the region and everything under it; region codes never change, so
    the ones found are kept."""
    if not region_code:
        return None
    prefix = _prefixes.get(region_code)
    if prefix is None:
        region = Region.objects.filter(code=region_code).only("prefix").first()
        if region is None:
            return "\0"  # an unknown region has nothing
        prefix = _prefixes[region_code] = region.prefix
    return prefix


def said_exclusions(idx: index.Index, query: str) -> list[index.ExclusionRule]:
    """The exclusions the query says, except for an item whose own everyday name (keyword or
    synonym) the query also writes in full: 药店刷医保 still finds the 医保 agreement even if
    an administrator excluded 药店 alone from it."""
    said = [e for e in idx.exclusions if rules.phrase_said(query, e.phrase)]
    if not said:
        return []
    text = rules.normalise(query)
    named = {
        idx.documents[doc].item_id
        for phrase, docs in idx.phrase_docs.items()
        if phrase in text
        for doc in docs
    }
    return [e for e in said if e.item_id not in named]


def search_handling_items(
    text: str,
    *,
    region_code: str | None = None,
    limit: int = 10,
    config: index.Config | None = None,
    threshold: rules.Threshold | None = None,
) -> Results:
    """Ranked handling items for a citizen's words, in the local catalogue of `region_code` and
    the regions under it (every local catalogue when None); only versions in force today.
    `matched` on the result says whether the best is close enough (`rules.THRESHOLD`)."""
    query = (text or "").strip()[:MAX_QUERY_LENGTH]
    if not rules.has_words(query):
        return Results()
    limit = max(1, min(limit, MAX_LIMIT))
    idx = index.current(config)
    if not idx.documents:
        return Results()
    cfg = idx.config
    asked, cue = rules.asked_variant(query)
    keyword_text = rules.strip_fillers(rules.normalise(query)) + " " + rules.CUE_WORDS.get(cue, "")
    lexical = idx.lexical.scores(rules.terms(keyword_text, cfg.terms, segment=idx.segment))
    dense = best_row = None
    if idx.matrix is not None:
        dense, best_row = idx.dense_scores(embeddings.query_vector(query))
    # One reverse() per query: the guide's address differs only by the handling item's number.
    url_pattern = reverse("portal:guide", args=[987654321])
    mask = idx.region_mask(_region_prefix(region_code))
    said = said_exclusions(idx, query)
    if said:
        region_items = {d.item_id for i, d in enumerate(idx.documents) if mask is None or mask[i]}
        said = [e for e in said if e.item_id in region_items]
    excluded = {e.item_id for e in said}
    # What an exclusion points to instead is answered as if the query named it.
    instead = {e.instead_item_id for e in said if e.instead_item_id} - excluded
    if excluded:
        keep = np.fromiter(
            (d.item_id not in excluded for d in idx.documents), dtype=bool, count=len(idx.documents)
        )
        mask = keep if mask is None else mask & keep
    if mask is not None:
        if not mask.any():
            return Results(notices=_notices(idx, said, url_pattern))
        lexical = np.where(mask, lexical, 0.0)
        if dense is not None:
            dense = np.where(mask, dense, -1.0)
    scores = rules.fuse(lexical, dense, cfg.weights)
    # An everyday name or synonym written in full in the query is the strongest sign there is.
    boosted = {i for p in rules.phrases_in(query, idx.phrase_docs) for i in idx.phrase_docs[p]}
    if instead:
        boosted |= {i for i, d in enumerate(idx.documents) if d.item_id in instead}
    if mask is not None:
        boosted = {i for i in boosted if mask[i]}
    if boosted:
        scores[list(boosted)] += cfg.weights.phrase
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    choices = rules.choose_per_item(
        scores,
        [d.item_id for d in idx.documents],
        [d.variant for d in idx.documents],
        asked,
        cfg.weights,
        [d.first_of_variant for d in idx.documents],
    )
    choices = [c for c in choices if np.isfinite(c.score) and c.score > 0][:limit]
    closeness = _closeness(idx, query, cue, choices[0].doc, boosted, mask) if choices else None
    lexical_norm = rules.normalised_lexical(lexical)
    siblings: dict[int, list[index.Document]] = {}
    wanted_items = {idx.documents[c.doc].item_id for c in choices}
    for d in idx.documents:
        if d.item_id in wanted_items:
            siblings.setdefault(d.item_id, []).append(d)
    labels = {v: str(label) for v, label in Variant.choices}
    hits = []
    for c in choices:
        doc = idx.documents[c.doc]
        hi = doc.handling_item
        best_text = idx.row_texts[best_row[c.doc]] if best_row is not None else None
        if best_text is not None:
            best_text = next(((k, t) for k, t in doc.texts if t == best_text[1]), None)
        share = float(lexical_norm[c.doc]) if dense is not None else 1.0
        hits.append(
            Hit(
                handling_item=hi,
                item_name=hi.item_version.name,
                handling_item_name=hi.name,
                department_name=doc.department,
                region_code=doc.region_code,
                score=round(c.score, 4),
                guide_url=url_pattern.replace("987654321", str(hi.pk)),
                matched=(
                    _("管理员指定：这种说法应办本事项")
                    if doc.item_id in instead
                    else _explain(doc, query, best_text, share, cue, c.variant_matched)
                ),
                variant_label=labels[doc.variant],
                others=tuple(
                    Sibling(
                        o.handling_item,
                        o.handling_item.name,
                        labels[o.variant],
                        url_pattern.replace("987654321", str(o.handling_item.pk)),
                    )
                    for o in siblings[doc.item_id]
                    if o is not doc
                ),
            )
        )
    matched = closeness is not None and (threshold or rules.THRESHOLD).is_close(closeness)
    return Results(
        hits, matched=matched, closeness=closeness, notices=_notices(idx, said, url_pattern)
    )


def _notices(
    idx: index.Index, said: list[index.ExclusionRule], url_pattern: str
) -> tuple[Notice, ...]:
    seen: set[int] = set()
    out = []
    for e in sorted(said, key=lambda e: -len(e.phrase)):
        if e.item_id in seen:
            continue  # the longest phrase said speaks for its item
        seen.add(e.item_id)
        instead_name = instead_url = ""
        if e.instead_item_id:
            doc = next(
                (d for d in idx.documents if d.item_id == e.instead_item_id and d.first_of_variant),
                None,
            )
            if doc is not None:
                instead_name = doc.handling_item.item_version.name
                instead_url = url_pattern.replace("987654321", str(doc.handling_item.pk))
        out.append(
            Notice(
                phrase=e.phrase,
                item_name=e.item_name,
                explanation=e.explanation,
                instead_name=instead_name,
                instead_url=instead_url,
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class TopicLink:
    name: str
    url: str  # the region's catalogue filtered to the topic


@dataclass(frozen=True)
class Consultation:
    bureau: str
    phone: str


def nearest_topics(results: Results, limit: int = 3) -> list[TopicLink]:
    """The catalogue topics (`Topic`) of the nearest items, in their order: where to browse
    when nothing is close enough."""
    from oneseal.catalogue.models import Topic

    seen: dict[tuple[int, str], None] = {}
    for hit in results:
        topic_id = hit.handling_item.item_version.topic_id
        if topic_id is not None:
            seen.setdefault((topic_id, hit.region_code), None)
        if len(seen) >= limit:
            break
    names = dict(Topic.objects.filter(pk__in={t for t, _r in seen}).values_list("pk", "name"))
    return [
        TopicLink(names[t], reverse("portal:catalogue", args=[region]) + f"?topic={t}")
        for t, region in seen
        if t in names
    ]


def consultation_phones(region_code: str | None) -> list[Consultation]:
    """Whom to ask: the consultation phone (`Bureau.phone`, 咨询电话) of the searched region's
    bureau, or of every bureau with a local catalogue when no region was chosen."""
    from oneseal.organisation.models import Bureau

    bureaus = Bureau.objects.exclude(phone="").order_by("region__code")
    if region_code:
        prefix = _region_prefix(region_code) or ""
        bureaus = bureaus.filter(region__code__startswith=prefix)
    else:
        bureaus = bureaus.filter(region__catalogues__kind=Catalogue.Kind.LOCAL).distinct()
    return [Consultation(b.name, b.phone) for b in bureaus[:5]]


# --- The synonym pages ---------------------------------------------------------------------------


def administered_catalogues(user: Actor) -> QuerySet[Catalogue]:
    """The local catalogues whose region lies in the user's scope (the pages check the role)."""
    prefix = scope_prefix(user)
    if prefix is None:
        return Catalogue.objects.none()
    return (
        Catalogue.objects.filter(kind=Catalogue.Kind.LOCAL, region__code__startswith=prefix)
        .select_related("region")
        .order_by("region__code")
    )


def synonyms_of(catalogue: Catalogue) -> QuerySet[Synonym]:
    return (
        Synonym.objects.filter(catalogue=catalogue)
        .select_related("created_by__staff", "item")
        .order_by("-created_at", "-id")
    )


def exclusions_of(catalogue: Catalogue) -> QuerySet[Exclusion]:
    return (
        Exclusion.objects.filter(catalogue=catalogue)
        .select_related("created_by__staff", "item", "instead_item", "instead_life_event")
        .order_by("-created_at", "-id")
    )


def life_events_for_exclusions(catalogue: Catalogue) -> list[tuple[int, str]]:
    """The life events on offer in the catalogue's region, for a select."""
    return [(e.pk, e.name) for e in offered_life_events(catalogue.region)]


def items_for_synonyms(catalogue: Catalogue) -> list[tuple[int, str]]:
    """The catalogue's items by the name of their version in force (or newest), for a select."""
    names: dict[int, str] = {}
    versions = (
        index.in_force_versions()
        .filter(item__catalogue=catalogue)
        .values_list("item_id", "name")
        .order_by("name")
    )
    for item_id, name in versions:
        names.setdefault(item_id, name)
    return sorted(names.items(), key=lambda pair: pair[1])


def item_names(items: list[Item]) -> dict[int, str]:
    out: dict[int, str] = {}
    for item_id, name in (
        index.in_force_versions().filter(item__in=items).values_list("item_id", "name")
    ):
        out[item_id] = name
    return out


ROLE = Role.CATALOGUE_ADMIN


# --- life events ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LifeEventHit:
    """A life event (一件事) whose name or keywords the query says: offered before the items."""

    life_event: LifeEvent
    name: str
    description: str
    item_names: tuple[str, ...]
    matched: str
    url: str


def _phrases(event: LifeEvent) -> list[str]:
    words = [event.name, *re.split(r"[\s,，、;；]+", event.keywords or "")]
    return [w for w in (rules.normalise(w) for w in words) if len(w) >= 2]


def search_life_events(
    text: str, *, region_code: str | None = None, limit: int = 3
) -> list[LifeEventHit]:
    """The offered life events the query names: its name or a keyword is in the query, or the
    query (two characters or more) is in them, or an administrator's exclusion the query says
    points to it; the longest phrase matched first. Of the region's catalogue and those above
    it, or every catalogue when no region is given."""
    query = rules.normalise((text or "").strip()[:MAX_QUERY_LENGTH])
    if len(query) < 2:
        return []
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if region_code and region is None:
        return []
    pointed: dict[tuple[int, str], str] = {}
    for e in said_exclusions(index.current(), query):
        if e.instead_life_event is not None:
            pointed.setdefault(e.instead_life_event, e.phrase)
    scored = []
    for event in offered_life_events(region).prefetch_related("items__handling_item"):
        found = [p for p in _phrases(event) if p in query or query in p]
        if (event.catalogue_id, event.name) in pointed:
            found.append(pointed[(event.catalogue_id, event.name)])
        if found:
            best = max(found, key=len)
            scored.append((-len(best), event.name, event, best))
    scored.sort(key=lambda row: row[:2])
    return [
        LifeEventHit(
            life_event=event,
            name=event.name,
            description=event.description,
            item_names=tuple(i.handling_item.name for i in event.items.all()),
            matched=best,
            url=reverse("projects:life_event", args=[event.pk]),
        )
        for _score, _name, event, best in scored[:limit]
    ]
