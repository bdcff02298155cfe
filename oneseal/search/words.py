"""Chinese word segmentation for the keyword ranking: jieba in search mode (a long word and
the dictionary words inside it), with the catalogue's own words added to its dictionary so
that 食品经营许可 or 开火锅店 come out whole rather than as 食品 / 经营 / 许可.

jieba's dictionary ships inside the package; the prefix dictionary built from it is loaded
once per process, on first use, and cached in `settings.VAR_DIR` (jieba would write it to
the system's temporary directory). The catalogue's words go into a copy of it, one per
vocabulary, so that a synonym removed leaves the segmentation too."""

import logging
import threading
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.conf import settings

from . import rules

# A name's run of characters minus the act it names (核发, 审批 …) is the matter itself:
# 建筑工程施工许可证核发 → 建筑工程施工许可证, which citizens write without the act.
ACT_SUFFIXES = ("核发", "审批", "登记", "备案", "新办", "申请", "办理", "发放", "认定", "确认")
MAX_WORD = 16

_lock = threading.Lock()
_base = None
_domain: tuple[frozenset, Callable[[str], list[str]]] | None = None


def _tokenizer_class() -> Any:  # jieba.Tokenizer (jieba ships no types)
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)  # it reports every load on stderr
    return jieba.Tokenizer


def _base_tokenizer() -> Any:
    """jieba's own dictionary, loaded once (about 0.5 s from the cache, 1.5 s without)."""
    global _base
    if _base is None:
        with _lock:
            if _base is None:
                tokenizer = _tokenizer_class()()
                cache = settings.VAR_DIR / "search"
                cache.mkdir(parents=True, exist_ok=True)
                tokenizer.tmp_dir = str(cache)
                tokenizer.initialize()
                _base = tokenizer
    return _base


def domain_words(texts: Iterable[str]) -> frozenset[str]:
    """The words of the catalogue: every run of Chinese characters of its names, everyday names
    and synonyms (what punctuation, spaces and the query fillers leave), and the run without
    the act it ends with."""
    out: set[str] = set()
    for text in texts:
        for run in rules.runs(rules.strip_fillers(rules.normalise(text))):
            if run.isascii():
                continue
            candidates = [run]
            for suffix in ACT_SUFFIXES:
                if run.endswith(suffix):
                    candidates.append(run[: -len(suffix)])
            out.update(w for w in candidates if 2 <= len(w) <= MAX_WORD)
    return frozenset(out)


def segmenter(vocabulary: frozenset[str]) -> Callable[[str], list[str]]:
    """A function cutting a text into words for search, knowing `vocabulary` as words. The
    last one made is kept: every index of a process has the same catalogue."""
    global _domain
    made = _domain
    if made is not None and made[0] == vocabulary:
        return made[1]
    base = _base_tokenizer()
    tokenizer = _tokenizer_class()()
    tokenizer.FREQ, tokenizer.total = dict(base.FREQ), base.total
    tokenizer.tmp_dir, tokenizer.initialized = base.tmp_dir, True
    # Shorter words first: the frequency jieba suggests for a longer one then outweighs them.
    for word in sorted(vocabulary, key=lambda w: (len(w), w)):
        tokenizer.add_word(word)
    segment = partial(_cut_for_search, tokenizer)
    _domain = (vocabulary, segment)
    return segment


def _cut_for_search(tokenizer: Any, text: str) -> list[str]:
    """jieba's search mode, but every dictionary word inside a long word, not only those of two
    or three characters: 建筑工程施工许可证 inside 建筑工程施工许可证核发. No HMM guessing of
    unknown words: the words are the dictionary's and the catalogue's."""
    freq = tokenizer.FREQ
    out = []
    for word in tokenizer.cut(text, HMM=False):
        n = len(word)
        for size in range(2, n):
            out += [part for i in range(n - size + 1) if freq.get(part := word[i : i + size])]
        out.append(word)
    return out
