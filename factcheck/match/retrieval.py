"""Claim retrieval: rank fact-checks (documents) for claims (queries).

Four methods, all over in-memory lists and arrays (no database here):

- ``dense``: weighted cosine between the claim's embedding and each document field
  (claim, title, lead), an exact numpy matrix product;
- ``bm25``: weighted bm25s scores per field (stemmed, stopwords removed);
- ``hybrid``: a weighted fusion of the two (BM25 scaled by the query's best score);
- ``rerank``: a small learned linear model (:mod:`factcheck.match.rerank`) over the hybrid
  candidates, using per-field dense and BM25 scores, the claim with its context, speaker and
  date agreement and shared numbers. Without trained weights it falls back to ``hybrid``.

Callers supply ``embed(texts) -> np.ndarray`` (L2-normalised rows), so a cached or
database-backed embedder can be plugged in; document vectors may also be passed ready-made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from factcheck.config import MATCH_METHODS as METHODS  # noqa: F401 - the one list of methods
from factcheck.text import clean_text, lead_snippet, with_context

Embedder = Callable[[Sequence[str]], np.ndarray]
CandidateFn = Callable[[np.ndarray, int], np.ndarray]
DOC_FIELDS = ("claim", "title", "lead")
DEFAULT_METHOD = "rerank"


@dataclass(frozen=True)
class Doc:
    """A fact-check: the checked claim, title, article lead, claimant (``speaker``), the date
    the claim was made (``date``) and the date the fact-check was published (``published``)."""

    id: str
    claim: str
    title: str = ""
    lead: str = ""
    speaker: str = ""
    date: dt.date | None = None
    published: dt.date | None = None


@dataclass(frozen=True)
class Query:
    """A claim to match, with optional context (sentences around it), speaker and the date
    it was made."""

    id: str
    text: str
    context: str = ""
    speaker: str = ""
    date: dt.date | None = None


@dataclass(frozen=True)
class Hit:
    """One ranked document for a query."""

    doc_id: str
    score: float
    method: str


@dataclass(frozen=True)
class RetrievalConfig:
    """Tunables of the unsupervised methods (weights chosen on CheckThat! 2021 train)."""

    dense_weights: Mapping[str, float] = field(
        default_factory=lambda: {"claim": 1.0, "title": 0.5, "lead": 0.25}
    )
    bm25_weights: Mapping[str, float] = field(
        default_factory=lambda: {"claim": 1.0, "title": 0.25, "lead": 0.25}
    )
    hybrid_dense_weight: float = 0.8
    candidates: int = 200
    batch_size: int = 64


def dense_field_texts(docs: Sequence[Doc], name: str) -> list[str]:
    """The text embedded for one field: cleaned claim/title, the lead's first sentences."""
    if name == "lead":
        return [lead_snippet(d.lead) for d in docs]
    return [clean_text(getattr(d, name)) for d in docs]


def lexical_field_texts(docs: Sequence[Doc], name: str) -> list[str]:
    """The text indexed by BM25 for one field (the whole lead)."""
    return [clean_text(getattr(d, name)) for d in docs]


def query_texts(queries: Sequence[Query]) -> tuple[list[str], list[str]]:
    """Each query's cleaned text, and the text preceded by its context."""
    plain = [clean_text(q.text) for q in queries]
    return plain, [with_context(q.text, q.context) for q in queries]


def exact_top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Column indices of the k best scores per row, best first (the default candidate step)."""
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.take_along_axis(scores, part, axis=1).argsort(axis=1)[:, ::-1]
    return np.take_along_axis(part, order, axis=1)


@dataclass
class Signals:
    """Query-by-document score matrices for a batch of queries."""

    dense: dict[str, np.ndarray]
    dense_ctx: dict[str, np.ndarray]
    bm25: dict[str, np.ndarray]
    bm25_ctx: dict[str, np.ndarray]
    config: RetrievalConfig

    def dense_score(self) -> np.ndarray:
        return _weighted(self.dense, self.config.dense_weights)

    def bm25_score(self) -> np.ndarray:
        return _weighted(_scaled(self.bm25), self.config.bm25_weights)

    def hybrid_score(self) -> np.ndarray:
        alpha = self.config.hybrid_dense_weight
        return alpha * self.dense_score() + (1 - alpha) * self.bm25_score()

    def context_score(self) -> np.ndarray:
        """The hybrid score of the claim read with its context (equal to hybrid without one)."""
        alpha = self.config.hybrid_dense_weight
        dense = _weighted(self.dense_ctx, self.config.dense_weights)
        lexical = _weighted(_scaled(self.bm25_ctx), self.config.bm25_weights)
        return alpha * dense + (1 - alpha) * lexical

    def method_score(self, method: str) -> np.ndarray:
        return {"dense": self.dense_score, "bm25": self.bm25_score, "hybrid": self.hybrid_score}[
            method
        ]()


def _weighted(matrices: Mapping[str, np.ndarray], weights: Mapping[str, float]) -> np.ndarray:
    total = sum(weights.get(f, 0.0) for f in matrices) or 1.0
    parts = [weights.get(f, 0.0) * m for f, m in matrices.items() if weights.get(f, 0.0)]
    if not parts:  # every weight zero: this signal adds nothing
        return np.zeros_like(next(iter(matrices.values())))
    combined = parts[0]
    for part in parts[1:]:
        combined = combined + part
    return combined / total


def _scaled(matrices: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each row divided by its largest score: BM25 in [0, 1] per query and field."""
    out = {}
    for name, m in matrices.items():
        top = m.max(axis=1, keepdims=True)
        out[name] = m / np.where(top > 0, top, 1.0)
    return out


