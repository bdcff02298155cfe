"""Pure search rules: how text becomes terms, how terms are ranked (BM25), what the verb of a
query asks for (新办 / 变更 / 延续 / 注销 / 补证), and how keyword and meaning scores are fused.
No database here; `search.index` feeds these from the catalogue."""

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from oneseal.catalogue.models import Variant

# --- Text ------------------------------------------------------------------------------------

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_SEPARATORS = re.compile(r"[\s,，、;；/|]+")

# Words that say nothing about which matter is meant ("我想开个饭店要办什么证"). Removed from the
# keyword terms only: the meaning model reads the query as written.
FILLERS = (
    "要办什么证",
    "要办啥证",
    "办什么证",
    "办啥证",
    "要办什么手续",
    "什么手续",
    "哪些手续",
    "要办什么",
    "怎么办理",
    "如何办理",
    "怎么办",
    "怎么",
    "怎样",
    "如何",
    "什么",
    "哪些",
    "需要",
    "我想",
    "我要",
    "想要",
    "手续",
    "一下",
    "一家",
    "一个",
    "了",
    "吗",
    "呢",
    "啊",
    "的",
    "啥",
)


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, no spaces: 食品（含保健食品） and 食品(含保健食品) match."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "").lower())


def strip_fillers(text: str) -> str:
    for filler in FILLERS:
        text = text.replace(filler, " ")
    return text


def runs(text: str) -> list[str]:
    """The runs of Chinese characters and of letters or digits of a normalised text."""
    return _RUNS.findall(text)


def has_words(text: str) -> bool:
    return bool(_RUNS.search(normalise(text)))


def split_phrases(text: str) -> list[str]:
    """Keywords as administrators type them: separated by spaces, commas or 顿号."""
    return [p for p in (normalise(x) for x in _SEPARATORS.split(text or "")) if p]


@dataclass(frozen=True)
class TermOptions:
    unigram_weight: float = 0.4
    bigram_weight: float = 0.8
    word_weight: float = 0.5  # words of `search.words` (jieba); 0 leaves word segmentation out
    b: float = 0.75  # BM25 length normalisation


def terms(
    text: str, options: TermOptions, *, segment: Callable[[str], list[str]] | None = None
) -> dict[str, float]:
    """Weighted terms of a text: single characters (they tolerate a wrong character), character
    bigrams (they tolerate another word order) and, with `segment`, the words it cuts the text
    into (a word names the matter whole: 开火锅店 shares no bigram's weight with 火锅 alone)."""
    out: defaultdict[str, float] = defaultdict(float)
    text = normalise(text)
    for run in _RUNS.findall(text):
        if run.isascii():
            out["a:" + run] += options.bigram_weight
            continue
        if options.unigram_weight:
            for ch in run:
                out["c:" + ch] += options.unigram_weight
        if options.bigram_weight:
            for i in range(len(run) - 1):
                out["b:" + run[i : i + 2]] += options.bigram_weight
    if segment is not None and options.word_weight:
        for word in segment(text):
            if len(word) >= 2 and _RUNS.fullmatch(word):
                out["w:" + word] += options.word_weight
    return out


# --- BM25 ------------------------------------------------------------------------------------


@dataclass
class LexicalIndex:
    """BM25 over documents made of weighted fields (BM25F-style: a term's frequency is the sum
    of its field-weighted counts), answered with a few numpy operations per query term."""

    k1: float = 1.2
    b: float = 0.75
    postings: dict = field(default_factory=dict)
    idf: dict = field(default_factory=dict)
    size: int = 0

    @classmethod
    def build(
        cls, documents: Sequence[Mapping[str, float]], *, k1: float = 1.2, b: float = 0.75
    ) -> "LexicalIndex":
        n = len(documents)
        lengths = np.array([sum(d.values()) for d in documents], dtype=np.float64)
        avg = float(lengths.mean()) if n else 1.0
        by_term: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, doc in enumerate(documents):
            for term, tf in doc.items():
                by_term[term].append((i, tf))
        index = cls(k1=k1, b=b, size=n)
        norm = k1 * (1 - b + b * lengths / (avg or 1.0))
        for term, rows in by_term.items():
            ids = np.fromiter((r[0] for r in rows), dtype=np.int32, count=len(rows))
            freqs = np.fromiter((r[1] for r in rows), dtype=np.float64, count=len(rows))
            index.postings[term] = (ids, freqs * (k1 + 1) / (freqs + norm[ids]))
            df = len(rows)
            index.idf[term] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return index

    def coverage(self, query: Mapping[str, float], doc: int) -> float:
        """How much of the query the document holds: the idf-weighted share of the query's
        terms found in it (a term no document has counts with the highest idf), 0–1. Unlike
        BM25 it does not grow with the query's length, so one threshold fits every query."""
        unseen = math.log(1 + (self.size + 0.5) / 0.5)
        total = found = 0.0
        for term, weight in query.items():
            posting = self.postings.get(term)
            idf = self.idf.get(term, unseen)
            total += weight * idf
            if posting is not None and np.any(posting[0] == doc):
                found += weight * idf
        return found / total if total else 0.0

    def scores(self, query: Mapping[str, float]) -> np.ndarray:
        out = np.zeros(self.size, dtype=np.float64)
        for term, weight in query.items():
            posting = self.postings.get(term)
            if posting is not None:
                ids, part = posting
                out[ids] += weight * self.idf[term] * part
        return out


