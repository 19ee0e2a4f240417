"""The learned re-ranker: a linear model over features of (claim, fact-check) candidate pairs.

Features are ones that exist for real claims, not benchmark artefacts: per-field dense and
BM25 scores (claim, title, lead), the same with the claim's context, the fused score and its
distance to the query's best, speaker/claimant agreement, date distance and shared numbers.
Missing metadata is neutral: an unknown speaker scores 0 between agree (+1) and disagree (-1),
and an undated fact-check gets the mean date features of the dated candidates.
Weights live in ``factcheck/data/reranker.json`` (a few KB); :mod:`factcheck.research.train_reranker`
rebuilds them.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from factcheck.text import name_tokens, numbers, parse_date

log = logging.getLogger(__name__)
WEIGHTS_PATH = Path(__file__).resolve().parent.parent / "data" / "reranker.json"
FIELDS = ("claim", "title", "lead")
FEATURES = (
    *(f"dense_{f}" for f in FIELDS),
    *(f"ctx_{f}" for f in FIELDS),
    *(f"bm25_{f}" for f in FIELDS),
    *(f"bm25ctx_{f}" for f in FIELDS),
    "hybrid",
    "hybrid_gap",
    "dense_gap",
    "log_rank",
    "speaker_agree",
    "date_near",
    "date_log_days",
    "date_after",
    "numbers_shared",
    "has_context",
    "has_speaker",
    "has_date",
    "has_numbers",
)


@dataclass
class DocMeta:
    """Per-document values the features need, computed once per retriever."""

    speakers: list[frozenset[str]]
    days: np.ndarray  # date as ordinal day, NaN when unknown
    numbers: list[frozenset[str]]


def doc_meta(docs) -> DocMeta:
    days = np.array([d.date.toordinal() if d.date else np.nan for d in docs], dtype=float)
    return DocMeta(
        speakers=[frozenset(name_tokens(d.speaker)) for d in docs],
        days=days,
        numbers=[frozenset(numbers(f"{d.claim} {d.title} {d.lead}")) for d in docs],
    )


def candidate_features(retriever, queries, signals, candidates) -> list[np.ndarray]:
    """One (n_candidates x len(FEATURES)) matrix per query."""
    if retriever.doc_meta is None:
        retriever.doc_meta = doc_meta(retriever.docs)
    meta = retriever.doc_meta
    bm25 = {f: _row_scaled(m) for f, m in signals.bm25.items()}
    bm25ctx = {f: _row_scaled(m) for f, m in signals.bm25_ctx.items()}
    hybrid = signals.hybrid_score()
    out = []
    for i, (query, cand) in enumerate(zip(queries, candidates)):
        cols = [signals.dense[f][i, cand] for f in FIELDS]
        cols += [signals.dense_ctx[f][i, cand] for f in FIELDS]
        cols += [bm25[f][i, cand] for f in FIELDS] + [bm25ctx[f][i, cand] for f in FIELDS]
        h, d = hybrid[i, cand], signals.dense["claim"][i, cand]
        rank = np.empty(len(cand))
        rank[np.argsort(-h, kind="stable")] = np.arange(len(cand))
        cols += [h, h - h.max(), d - d.max(), np.log1p(rank)]
        cols += _speaker_cols(query, cand, meta) + _date_cols(query, cand, meta)
        cols += _number_cols(query, cand, meta)
        cols += [np.full(len(cand), float(bool(v))) for v in _query_flags(query)]
        out.append(np.column_stack(cols).astype(np.float32))
    return out


def _row_scaled(m: np.ndarray) -> np.ndarray:
    top = m.max(axis=1, keepdims=True)
    return m / np.where(top > 0, top, 1.0)


def _query_flags(query) -> tuple:
    """What the claim comes with; constant per query, they only let the model calibrate."""
    return query.context, name_tokens(query.speaker), query.date, numbers(query.text)


def _speaker_cols(query, cand, meta: DocMeta) -> list[np.ndarray]:
    """+1 when the claim's speaker is the fact-check's claimant, -1 when not, 0 if unknown."""
    q = name_tokens(query.speaker)
    agree = np.zeros(len(cand))
    if q:
        for j, c in enumerate(cand):
            if meta.speakers[c]:
                agree[j] = 1.0 if q & meta.speakers[c] else -1.0
    return [agree]


def _date_cols(query, cand, meta: DocMeta) -> list[np.ndarray]:
    """How far apart the claim and the checked claim were made; 'after' flags a checked claim
    made more than a day after this one (it cannot be its source). A document without a date
    gets the mean of the dated candidates, so a missing date neither helps nor hurts."""
    qdate = parse_date(query.date) if query.date else None
    signed = meta.days[cand] - qdate.toordinal() if qdate else np.full(len(cand), np.nan)
    known = ~np.isnan(signed)
    if not known.any():
        zero = np.zeros(len(cand))
        return [zero, zero, zero]
    days = np.abs(signed[known])
    cols = [
        np.exp(-days / 30.0),
        np.log1p(days) / math.log(3650.0),
        (signed[known] > 1).astype(float),
    ]
    out = []
    for col in cols:
        full = np.full(len(cand), col.mean())
        full[known] = col
        out.append(full)
    return out


def _number_cols(query, cand, meta: DocMeta) -> list[np.ndarray]:
    """Share of the claim's numbers that the fact-check also states (0 without numbers)."""
    q = numbers(query.text)
    if not q:
        return [np.zeros(len(cand))]
    return [np.array([len(q & meta.numbers[c]) / len(q) for c in cand])]


class LinearReranker:
    """score = sigmoid(w . standardised(features) + b), over :data:`FEATURES`."""

    def __init__(self, coef, intercept: float, mean, scale, features=FEATURES, info=None):
        self.features = tuple(features)
        if self.features != FEATURES:
            raise ValueError("the weights were trained for other features; retrain them")
        self.coef = np.asarray(coef, dtype=float)
        self.intercept = float(intercept)
        self.mean = np.asarray(mean, dtype=float)
        self.scale = np.asarray(scale, dtype=float)
        self.info = info or {}

    def predict(self, x: np.ndarray) -> np.ndarray:
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def score_candidates(self, retriever, queries, signals, candidates) -> list[np.ndarray]:
        feats = candidate_features(retriever, queries, signals, candidates)
        return [self.predict(f) if len(f) else np.zeros(0) for f in feats]

    def to_dict(self) -> dict:
        return {
            "features": list(self.features),
            "coef": self.coef.round(6).tolist(),
            "intercept": round(self.intercept, 6),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "info": self.info,
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> LinearReranker:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(
            data["coef"],
            data["intercept"],
            data["mean"],
            data["scale"],
            data["features"],
            data.get("info"),
        )


def load_default() -> LinearReranker | None:
    """The shipped weights, or None (the retriever then falls back to hybrid fusion)."""
    try:
        return LinearReranker.load(WEIGHTS_PATH)
    except (OSError, ValueError, KeyError) as error:
        log.info("no usable re-ranker weights at %s (%s): using hybrid fusion", WEIGHTS_PATH, error)
        return None