class DenseIndex:
    """Per-field document vectors; cosine by matrix product (rows are L2-normalised)."""

    def __init__(self, vectors: Mapping[str, np.ndarray], present: Mapping[str, np.ndarray]):
        self.vectors = {f: np.asarray(v, dtype=np.float32) for f, v in vectors.items()}
        self.present = present  # field -> bool mask: the document has text in that field

    @classmethod
    def build(
        cls, docs: Sequence[Doc], embed: Embedder, vectors: Mapping[str, np.ndarray] | None = None
    ) -> DenseIndex:
        vectors = dict(vectors or {})
        present = {}
        for name in DOC_FIELDS:
            texts = dense_field_texts(docs, name)
            present[name] = np.array([bool(t) for t in texts])
            if name not in vectors:
                vectors[name] = embed(texts)
            if len(vectors[name]) != len(docs):
                raise ValueError(
                    f"{name} vectors: {len(vectors[name])} rows for {len(docs)} documents"
                )
        return cls(vectors, present)

    def scores(self, query_vectors: np.ndarray) -> dict[str, np.ndarray]:
        """field -> cosine matrix (queries x documents); a missing field scores as the claim."""
        out = {f: query_vectors @ v.T for f, v in self.vectors.items()}
        for name, mask in self.present.items():
            if name != "claim" and not mask.all():
                out[name][:, ~mask] = out["claim"][:, ~mask]
        return out