# --- What the query asks for -----------------------------------------------------------------

# (cue, variant). The longest cue found wins; 补/换证 cues come before the change cues so
# 换执照 is a reissue and 换法人 a change.
VARIANT_CUES: tuple[tuple[str, str], ...] = (
    ("注销", Variant.CANCELLATION),
    ("关掉", Variant.CANCELLATION),
    ("关门", Variant.CANCELLATION),
    ("关闭", Variant.CANCELLATION),
    ("不干了", Variant.CANCELLATION),
    ("不做了", Variant.CANCELLATION),
    ("不开了", Variant.CANCELLATION),
    ("不办了", Variant.CANCELLATION),
    ("倒闭", Variant.CANCELLATION),
    ("解散", Variant.CANCELLATION),
    ("撤销", Variant.CANCELLATION),
    ("终止", Variant.CANCELLATION),
    ("关店", Variant.CANCELLATION),
    ("关了", Variant.CANCELLATION),
    ("续期", Variant.RENEWAL),
    ("延续", Variant.RENEWAL),
    ("延期", Variant.RENEWAL),
    ("到期", Variant.RENEWAL),
    ("过期", Variant.RENEWAL),
    ("续证", Variant.RENEWAL),
    ("续办", Variant.RENEWAL),
    ("续签", Variant.RENEWAL),
    ("复审", Variant.RENEWAL),
    ("怎么续", Variant.RENEWAL),
    ("补办", Variant.REISSUE),
    ("补证", Variant.REISSUE),
    ("补领", Variant.REISSUE),
    ("补发", Variant.REISSUE),
    ("丢了", Variant.REISSUE),
    ("丢失", Variant.REISSUE),
    ("遗失", Variant.REISSUE),
    ("弄丢", Variant.REISSUE),
    ("换证", Variant.REISSUE),
    ("换发", Variant.REISSUE),
    ("换执照", Variant.REISSUE),
    ("损坏", Variant.REISSUE),
    ("搬家", Variant.CHANGE),
    ("搬地方", Variant.CHANGE),
    ("换地方", Variant.CHANGE),
    ("变更", Variant.CHANGE),
    ("改名", Variant.CHANGE),
    ("更名", Variant.CHANGE),
    ("换名", Variant.CHANGE),
    ("换法人", Variant.CHANGE),
    ("换负责人", Variant.CHANGE),
    ("换会长", Variant.CHANGE),
    ("换老板", Variant.CHANGE),
    ("改地址", Variant.CHANGE),
    ("换地址", Variant.CHANGE),
    ("改经营范围", Variant.CHANGE),
    ("改范围", Variant.CHANGE),
    ("增加经营项目", Variant.CHANGE),
    ("修改", Variant.CHANGE),
    ("改成", Variant.CHANGE),
    ("新办", Variant.NEW),
    ("设立", Variant.NEW),
    ("成立", Variant.NEW),
    ("新开", Variant.NEW),
    ("开办", Variant.NEW),
    ("注册", Variant.NEW),
    ("申领", Variant.NEW),
)
# The catalogue's own words for what a cue asks, added to the keyword terms of the query so
# that among handling items of one variant the fitting one wins (丢了 → 补办, not 换发).
CUE_WORDS = {
    "丢了": "补办 遗失 补领 补发",
    "丢失": "补办 遗失 补领 补发",
    "遗失": "补办 补领 补发",
    "弄丢": "补办 遗失 补领 补发",
    "损坏": "换发 换证",
    "换证": "换发",
    "换执照": "换发",
    "改名": "变更名称",
    "更名": "变更名称",
    "换名": "变更名称",
    "换法人": "变更法定代表人",
    "换负责人": "变更负责人",
    "换会长": "变更法定代表人",
    "换老板": "变更法定代表人 负责人",
    "改地址": "变更住所 地址 场所",
    "换地址": "变更住所 地址 场所",
    "搬家": "变更住所 地址 场所",
    "搬地方": "变更住所 地址 场所",
    "换地方": "变更住所 地址 场所",
    "改经营范围": "变更经营范围 经营项目",
    "改范围": "变更范围 经营项目",
    "增加经营项目": "变更经营项目",
    "到期": "延续 延期",
    "过期": "延续 延期",
    "续期": "延续 延期",
    "续证": "延续",
    "不干了": "注销",
    "不做了": "注销",
    "不开了": "注销",
    "不办了": "注销",
    "关掉": "注销",
    "关门": "注销",
    "关店": "注销",
    "关了": "注销",
    "倒闭": "注销",
}


