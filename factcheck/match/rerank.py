"""The learned re-ranker: a linear model over features of (claim, fact-check) candidate pairs.

Features are ones that exist for real claims, not benchmark artefacts: per-field dense and
BM25 scores (claim, title, lead), the same with the claim's context, the fused score and its
distance to the query's best, speaker/claimant agreement, date distance and shared numbers.
Missing metadata is neutral: an unknown speaker scores 0 between agree (+1) and disagree (-1),
and an undated fact-check gets the mean date features of the dated candidates.
Weights live in ``factcheck/data/reranker.json`` (a few KB); rebuild them with::

    python -m factcheck.match.rerank train --data ../shared/data --cache /tmp/fc_cache

(trains on CheckThat! 2021 2A+2B train qrels; dev is only reported).
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from factcheck.text import name_tokens, numbers, parse_date

log = logging.getLogger(__name__)
WEIGHTS_PATH = Path(__file__).resolve().parent.parent / "data" / "reranker.json"
FIELDS = ("claim", "title", "lead")
FEATURES = (
    *(f"dense_{f}" for f in FIELDS), *(f"ctx_{f}" for f in FIELDS),
    *(f"bm25_{f}" for f in FIELDS), *(f"bm25ctx_{f}" for f in FIELDS),
    "hybrid", "hybrid_gap", "dense_gap", "log_rank",
    "speaker_agree", "date_near", "date_log_days", "date_after", "numbers_shared",
    "has_context", "has_speaker", "has_date", "has_numbers",
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
        speakers=[frozenset(name_tokens(d.speaker)) for d in docs], days=days,
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
    cols = [np.exp(-days / 30.0), np.log1p(days) / math.log(3650.0),
            (signed[known] > 1).astype(float)]
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
        return {"features": list(self.features), "coef": self.coef.round(6).tolist(),
                "intercept": round(self.intercept, 6), "mean": self.mean.round(6).tolist(),
                "scale": self.scale.round(6).tolist(), "info": self.info}

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> "LinearReranker":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(data["coef"], data["intercept"], data["mean"], data["scale"],
                   data["features"], data.get("info"))


def load_default() -> LinearReranker | None:
    """The shipped weights, or None (the retriever then falls back to hybrid fusion)."""
    try:
        return LinearReranker.load(WEIGHTS_PATH)
    except (OSError, ValueError, KeyError) as error:
        log.info("no usable re-ranker weights at %s (%s): using hybrid fusion", WEIGHTS_PATH, error)
        return None


def training_rows(retriever, queries, qrels) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and query-group ids over each judged query's candidates."""
    xs, ys, groups = [], [], []
    for batch, signals in retriever.batches(queries):
        candidates = retriever.candidates(signals)
        for q, cand, f in zip(batch, candidates,
                              candidate_features(retriever, batch, signals, candidates)):
            relevant = qrels.get(q.id, set())
            xs.append(f)
            ys.append(np.array([retriever.docs[c].id in relevant for c in cand], dtype=int))
            groups.append(np.full(len(cand), len(groups)))
    return np.vstack(xs), np.concatenate(ys), np.concatenate(groups)


def fit(x: np.ndarray, y: np.ndarray, c: float = 0.01, info=None) -> LinearReranker:
    """Logistic regression on standardised features (balanced classes)."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    model.fit((x - mean) / scale, y)
    return LinearReranker(model.coef_[0], model.intercept_[0], mean, scale, info=info)


def _train_command(args) -> None:
    from factcheck.research.checkthat import cached_embedder, load_task
    from factcheck.research.metrics import map_at_k
    from factcheck.match.retrieval import Retriever

    embed = cached_embedder(args.cache)
    xs, ys, dev = [], [], []
    for name in ("2a", "2b"):
        task = load_task(args.data, name)
        retriever = Retriever(task.docs, embed, reranker=False)
        x, y, _ = training_rows(retriever, *task.split("train"))
        xs.append(x), ys.append(y), dev.append((name, retriever, task))
    model = fit(np.vstack(xs), np.concatenate(ys), args.c,
                info={"trained_on": "CheckThat! 2021 2A+2B train", "C": args.c})
    for name, retriever, task in dev:
        retriever.reranker = model
        queries, qrels = task.split("dev")
        run = retriever.search(queries, "rerank", k=5)
        score = map_at_k({q: [h.doc_id for h in hits] for q, hits in run.items()}, qrels, 5)
        model.info[f"dev_map5_{name}"] = round(score, 4)
        print(f"{name} dev MAP@5 {score:.4f}")
    model.save(args.out)
    print(f"saved {args.out}")


def main(argv: Sequence[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m factcheck.match.rerank")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="fit the re-ranker on CheckThat! 2021 train")
    train.add_argument("--data", required=True, help="folder with checkthat2021-2a/ and -2b/")
    train.add_argument("--out", default=str(WEIGHTS_PATH))
    train.add_argument("--cache", default=None, help="folder for cached vectors (.npy)")
    train.add_argument("-c", type=float, default=0.01, help="inverse regularisation strength")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    _train_command(args)


if __name__ == "__main__":
    main()
