"""The search index of the public catalogue: one document per handling item of every version in
force today in a local catalogue, kept in memory by each process.

What is precomputed and stored is the expensive part, the meaning vectors (`TextEmbedding`,
one per distinct text). The in-memory index is rebuilt from them when it is stale: each search
first compares a fingerprint of what is in force (versions and their publication times, the
synonyms) with the one the index was built from. Publishing a version, the day a published
version takes effect, or a synonym added or removed all change it, so no publisher has to
tell the search anything. `oneseal search-index` computes the vectors ahead of time (after an
import or `load-demo`), so that the first search after a change only embeds what is new."""

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.db.models import Prefetch, QuerySet

from oneseal.calendars.queries import today
from oneseal.catalogue.models import Catalogue, HandlingItem, ItemVersion

from . import embeddings, rules, words
from .models import Exclusion, Synonym, TextEmbedding


class Kind:
    ITEM_NAME = "item_name"
    NAME = "name"
    KEYWORD = "keyword"
    SYNONYM = "synonym"


# Field weights of the keyword index (BM25F): names and everyday names say what the matter is,
# the department and the guide's conditions only hint at it.
FIELD_WEIGHTS = {
    Kind.ITEM_NAME: 2.0,
    Kind.NAME: 3.0,
    Kind.KEYWORD: 2.0,
    Kind.SYNONYM: 2.0,
    "department": 0.5,
    "guide": 0.3,
}
EMBEDDED_KINDS = {
    Kind.ITEM_NAME: embeddings.PASSAGE,
    Kind.NAME: embeddings.PASSAGE,
    Kind.KEYWORD: embeddings.QUERY,
    Kind.SYNONYM: embeddings.QUERY,
}


@dataclass(frozen=True)
class Config:
    terms: rules.TermOptions = rules.TermOptions()
    weights: rules.Weights = rules.Weights()
    use_embeddings: bool = True
    use_synonyms: bool = True


@dataclass
class Document:
    handling_item: HandlingItem
    item_id: int
    region_code: str
    variant: str
    texts: list[tuple[str, str]]  # (kind, text) of names, keywords and synonyms
    department: str
    guide: str
    first_of_variant: bool = (
        False  # the guide lists no other handling item of this variant before it
    )


@dataclass(frozen=True)
class ExclusionRule:
    """An administrator's "not this item" phrase (`Exclusion`), as the search reads it."""

    phrase: str  # normalised
    item_id: int
    item_name: str
    explanation: str
    instead_item_id: int | None
    instead_life_event: tuple[int, str] | None  # (catalogue, name): its version on offer


