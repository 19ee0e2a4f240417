"""Fitting of the match calibration (:mod:`factcheck.match.calibration`) on CheckThat! 2021 2B.

Ranks the PolitiFact corpus of a database (``factcheck corpus import vclaims.jsonl``) for the
2B TRAIN queries the way ``factcheck eval`` does (previous transcript lines as context, the
speaker, the event's date), fits one logistic model per calibration model on the candidates'
features (label: the candidate is the paired fact-check), picks the strong threshold where
precision on train reaches the target, and reports the same on DEV (never used to fit)::

    python -m factcheck.research.calibrate_matches fit --db /tmp/corpus.db --data ../shared/data

The re-ranker itself was trained on the same train queries (2A+2B train), so its train scores
are in-sample; the dev figures show what that costs. Nothing at run time imports this.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from factcheck.config import load_settings
from factcheck.match import calibration as cal
from factcheck.match.matcher import corpus_index, rank
from factcheck.research.checkthat import TASK_DIRS, transcript_queries
from factcheck.research.metrics import read_qrels, read_queries
from factcheck.storage import Database, open_db
from factcheck.vocab import MATCH_BANDS

DEPTH = 5  # candidates kept per claim (FACTCHECK_MATCH_TOP_K's default)
TARGET_PRECISION = 0.9  # of the strong band on train: a margin over the 80% aim, as the
# re-ranker's train scores are in-sample (at 0.8 on train, dev gave 0.797 and the app path 0.786)
SUGGESTED = 0.3  # confidence from which a candidate is suggested


def ranked_lists(db: Database, data: str | Path, split: str, method: str, depth: int = DEPTH):
    """Per judged query of ``split``: (scores, similarities, labels) of its ranked list of
    ``depth`` + 1 candidates (the extra one gives the last its lead), and the qrels."""
    root = Path(data) / TASK_DIRS["2b"]
    qrels = read_qrels(root / f"qrels-{split}.tsv")
    texts = {q: t for q, t in read_queries(root / "queries-train-dev.tsv").items() if q in qrels}
    queries = list(transcript_queries(texts, root / "transcripts").values())
    index = corpus_index(db, load_settings())
    if index is None:
        raise SystemExit("the database holds no corpus: import vclaims.jsonl first")
    ranked = rank(index, queries, method, depth + 1)
    out = []
    for query in queries:
        hits = ranked[query.id]
        out.append(
            (
                [f.method_score for f in hits],
                [f.score for f in hits],
                [int(f.external_id in qrels[query.id]) for f in hits],
            )
        )
    return out


def design(lists, model: str, depth: int = DEPTH) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for scores, sims, labels in lists:
        xs.append(cal.list_features(scores, sims, model)[:depth])
        ys.append(np.asarray(labels[:depth]))
    return np.vstack(xs), np.concatenate(ys)


def fit_model(x: np.ndarray, y: np.ndarray) -> cal.LogisticCalibration:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    model = LogisticRegression(C=1.0, max_iter=2000).fit((x - mean) / scale, y)
    return cal.LogisticCalibration(model.coef_[0], float(model.intercept_[0]), mean, scale)


def list_confidences(calibration: cal.Calibration, lists, method: str, depth: int = DEPTH):
    """(confidences, labels) of every kept candidate, through the run-time code."""
    conf, labels = [], []
    for scores, sims, y in lists:
        conf.append(calibration.confidences(scores, sims, method)[:depth])
        labels.append(np.asarray(y[:depth]))
    return np.concatenate(conf), np.concatenate(labels)


def strong_threshold(conf: np.ndarray, labels: np.ndarray, target: float) -> float:
    """The lowest confidence from which the candidates at or above it are right at least
    ``target`` of the time (1.0 when none is)."""
    best = 1.0
    for t in np.unique(conf)[::-1]:
        chosen = conf >= t
        if labels[chosen].mean() >= target:
            best = float(t)
    return best


def band_report(conf, labels, strong: float, suggested: float, queries: int) -> dict:
    """Precision and size of each band, and the claims with a strong candidate."""
    out: dict[str, object] = {}
    bands = np.array([cal.band(c, strong, suggested) for c in conf])
    for name in MATCH_BANDS:
        chosen = bands == name
        out[name] = {
            "candidates": int(chosen.sum()),
            "precision": round(float(labels[chosen].mean()), 3) if chosen.any() else None,
        }
    out["brier"] = round(float(np.mean((conf - labels) ** 2)), 4)
    out["queries"] = queries
    return out


def _fit_command(args) -> None:
    db = open_db(args.db)
    lists = {
        (method, split): ranked_lists(db, args.data, split, method)
        for method in ("rerank", "dense")
        for split in ("train", "dev")
    }
    models = {
        "rerank": fit_model(*design(lists[("rerank", "train")], "rerank")),
        "similarity": fit_model(*design(lists[("dense", "train")], "similarity")),
    }
    calibration = cal.Calibration(models, 1.0, SUGGESTED, {})
    conf, labels = list_confidences(calibration, lists[("rerank", "train")], "rerank")
    # rounded up to two decimals: the value FACTCHECK_MATCH_STRONG's default takes
    calibration.strong = math.ceil(strong_threshold(conf, labels, TARGET_PRECISION) * 100) / 100
    info: dict = {
        "fitted_on": "CheckThat! 2021 2B train (eval's queries), re-ranker scores in-sample",
        "target_precision": TARGET_PRECISION,
    }
    for method in ("rerank", "dense"):
        for split in ("train", "dev"):
            part = lists[(method, split)]
            conf, labels = list_confidences(calibration, part, method)
            report = band_report(conf, labels, calibration.strong, SUGGESTED, len(part))
            report["claims_with_strong"] = sum(
                bool((calibration.confidences(s, m, method)[:DEPTH] >= calibration.strong).any())
                for s, m, _y in part
            )
            info[f"{method}_{split}"] = report
            print(f"{method} {split}: {report}")
    calibration.info = info
    calibration.save(args.out)
    print(f"strong from {calibration.strong:.4f}; saved {args.out}")


def main(argv: Sequence[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m factcheck.research.calibrate_matches")
    sub = parser.add_subparsers(dest="command", required=True)
    fit = sub.add_parser("fit", help="fit the match calibration on CheckThat! 2021 2B train")
    fit.add_argument("--db", required=True, help="database holding the 2B vclaims corpus")
    fit.add_argument("--data", required=True, help="folder with checkthat2021-2b/")
    fit.add_argument("--out", default=str(cal.PARAMETERS_PATH))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    _fit_command(args)


if __name__ == "__main__":
    main()
