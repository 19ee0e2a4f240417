"""Claim-matching benchmark: CheckThat! 2021 2A (tweets -> Snopes) and 2B (debates -> PolitiFact).

Scores every retrieval method on one split (dev by default) and prints one table:
MAP@1/3/5, MRR, Recall@5/10/20 and the number of judged queries. Vectors are cached as
.npy under ``--cache``, so later runs embed nothing::

    HF_HUB_OFFLINE=1 python bench/claim_matching.py --data ../shared/data --cache /tmp/fc_cache

The re-ranker weights it uses are rebuilt with ``python -m factcheck.rerank train``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.checkthat import cached_embedder, load_task  # noqa: E402
from factcheck.metrics import evaluate, write_run  # noqa: E402
from factcheck.retrieval import METHODS, Retriever  # noqa: E402


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


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--cache", default="/tmp/fc_cache", help="vector cache folder ('' = none)")
    parser.add_argument("--split", default="dev", choices=("train", "dev"))
    parser.add_argument("--tasks", nargs="+", default=["2a", "2b"])
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument("--runs", default=None, help="also write TREC run files to this folder")
    args = parser.parse_args(argv)
    embed = cached_embedder(args.cache or None)
    rows = [row for name in args.tasks for row in score_task(name, args, embed)]
    from tabulate import tabulate

    print(tabulate(rows, headers="keys", floatfmt=".3f"))


if __name__ == "__main__":
    main()
