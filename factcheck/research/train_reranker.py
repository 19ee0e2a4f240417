"""Training of the learned re-ranker (:mod:`factcheck.match.rerank`) on CheckThat! 2021.

Fits the linear model on the 2A+2B train qrels (dev is only reported) and writes
``factcheck/data/reranker.json``::

    python -m factcheck.research.train_reranker train --data ../shared/data --cache /tmp/fc_cache

Nothing at run time imports this.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from factcheck.match import rerank
from factcheck.match.retrieval import Retriever
from factcheck.research.checkthat import cached_embedder, load_task
from factcheck.research.metrics import map_at_k


def training_rows(retriever, queries, qrels) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and query-group ids over each judged query's candidates."""
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    groups: list[np.ndarray] = []
    for batch, signals in retriever.batches(queries):
        candidates = retriever.candidates(signals)
        for q, cand, f in zip(
            batch, candidates, rerank.candidate_features(retriever, batch, signals, candidates)
        ):
            relevant = qrels.get(q.id, set())
            xs.append(f)
            ys.append(np.array([retriever.docs[c].id in relevant for c in cand], dtype=int))
            groups.append(np.full(len(cand), len(groups)))
    return np.vstack(xs), np.concatenate(ys), np.concatenate(groups)


def fit(x: np.ndarray, y: np.ndarray, c: float = 0.01, info=None) -> rerank.LinearReranker:
    """Logistic regression on standardised features (balanced classes)."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    model.fit((x - mean) / scale, y)
    return rerank.LinearReranker(model.coef_[0], model.intercept_[0], mean, scale, info=info)


def _train_command(args) -> None:
    embed = cached_embedder(args.cache)
    xs, ys, dev = [], [], []
    for name in ("2a", "2b"):
        task = load_task(args.data, name)
        retriever = Retriever(task.docs, embed, reranker=False)
        x, y, _ = training_rows(retriever, *task.split("train"))
        xs.append(x)
        ys.append(y)
        dev.append((name, retriever, task))
    model = fit(
        np.vstack(xs),
        np.concatenate(ys),
        args.c,
        info={"trained_on": "CheckThat! 2021 2A+2B train", "C": args.c},
    )
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

    parser = argparse.ArgumentParser(prog="python -m factcheck.research.train_reranker")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="fit the re-ranker on CheckThat! 2021 train")
    train.add_argument("--data", required=True, help="folder with checkthat2021-2a/ and -2b/")
    train.add_argument("--out", default=str(rerank.WEIGHTS_PATH))
    train.add_argument("--cache", default=None, help="folder for cached vectors (.npy)")
    train.add_argument("-c", type=float, default=0.01, help="inverse regularisation strength")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    _train_command(args)


if __name__ == "__main__":
    main()