@dataclass
class Index:
    fingerprint: tuple
    config: Config
    documents: list[Document]
    lexical: rules.LexicalIndex
    matrix: np.ndarray | None  # one row per distinct embedded text
    row_of: list[list[int]]  # per document, its rows in `matrix`
    pair_doc: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    pair_row: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    row_texts: list[tuple[str, str]] = field(default_factory=list)
    phrase_docs: dict[str, list[int]] = field(default_factory=dict)  # everyday name → documents
    exclusions: list[ExclusionRule] = field(default_factory=list)
    segment: Callable[[str], list[str]] | None = (
        None  # the words of a text, knowing the catalogue's
    )
    _masks: dict = field(default_factory=dict)

    def region_mask(self, prefix: str | None) -> np.ndarray | None:
        if not prefix:
            return None
        mask = self._masks.get(prefix)
        if mask is None:
            mask = np.array([d.region_code.startswith(prefix) for d in self.documents], dtype=bool)
            self._masks[prefix] = mask
        return mask

    def dense_scores(self, vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per document the best cosine of its texts, and which row gave it."""
        sims = self.matrix @ vector
        pair_sims = sims[self.pair_row]
        best = np.full(len(self.documents), -1.0, dtype=np.float64)
        np.maximum.at(best, self.pair_doc, pair_sims)
        best_row = np.zeros(len(self.documents), dtype=np.int64)
        hit = pair_sims >= best[self.pair_doc] - 1e-9
        best_row[self.pair_doc[hit]] = self.pair_row[hit]
        return best, best_row


def in_force_versions() -> QuerySet[ItemVersion]:
    return ItemVersion.objects.in_force(today()).filter(item__catalogue__kind=Catalogue.Kind.LOCAL)


def fingerprint() -> tuple:
    """What the index depends on, read in one statement over two single tables (every search
    reads it). What is in force today changes only when a version is published (count, newest
    publication time) or when the day comes that a published version starts or stops being in
    force (how many have started, how many have stopped); the synonyms change when one is added
    or removed, and so do the exclusions. Publication times are in it so that a database rolled back and filled again (as
    tests do) never looks unchanged."""
    on = connection.ops.adapt_datefield_value(today())
    quote = connection.ops.quote_name
    versions, synonyms = quote(ItemVersion._meta.db_table), quote(Synonym._meta.db_table)
    exclusions = quote(Exclusion._meta.db_table)
    # Only the models' own table names are put in the text; the values are parameters.
    sql = (
        f"SELECT COUNT(*), MAX(published_at),"  # noqa: S608
        f" SUM(CASE WHEN effective_from <= %s THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN effective_until <= %s THEN 1 ELSE 0 END),"
        f" (SELECT COUNT(*) FROM {synonyms}), (SELECT SUM(id) FROM {synonyms}),"
        f" (SELECT MAX(created_at) FROM {synonyms}),"
        f" (SELECT COUNT(*) FROM {exclusions}), (SELECT SUM(id) FROM {exclusions}),"
        f" (SELECT MAX(created_at) FROM {exclusions})"
        f" FROM {versions} WHERE status = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [on, on, ItemVersion.Status.PUBLISHED.value])
        return tuple(cursor.fetchone())


def load_documents(*, use_synonyms: bool = True) -> list[Document]:
    versions = (
        in_force_versions()
        .select_related("item__catalogue__region", "original_department")
        .prefetch_related(
            Prefetch("handling_items", queryset=HandlingItem.objects.order_by("order", "id"))
        )
        .order_by("item__catalogue__region__code", "item__basic_code")
    )
    synonyms: dict[int, list[Synonym]] = {}
    if use_synonyms:
        for s in Synonym.objects.order_by("id"):
            synonyms.setdefault(s.item_id, []).append(s)
    documents = []
    for version in versions:
        region_code = version.item.catalogue.region.code
        department = version.original_department.name if version.original_department else ""
        own = synonyms.get(version.item_id, [])
        variants_here = {hi.variant for hi in version.handling_items.all()}
        seen_variants: set[str] = set()
        for hi in version.handling_items.all():
            hi.item_version = version  # the page and API read the item's name and department
            texts = [(Kind.ITEM_NAME, version.name), (Kind.NAME, hi.name)]
            texts += [(Kind.KEYWORD, k) for k in rules.split_phrases(hi.keywords)]
            # A synonym for one variant applies to that variant only, when the item offers it.
            texts += [
                (Kind.SYNONYM, rules.normalise(s.phrase))
                for s in own
                if not s.variant or s.variant == hi.variant or s.variant not in variants_here
            ]
            documents.append(
                Document(
                    handling_item=hi,
                    item_id=version.item_id,
                    region_code=region_code,
                    variant=hi.variant,
                    texts=list(dict.fromkeys(texts)),
                    department=department,
                    guide=" ".join(x for x in (hi.conditions, hi.result_name) if x),
                    first_of_variant=hi.variant not in seen_variants,
                )
            )
            seen_variants.add(hi.variant)
    return documents


def load_exclusions(documents: list[Document]) -> list[ExclusionRule]:
    """The exclusions of the items indexed (an item not in force has nothing to exclude)."""
    names = {d.item_id: d.handling_item.item_version.name for d in documents}
    rules_ = []
    for e in Exclusion.objects.filter(item_id__in=list(names)).select_related("instead_life_event"):
        event = e.instead_life_event
        rules_.append(
            ExclusionRule(
                phrase=rules.normalise(e.phrase),
                item_id=e.item_id,
                item_name=names[e.item_id],
                explanation=e.explanation,
                instead_item_id=e.instead_item_id,
                instead_life_event=(event.catalogue_id, event.name) if event else None,
            )
        )
    return rules_


def ensure_vectors(wanted: dict[str, tuple[str, str]], *, batch: int = 64) -> dict[str, np.ndarray]:
    """Vectors for `wanted` ({digest: (purpose, text)}): those stored, those this process
    already computed, and the rest computed now; every one of them is stored for the next
    process."""
    keys = list(wanted)
    stored: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found = set(
            TextEmbedding.objects.filter(model=embeddings.MODEL, digest__in=chunk).values_list(
                "digest", flat=True
            )
        )
        stored |= found
        unknown = [k for k in found if embeddings.known(k) is None]
        if unknown:
            rows = TextEmbedding.objects.filter(
                model=embeddings.MODEL, digest__in=unknown
            ).values_list("digest", "vector")
            for digest, vector in rows:
                embeddings.remember(digest, np.frombuffer(bytes(vector), dtype=np.float32))
    missing = [k for k in keys if embeddings.known(k) is None]
    for start in range(0, len(missing), batch):
        chunk = missing[start : start + batch]
        for purpose in (embeddings.PASSAGE, embeddings.QUERY):
            chunk_keys = [k for k in chunk if wanted[k][0] == purpose]
            if chunk_keys:
                vectors = embeddings.embed([wanted[k][1] for k in chunk_keys], purpose)
                for k, v in zip(chunk_keys, vectors, strict=True):
                    embeddings.remember(k, v)

    def vector_of(k: str) -> np.ndarray:
        found = embeddings.known(k)
        assert found is not None  # read from the table or embedded above
        return found

    new = [k for k in keys if k not in stored]
    TextEmbedding.objects.bulk_create(
        [
            TextEmbedding(
                model=embeddings.MODEL,
                digest=k,
                text=wanted[k][1][:2000],
                vector=vector_of(k).tobytes(),
            )
            for k in new
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    return {k: vector_of(k) for k in keys}


def lexical_document(
    doc: Document, options: rules.TermOptions, segment: Callable[[str], list[str]] | None
) -> dict[str, float]:
    out: defaultdict[str, float] = defaultdict(float)
    for kind, text in doc.texts:
        weight = FIELD_WEIGHTS[kind]
        for term, n in rules.terms(text, options, segment=segment).items():
            out[term] += weight * n
    for name, text in (("department", doc.department), ("guide", doc.guide)):
        for term, n in rules.terms(text, options, segment=segment).items():
            out[term] += FIELD_WEIGHTS[name] * n
    return out


def segmenter(config: Config, documents: list[Document]) -> Callable[[str], list[str]] | None:
    """Word segmentation knowing the names, everyday names and synonyms of what is indexed."""
    if not config.terms.word_weight:
        return None
    return words.segmenter(words.domain_words(text for d in documents for _kind, text in d.texts))


def build(config: Config, fp: tuple | None = None) -> Index:
    documents = load_documents(use_synonyms=config.use_synonyms)
    segment = segmenter(config, documents)
    lexical = rules.LexicalIndex.build(
        [lexical_document(d, config.terms, segment) for d in documents], b=config.terms.b
    )
    index = Index(
        fingerprint=fp if fp is not None else fingerprint(),
        config=config,
        documents=documents,
        lexical=lexical,
        matrix=None,
        row_of=[[] for _ in documents],
        segment=segment,
    )
    for i, d in enumerate(documents):
        for kind, text in d.texts:
            if kind in (Kind.KEYWORD, Kind.SYNONYM):
                index.phrase_docs.setdefault(text, []).append(i)
    index.exclusions = load_exclusions(documents)
    if not (config.use_embeddings and embeddings.enabled()):
        return index
    wanted: dict[str, tuple[str, str]] = {}
    row_key: dict[tuple[str, str], str] = {}
    for d in documents:
        for kind, text in d.texts:
            purpose = EMBEDDED_KINDS[kind]
            key = embeddings.digest(text, purpose)
            wanted[key] = (purpose, text)
            row_key[(kind, text)] = key
    vectors = ensure_vectors(wanted)
    keys = list(wanted)
    position = {k: i for i, k in enumerate(keys)}
    index.matrix = (
        np.vstack([vectors[k] for k in keys]) if keys else np.zeros((0, embeddings.DIM), np.float32)
    )
    index.row_texts = [wanted[k] for k in keys]
    pairs_doc, pairs_row = [], []
    for i, d in enumerate(documents):
        rows = sorted({position[row_key[t]] for t in d.texts})
        index.row_of[i] = rows
        pairs_doc += [i] * len(rows)
        pairs_row += rows
    index.pair_doc = np.array(pairs_doc, dtype=np.int64)
    index.pair_row = np.array(pairs_row, dtype=np.int64)
    return index


_lock = threading.Lock()
_current: dict[Config, Index] = {}


def current(config: Config | None = None) -> Index:
    """The index for what is in force now, rebuilt first when the catalogue or the synonyms
    changed since it was built."""
    config = config or Config()
    fp = fingerprint()
    index = _current.get(config)
    if index is not None and index.fingerprint == fp:
        return index
    with _lock:
        index = _current.get(config)
        if index is None or index.fingerprint != fp:
            index = build(config, fp)
            _current[config] = index
    return index


def invalidate() -> None:
    _current.clear()


def precompute() -> tuple[int, int]:
    """Store the vectors of every text the search needs now; (texts, newly computed)."""
    before = TextEmbedding.objects.filter(model=embeddings.MODEL).count()
    invalidate()
    index = current()
    after = TextEmbedding.objects.filter(model=embeddings.MODEL).count()
    return (0 if index.matrix is None else len(index.matrix)), after - before