def asked_variant(query: str) -> tuple[str | None, str]:
    """The variant the query's verb asks for and the cue that said so; (None, "") when it
    names none, which the search reads as 新办 (people mostly search to start something)."""
    text = normalise(query)
    best: tuple[str, str] | None = None
    for cue, variant in VARIANT_CUES:
        if cue in text and (best is None or len(cue) > len(best[0])):
            best = (cue, variant)
    return (best[1], best[0]) if best else (None, "")


# --- Fusion ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Weights:
    """How the two signals are combined; measured with bench/search.py."""

    lexical: float = 0.4
    dense: float = 0.6
    phrase: float = 0.35  # an everyday name or synonym written in full inside the query
    variant: float = 0.25  # the handling item is the variant the verb asks for
    default_new: float = 0.15  # no verb: the new application comes first
    first: float = (
        0.01  # breaks ties: the first handling item of its kind in the guide is the usual one
    )
    own: float = 0.5  # share of a handling item's own score against its item's best
    dense_floor_quantile: float = 0.5
    rrf: bool = False
    rrf_k: int = 30


# Generic verbs a citizen starts with (开 / 办 / 申请 …): e5 finds 开托管班 close to any "开…"
# everyday name, so what the matter is about is judged on the words after them.
LEADING_VERBS = (
    "想在",
    "我想",
    "想要",
    "要在",
    "开一家",
    "开个",
    "开家",
    "办个",
    "办理",
    "申请",
    "想",
    "要",
    "开",
    "办",
    "领",
    "交",
    "打",
    "考",
    "给",
)


def core_words(query: str) -> str:
    """The query without fillers, spaces and one leading generic verb (if two characters
    remain): 我想开个小饭馆 → 小饭馆, 开托管班 → 托管班."""
    text = strip_fillers(normalise(query)).replace(" ", "")
    for verb in LEADING_VERBS:
        if text.startswith(verb) and len(text) >= len(verb) + 2:
            return text[len(verb) :]
    return text


@dataclass(frozen=True)
class Closeness:
    """How close the best item is to the query, before any per-query normalising (the fused
    score is 1 for the best item of every query, so it cannot say "nothing close"):
    - `phrase`: an everyday name or synonym of it is written in full in the query;
    - `agrees`: the item is also the one nearest in meaning to the query's core words
      (`core_words`), None without the model;
    - `distinct`: how far that nearest item stands out: its cosine less the fifth item's;
    - `coverage`: the share of the query's terms, without the verb cue (不干了, 到期 …), the
      item holds (`LexicalIndex.coverage`)."""

    phrase: bool
    agrees: bool | None
    distinct: float
    coverage: float


@dataclass(frozen=True)
class Threshold:
    """A query has a close match when an everyday name is in it; or when meaning and the
    ranking agree on the item and `distinct + coverage_weight × coverage` clears `distinct`;
    or, when they disagree, the keywords alone cover the query to `coverage`. Chosen with
    bench/search_threshold.py on the demo catalogue: the highest bars that keep recall@5 of the
    tuned in-catalogue set, less a margin, then checked on the held-out set and the
    out-of-catalogue set (figures in docs/architecture.md)."""

    distinct: float = 0.0626
    coverage_weight: float = 0.5
    coverage: float = 0.515
    # Without the model no bar keeps the keywords' recall and refuses anything: only a
    # query matching nothing at all says so.
    coverage_keywords_only: float = 0.0

    def is_close(self, c: Closeness) -> bool:
        if c.phrase:
            return True
        if c.agrees is None:
            return c.coverage >= self.coverage_keywords_only
        if c.agrees:
            return c.distinct + self.coverage_weight * c.coverage >= self.distinct
        return c.coverage >= self.coverage


THRESHOLD = Threshold()


