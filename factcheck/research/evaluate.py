"""Evaluation of claim matching: import a corpus, rank it for judged queries through the
matching code the app uses (:mod:`factcheck.match.matcher`), score the ranking (MAP, MRR,
recall). ``factcheck eval`` and ``bench/claim_matching.py`` call :func:`evaluate_files`."""

from __future__ import annotations

from pathlib import Path

from factcheck.config import Settings, load_settings
from factcheck.corpus.importer import ImportOptions, import_paths
from factcheck.errors import InputError
from factcheck.match.matcher import Progress, corpus_index, rank
from factcheck.match.retrieval import Query
from factcheck.research.checkthat import transcript_queries, tweet_query
from factcheck.research.metrics import evaluate, read_qrels, read_queries, write_run
from factcheck.storage import Database

EVAL_KEYS = ("map@1", "map@3", "map@5", "mrr", "recall@5", "recall@10", "recall@20", "queries")


def default_eval_db(settings: Settings | None = None) -> Path:
    """Where ``factcheck eval`` caches corpora and vectors without --db: the ``eval_cache``
    setting (FACTCHECK_EVAL_CACHE), else ``$XDG_CACHE_HOME/factcheck/eval.db``."""
    import os

    root = (settings or load_settings()).eval_cache
    if root:
        return root
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "factcheck" / "eval.db"


def eval_queries(path: str | Path, fmt: str) -> list[Query]:
    """Queries of an ``id<TAB>text`` file; for CheckThat! debates (a ``transcripts`` folder
    beside the file) each gets its speaker, date and previous lines; tweets get theirs."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such queries file")
    texts = read_queries(path)
    if not texts:
        raise InputError(f"{path}: no queries (expected lines of id<TAB>text)")
    if fmt == "checkthat":
        folder = path.parent / "transcripts"
        if folder.is_dir():
            return list(transcript_queries(texts, folder).values())
        return [tweet_query(q, t) for q, t in texts.items()]
    return [Query(q, t) for q, t in texts.items()]


def evaluate_files(
    db: Database,
    corpus: str | Path,
    queries: str | Path,
    qrels: str | Path,
    *,
    fmt: str = "auto",
    method: str | None = None,
    settings: Settings | None = None,
    run_path: str | Path | None = None,
    progress: Progress | None = None,
    bar: bool = False,
) -> dict:
    """Import ``corpus`` (nothing new when already there), rank it for ``queries`` with the
    matching code, and score the ranking against ``qrels``. Returns the :data:`EVAL_KEYS`."""
    settings = settings or load_settings()
    method = method or settings.match_method
    judged = read_qrels(qrels) if Path(qrels).is_file() else None
    if judged is None:
        raise InputError(f"{qrels}: no such qrels file")
    if not judged:
        raise InputError(f"{qrels}: no judgements (expected TREC lines: qid 0 docid 1)")
    wanted = eval_queries(queries, fmt)
    imported = import_paths(
        db, [corpus], ImportOptions(format=fmt), settings=settings, progress=bar
    )
    source_ids = [i for result in imported for i in (*result.source_ids, *result.present_ids)]
    index = corpus_index(db, settings, source_ids=source_ids, progress=progress, bar=bar)
    if index is None:
        raise InputError(f"{corpus}: no passages to search")
    judged_queries = [q for q in wanted if q.id in judged]
    if not judged_queries:
        raise InputError(f"none of the {len(wanted)} queries has a judgement in {qrels}")
    ranked = rank(index, judged_queries, method, 20, settings.cross_encoder)
    run = {q: [f.external_id or str(f.source_id) for f in hits] for q, hits in ranked.items()}
    row = evaluate(run, {q.id: judged[q.id] for q in judged_queries})
    if run_path:
        write_run(
            run_path,
            {
                q: [(f.external_id or str(f.source_id), f.method_score) for f in hits]
                for q, hits in ranked.items()
            },
            tag=method,
        )
    used = next((hits[0].method for hits in ranked.values() if hits), method)
    result = {
        "map@1": row["MAP@1"],
        "map@3": row["MAP@3"],
        "map@5": row["MAP@5"],
        "mrr": row["MRR"],
        "recall@5": row["R@5"],
        "recall@10": row["R@10"],
        "recall@20": row["R@20"],
        "queries": len(judged_queries),
    }
    return result | {"method": used, "corpus": len(index)}