class LexicalIndex:
    """One bm25s index per field over stemmed, stopword-free tokens."""

    def __init__(self, docs: Sequence[Doc]):
        import bm25s

        self.indexes = {}
        for name in DOC_FIELDS:
            index = bm25s.BM25()
            index.index(
                [analyze(t) or [""] for t in lexical_field_texts(docs, name)], show_progress=False
            )
            self.indexes[name] = index
        self.size = len(docs)

    def scores(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """field -> BM25 matrix (queries x documents)."""
        tokens = [analyze(t) for t in texts]
        out = {}
        for name, index in self.indexes.items():
            rows = [
                index.get_scores(t) if index.get_tokens_ids(t) else np.zeros(self.size)
                for t in tokens
            ]
            out[name] = np.vstack(rows).astype(np.float32) if rows else np.zeros((0, self.size))
        return out


def analyze(text: str) -> list[str]:
    """BM25 tokens: lower-case words of 2+ characters, English stopwords out, Snowball-stemmed."""
    from factcheck.text import tokens

    return _stem([t for t in tokens(text) if len(t) > 1 and t not in _stopwords()])


_STEMMER = None
_STOPWORDS: frozenset[str] | None = None


def _stopwords() -> frozenset[str]:
    global _STOPWORDS
    if _STOPWORDS is None:
        from bm25s.stopwords import STOPWORDS_EN

        _STOPWORDS = frozenset(STOPWORDS_EN)
    return _STOPWORDS


def _stem(words: list[str]) -> list[str]:
    global _STEMMER
    if _STEMMER is None:
        import Stemmer

        _STEMMER = Stemmer.Stemmer("english")
    return _STEMMER.stemWords(words)


class Retriever:
    """Ranks documents for queries with any of :data:`METHODS`.

    ``candidate_fn(scores, k)`` picks candidate columns from a score matrix; the default is
    exact top-k, and an approximate index can be plugged in there for large collections.
    """

    def __init__(
        self,
        docs: Sequence[Doc],
        embed: Embedder,
        *,
        vectors: Mapping[str, np.ndarray] | None = None,
        config: RetrievalConfig | None = None,
        reranker=None,  # False: none
        candidate_fn: CandidateFn = exact_top_k,
    ):
        if not docs:
            raise ValueError("no documents to search")
        self.docs = list(docs)
        self.embed = embed
        self.config = config or RetrievalConfig()
        self.dense = DenseIndex.build(self.docs, embed, vectors)
        self.lexical = LexicalIndex(self.docs)
        self.candidate_fn = candidate_fn
        self.reranker = (_default_reranker() if reranker is None else reranker) or None
        self.doc_meta = None  # built lazily by the reranker

    def query_vectors(self, queries: Sequence[Query]) -> tuple[np.ndarray, np.ndarray]:
        """Embeddings of each query's text and of its text with context (one call each)."""
        plain, ctx = query_texts(queries)
        has_ctx = np.array([bool(q.context) for q in queries], dtype=bool)
        qv = np.asarray(self.embed(plain), dtype=np.float32)
        cv = qv.copy()
        if has_ctx.any():
            cv[has_ctx] = self.embed([c for c, h in zip(ctx, has_ctx) if h])
        return qv, cv

    def signals(self, queries: Sequence[Query], vectors=None) -> Signals:
        """All score matrices for a batch of queries (``vectors``: from :meth:`query_vectors`)."""
        qv, cv = vectors if vectors is not None else self.query_vectors(queries)
        plain, ctx = query_texts(queries)
        has_ctx = np.array([bool(q.context) for q in queries], dtype=bool)
        lex = self.lexical.scores(plain)
        lex_ctx = self.lexical.scores([c if h else "" for c, h in zip(ctx, has_ctx)])
        for name in lex_ctx:  # no context: the plain scores stand in
            lex_ctx[name][~has_ctx] = lex[name][~has_ctx]
        return Signals(self.dense.scores(qv), self.dense.scores(cv), lex, lex_ctx, self.config)

    def batches(self, queries: Sequence[Query]):
        """(queries, signals) per batch of ``config.batch_size``, embedding all queries once."""
        queries = list(queries)
        if not queries:
            return
        qv, cv = self.query_vectors(queries)
        size = self.config.batch_size
        for start in range(0, len(queries), size):
            part = slice(start, start + size)
            yield queries[part], self.signals(queries[part], (qv[part], cv[part]))

    def search(
        self, queries: Sequence[Query], method: str | None = None, k: int = 10
    ) -> dict[str, list[Hit]]:
        """``{query id: [Hit, ...]}``, best first, for ``method`` (default: the best available)."""
        method = method or self.default_method()
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
        if method == "rerank" and self.reranker is None:
            method = "hybrid"
        results: dict[str, list[Hit]] = {}
        for batch, signals in self.batches(queries):
            results.update(self._search_batch(batch, signals, method, k))
        return results

    def default_method(self) -> str:
        return "rerank" if self.reranker is not None else "hybrid"

    def _search_batch(
        self, queries: list[Query], signals: Signals, method: str, k: int
    ) -> dict[str, list[Hit]]:
        if method != "rerank":
            scores = signals.method_score(method)
            top = self.candidate_fn(scores, k)
            return {
                q.id: self._hits(top[i], scores[i, top[i]], method) for i, q in enumerate(queries)
            }
        if self.reranker is None:  # search() falls back to hybrid without a reranker
            raise ValueError("method 'rerank' needs a trained reranker")
        candidates = self.candidates(signals)
        scored = self.reranker.score_candidates(self, queries, signals, candidates)
        out = {}
        for q, cand, s in zip(queries, candidates, scored):
            order = np.argsort(-s, kind="stable")[:k]
            out[q.id] = self._hits(cand[order], s[order], method)
        return out

    def candidates(self, signals: Signals) -> list[np.ndarray]:
        """Per query: the union of the top documents by hybrid, dense, BM25 and context score."""
        n = self.config.candidates
        tops = [self.candidate_fn(signals.method_score(m), n) for m in ("hybrid", "dense", "bm25")]
        tops.append(self.candidate_fn(signals.context_score(), n))
        return [
            np.array(list(dict.fromkeys(np.concatenate([t[i] for t in tops]).tolist())))
            for i in range(len(tops[0]))
        ]

    def _hits(self, indices: np.ndarray, scores: np.ndarray, method: str) -> list[Hit]:
        return [Hit(self.docs[i].id, float(s), method) for i, s in zip(indices, scores)]


def _default_reranker():
    from factcheck.match.rerank import load_default

    return load_default()
