"""Ranking metrics (MAP@k, MRR, Recall@k, Precision@k) and TREC-style file readers/writers.

A *run* is ``{qid: [doc_id, ...]}`` best first; *qrels* are ``{qid: {relevant doc_id, ...}}``.
Queries without relevant documents in the qrels are skipped; queries in the qrels that the
run lacks count as zero (as the official scorers do).

MAP@k follows the CLEF CheckThat! 2020-2022 claim-retrieval scorer (task 2): for each query,
AP@k = (sum of precision@i over the ranks i <= k that hold a relevant document) divided by
the number of relevant documents of the query (not capped at k); MAP@k is the mean over
queries. With one relevant document per query (most CheckThat queries) this is 1/rank when
the document is in the top k, else 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

Run = Mapping[str, Sequence[str]]
Qrels = Mapping[str, set[str]]


def average_precision(ranked: Sequence[str], relevant: set[str], k: int | None = None) -> float:
    """AP@k of one ranked list (k=None: the whole list)."""
    if not relevant:
        return 0.0
    hits, total, seen = 0, 0.0, set()
    for i, doc in enumerate(ranked[:k] if k else ranked, start=1):
        if doc in relevant and doc not in seen:
            seen.add(doc)
            hits += 1
            total += hits / i
    return total / len(relevant)


def reciprocal_rank(ranked: Sequence[str], relevant: set[str], k: int | None = None) -> float:
    """1/rank of the first relevant document within the top k, else 0."""
    for i, doc in enumerate(ranked[:k] if k else ranked, start=1):
        if doc in relevant:
            return 1.0 / i
    return 0.0


def recall(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Share of the relevant documents found in the top k."""
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


def precision(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Share of the top k that is relevant (a short list still divides by k)."""
    return len(set(ranked[:k]) & relevant) / k


def _mean(run: Run, qrels: Qrels, score) -> float:
    judged = [q for q, rel in qrels.items() if rel]
    if not judged:
        return 0.0
    return sum(score(list(run.get(q, ())), set(qrels[q])) for q in judged) / len(judged)


def map_at_k(run: Run, qrels: Qrels, k: int = 5) -> float:
    """Mean AP@k over the judged queries (CheckThat! definition, see the module docstring)."""
    return _mean(run, qrels, lambda r, rel: average_precision(r, rel, k))


def mrr(run: Run, qrels: Qrels, k: int | None = None) -> float:
    """Mean reciprocal rank (optionally cut at k)."""
    return _mean(run, qrels, lambda r, rel: reciprocal_rank(r, rel, k))


def recall_at_k(run: Run, qrels: Qrels, k: int) -> float:
    """Mean Recall@k."""
    return _mean(run, qrels, lambda r, rel: recall(r, rel, k))


def precision_at_k(run: Run, qrels: Qrels, k: int) -> float:
    """Mean Precision@k."""
    return _mean(run, qrels, lambda r, rel: precision(r, rel, k))


def evaluate(run: Run, qrels: Qrels, ks_map=(1, 3, 5), ks_recall=(5, 10, 20)) -> dict[str, float]:
    """The usual table row: MAP@k for ``ks_map``, MRR, Recall@k for ``ks_recall``."""
    row = {f"MAP@{k}": map_at_k(run, qrels, k) for k in ks_map}
    row["MRR"] = mrr(run, qrels)
    row.update({f"R@{k}": recall_at_k(run, qrels, k) for k in ks_recall})
    return row


def _rows(path: str | Path) -> Iterable[list[str]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\r\n")
            if line.strip():
                yield line.split("\t") if "\t" in line else line.split()


def read_qrels(path: str | Path) -> dict[str, set[str]]:
    """TREC qrels ``qid 0 docid rel`` (tabs or spaces, optional header); rel > 0 kept."""
    qrels: dict[str, set[str]] = {}
    for parts in _rows(path):
        if len(parts) < 4 or not parts[3].strip().lstrip("-").isdigit():
            continue  # a header or a malformed line
        qid, doc, rel = parts[0].strip(), parts[2].strip(), int(parts[3])
        qrels.setdefault(qid, set())
        if rel > 0:
            qrels[qid].add(doc)
    return qrels


def read_queries(path: str | Path) -> dict[str, str]:
    """``id<TAB>text`` lines (an optional ``id<TAB>text``-style header line is skipped)."""
    queries: dict[str, str] = {}
    for i, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines()):
        qid, sep, text = line.partition("\t")
        if not sep or not qid.strip():
            continue
        if i == 0 and qid.strip().lower() in {"id", "qid", "iclaim_id", "query_id", "tweet_id"}:
            continue
        queries[qid.strip()] = text.strip()
    return queries


def write_run(
    path: str | Path, run: Mapping[str, Sequence[tuple[str, float]]], tag: str = "factcheck"
) -> None:
    """A TREC run file: ``qid Q0 docid rank score tag``, one line per ranked document."""
    with open(path, "w", encoding="utf-8") as handle:
        for qid, ranked in run.items():
            for rank, (doc, score) in enumerate(ranked, start=1):
                handle.write(f"{qid}\tQ0\t{doc}\t{rank}\t{score:.6f}\t{tag}\n")


def read_run(path: str | Path) -> dict[str, list[str]]:
    """A TREC run file back into ``{qid: [docid, ...]}``, ordered by score (then rank)."""
    scored: dict[str, list[tuple[float, int, str]]] = {}
    for parts in _rows(path):
        if len(parts) < 5:
            continue
        qid, doc, rank, score = parts[0], parts[2], int(parts[3]), float(parts[4])
        scored.setdefault(qid, []).append((-score, rank, doc))
    return {q: [doc for _, _, doc in sorted(rows)] for q, rows in scored.items()}