def normalised_lexical(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else scores


def normalised_dense(scores: np.ndarray, floor_quantile: float) -> np.ndarray:
    """Cosines of e5 sit in a narrow band (0.75–0.95): stretch the part above the median of
    this query's scores to 0–1 so they weigh against BM25 the same way for every query."""
    if not scores.size:
        return scores
    floor = float(np.quantile(scores, floor_quantile))
    top = float(scores.max())
    if top <= floor:
        return np.zeros_like(scores)
    return np.clip((scores - floor) / (top - floor), 0.0, 1.0)


def rank_positions(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float64)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


def fuse(lexical: np.ndarray, dense: np.ndarray | None, weights: Weights) -> np.ndarray:
    if dense is None:
        return normalised_lexical(lexical)
    if weights.rrf:
        fused = 1 / (weights.rrf_k + rank_positions(dense))
        fused[lexical > 0] += 1 / (weights.rrf_k + rank_positions(lexical)[lexical > 0])
        return fused / fused.max()
    return weights.lexical * normalised_lexical(lexical) + weights.dense * normalised_dense(
        dense, weights.dense_floor_quantile
    )


@dataclass(frozen=True)
class Choice:
    doc: int
    score: float
    variant_matched: bool


def choose_per_item(
    scores: np.ndarray,
    items: Sequence[int],
    variants: Sequence[str],
    asked: str | None,
    weights: Weights,
    firsts: Sequence[bool] | None = None,
) -> list[Choice]:
    """One handling item per item, ranked by the item's best score. When the query's verb asks
    for a variant the item offers, it is that variant (the best-scoring handling item of it,
    e.g. 公司注销登记 among the 注销 of 企业登记), and the item ranks higher for offering it.
    Without a verb the new application is preferred, softly: a handling item whose own name
    matches better still wins. Among handling items of one variant, the one the guide lists
    first is preferred (公司设立登记 before 公司备案). So 新办 / 变更 / 延续 / 注销 of one item
    do not fill the list."""
    order = [int(d) for d in np.argsort(-scores, kind="stable")[: max(200, len(scores) // 2)]]
    by_item: dict[int, list[int]] = {}
    for doc in order:
        by_item.setdefault(items[doc], []).append(doc)
    chosen = []
    for docs in by_item.values():
        top = float(scores[docs[0]])

        def own(doc: int, top: float = top) -> float:
            first = weights.first if firsts is not None and firsts[doc] else 0.0
            return weights.own * float(scores[doc]) + (1 - weights.own) * top + first

        def soft(doc: int) -> float:
            return own(doc) + (
                weights.default_new if asked is None and variants[doc] == Variant.NEW else 0.0
            )

        asked_docs = [d for d in docs if asked is not None and variants[d] == asked]
        if asked_docs:
            chosen.append(Choice(max(asked_docs, key=own), top + weights.variant, True))
        else:
            doc = max(docs, key=soft)
            chosen.append(Choice(doc, soft(doc), False))
    return sorted(chosen, key=lambda c: -c.score)


def shared_parts(query: str, name: str) -> list[str]:
    """The longest pieces of the query found in the name, in the query's order (注销公司 in
    公司注销登记 → 注销, 公司): what the results page says matched."""
    text, name = normalise(query), normalise(name)
    parts: list[str] = []
    i = 0
    while i < len(text):
        j = i + 1
        while j <= len(text) and text[i:j] in name:
            j += 1
        piece = text[i : j - 1]
        if len(piece) >= 2 or (piece and not parts and len(text) == 1):
            parts.append(piece)
            i = j - 1
        else:
            i += 1
    return list(dict.fromkeys(parts))


def phrases_in(query: str, phrases: Iterable[str]) -> list[str]:
    """The everyday names written in full in the query (or the query written in full in one of
    them), longest first."""
    text = normalise(query)
    found = [
        p
        for p in phrases
        if len(p) >= 2 and (p in text or (len(text) >= 2 and 2 * len(text) >= len(p) and text in p))
    ]
    return sorted(set(found), key=len, reverse=True)


def _loose(phrase: str) -> re.Pattern:
    return re.compile(".?".join(re.escape(ch) for ch in phrase))


def phrase_said(query: str, phrase: str) -> bool:
    """Whether the query says an administrator's phrase (an exclusion's 开药店): written in it,
    fillers aside (我想开一家药店), or with one character between two of its characters
    (开个药店, 开家药房 for 开药房). Looser than `phrases_in`, because an exclusion only
    removes an item, and citizens put measure words where administrators do not."""
    phrase = normalise(phrase)
    if len(phrase) < 2:
        return False
    text = normalise(query)
    compact = strip_fillers(text).replace(" ", "")
    pattern = _loose(phrase)
    return any(pattern.search(t) for t in (text, compact))
