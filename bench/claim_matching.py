"""Claim-matching benchmark: CheckThat! 2021 2A (tweets -> Snopes) and 2B (debates -> PolitiFact).

Scores every retrieval method on one split (dev by default) and prints one table:
MAP@1/3/5, MRR, Recall@5/10/20 and the number of judged queries. Vectors are cached as
.npy under ``--cache``, so later runs embed nothing::

    HF_HUB_OFFLINE=1 python bench/claim_matching.py --data ../shared/data --cache /tmp/fc_cache

The re-ranker weights it uses are rebuilt with ``python -m factcheck.research.train_reranker train``.

``--shipped`` scores the dev split through the shipped path instead: ``factcheck eval``'s
code (:func:`factcheck.research.evaluate.evaluate_files`: corpus import into SQLite, the database vector
cache, the same ranking as ``factcheck match``), with its database under ``--eval-db``::

    HF_HUB_OFFLINE=1 python bench/claim_matching.py --shipped --eval-db /tmp/fc_eval
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.match.retrieval import METHODS, Retriever  # noqa: E402
from factcheck.research.checkthat import cached_embedder, load_task  # noqa: E402
from factcheck.research.metrics import evaluate, write_run  # noqa: E402


def score_task(name: str, args, embed) -> list[dict]:
    """One table row per method for task ``name`` on ``args.split``."""
    task = load_task(args.data, name)
    retriever = Retriever(task.docs, embed)
    queries, qrels = task.split(args.split)
    rows = []
    for method in args.methods:
        started = time.perf_counter()
        run = retriever.search(queries, method, k=20)
        row = {"task": name.upper(), "method": method, "queries": len(queries)}
        row.update(evaluate({q: [h.doc_id for h in hits] for q, hits in run.items()}, qrels))
        row["s"] = round(time.perf_counter() - started, 1)
        if run and next(iter(run.values()), [None])[0].method != method:
            row["method"] += " (fallback: hybrid)"
        rows.append(row)
        if args.runs:
            Path(args.runs).mkdir(parents=True, exist_ok=True)
            ranked = {q: [(h.doc_id, h.score) for h in hits] for q, hits in run.items()}
            write_run(Path(args.runs) / f"{name}-{args.split}-{method}.tsv", ranked, tag=method)
    return rows


def shipped_rows(args) -> list[dict]:
    """One row per task and method through factcheck.research.evaluate.evaluate_files (the eval command)."""
    from factcheck.config import load_settings
    from factcheck.research.evaluate import evaluate_files
    from factcheck.storage import open_db

    rows = []
    for name in args.tasks:
        root = Path(args.data) / f"checkthat2021-{name}"
        Path(args.eval_db).mkdir(parents=True, exist_ok=True)
        db = open_db(Path(args.eval_db) / f"{name}.db")
        for method in args.methods:
            started = time.perf_counter()
            result = evaluate_files(
                db,
                root / "vclaims.jsonl",
                root / "queries-train-dev.tsv",
                root / f"qrels-{args.split}.tsv",
                fmt="checkthat",
                method=method,
                settings=load_settings(),
                bar=True,
            )
            rows.append(
                {
                    "task": name.upper(),
                    "method": f"{result['method']} (shipped)",
                    **{
                        k: result[k]
                        for k in (
                            "queries",
                            "map@1",
                            "map@3",
                            "map@5",
                            "mrr",
                            "recall@5",
                            "recall@10",
                            "recall@20",
                        )
                    },
                    "s": round(time.perf_counter() - started, 1),
                }
            )
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--cache", default="/tmp/fc_cache", help="vector cache folder ('' = none)")
    parser.add_argument("--split", default="dev", choices=("train", "dev"))
    parser.add_argument("--tasks", nargs="+", default=["2a", "2b"])
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument("--runs", default=None, help="also write TREC run files to this folder")
    parser.add_argument(
        "--shipped",
        action="store_true",
        help="score through factcheck eval's code path (SQLite corpus + cache)",
    )
    parser.add_argument(
        "--eval-db", default="/tmp/fc_eval", help="folder of the --shipped databases"
    )
    args = parser.parse_args(argv)
    if args.shipped:
        from tabulate import tabulate

        print(tabulate(shipped_rows(args), headers="keys", floatfmt=".3f"))
        return
    embed = cached_embedder(args.cache or None)
    rows = [row for name in args.tasks for row in score_task(name, args, embed)]
    from tabulate import tabulate

    print(tabulate(rows, headers="keys", floatfmt=".3f"))


if __name__ == "__main__":
    main()
