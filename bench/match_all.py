"""`match --all` at scale: N claims against the CheckThat! 2021 2B PolitiFact corpus (19,250
fact-checks), through the shipped code (corpus import, embedding cache, factcheck.match.matcher).

Prints the import time, the corpus encoding time (``factcheck corpus embed``'s code,
:func:`factcheck.match.matcher.encode_corpus`: the texts the index searches, only those not
cached), the matching time and claims/s, first run (index built, claims encoded) and again
(all cached). Claims are 2B debate sentences (dev first, then train, then every transcript
line) ingested as articles, so each gets its context, speaker and date the way real claims
do. Vectors are cached in the
database: ``--db`` on a file that already holds them (e.g. one made by a previous run, or by
``bench/claim_matching.py --eval-db``) skips the encoding, and says so::

    HF_HUB_OFFLINE=1 python bench/match_all.py --claims 1000 --db /tmp/fc_match_all.db

``--limit-corpus N`` keeps N fact-checks (all of the ones judged relevant for the chosen
claims, then the others in file order) for a quick run on a small machine; the figure printed
says which corpus size it used.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.config import load_settings  # noqa: E402
from factcheck.corpus.importer import ImportOptions, import_paths  # noqa: E402
from factcheck.match.matcher import encode_corpus, match_all  # noqa: E402
from factcheck.research.metrics import read_qrels, read_queries  # noqa: E402
from factcheck.storage import open_db  # noqa: E402


def debate_sentences(root: Path, n: int) -> list[tuple[str, str]]:
    """(query id, sentence): the judged 2B queries (dev, then train) then other lines."""
    texts = read_queries(root / "queries-train-dev.tsv")
    order = sorted(read_qrels(root / "qrels-dev.tsv")) + sorted(
        read_qrels(root / "qrels-train.tsv")
    )
    picked = [(q, texts[q]) for q in dict.fromkeys(order) if q in texts]
    if len(picked) < n:
        for path in sorted((root / "transcripts").glob("*.tsv")):
            for line in path.read_text(encoding="utf-8").splitlines():
                parts = line.split("\t")
                if len(parts) >= 3 and len(parts[2].split()) >= 6:
                    picked.append((f"{path.stem}_{parts[0]}", parts[2]))
                if len(picked) >= n:
                    break
            if len(picked) >= n:
                break
    return picked[:n]


def insert_claims(db, sentences: list[tuple[str, str]], per_article: int = 50) -> None:
    """The sentences as check-worthy claims of articles of ``per_article`` sentences each."""
    from factcheck.pipeline import content_hash
    from factcheck.storage import utcnow
    from factcheck.storage.claims import text_hash

    now = utcnow()
    with db.atomic():
        for start in range(0, len(sentences), per_article):
            chunk = sentences[start : start + per_article]
            text = "\n".join(s for _q, s in chunk)
            article = db.execute(
                "INSERT INTO articles (source, source_kind, title, text, content_hash, "
                "extractor, ingested_at, ingested_by) VALUES (?, 'imported', ?, ?, ?, "
                "'default', ?, 'bench')",
                [f"bench:{start}", f"debate sentences {start}", text, content_hash(text), now],
            ).lastrowid
            offset = 0
            for i, (_q, sentence) in enumerate(chunk):
                db.execute(
                    'INSERT INTO claims (article_id, sentence_index, text, start, "end", score, '
                    "check_worthy, text_hash, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, 1.0, 1, ?, ?, ?)",
                    [
                        article,
                        i,
                        sentence,
                        offset,
                        offset + len(sentence),
                        text_hash(sentence),
                        now,
                        now,
                    ],
                )
                offset += len(sentence) + 1


def limited_corpus(root: Path, keep: int, relevant: set[str], folder: Path) -> Path:
    rows = [
        json.loads(line)
        for line in (root / "vclaims.jsonl").read_text("utf-8").split("\n")
        if line.strip()
    ]
    first = [r for r in rows if r["vclaim_id"] in relevant]
    rest = [r for r in rows if r["vclaim_id"] not in relevant]
    path = folder / "vclaims.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in (first + rest)[:keep]), "utf-8")
    return path


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--db", default=None, help="database file (default: a temporary one)")
    parser.add_argument("--limit-corpus", type=int, default=None)
    parser.add_argument("--method", default=None)
    args = parser.parse_args(argv)
    root = Path(args.data) / "checkthat2021-2b"
    tmp = tempfile.TemporaryDirectory()
    db_path = Path(args.db) if args.db else Path(tmp.name) / "bench.db"
    db = open_db(db_path)
    settings = load_settings(db_path=db_path)
    sentences = debate_sentences(root, args.claims)
    corpus = root / "vclaims.jsonl"
    if args.limit_corpus:
        relevant = set().union(
            *read_qrels(root / "qrels-dev.tsv").values(),
            *read_qrels(root / "qrels-train.tsv").values(),
        )
        corpus = limited_corpus(root, args.limit_corpus, relevant, Path(tmp.name))

    started = time.perf_counter()
    import_paths(db, [corpus], ImportOptions(format="checkthat"), settings=settings)
    imported = time.perf_counter() - started
    sources = db.execute("SELECT count(*) FROM sources").fetchone()[0]
    started = time.perf_counter()
    encoded = encode_corpus(db, settings, bar=True)
    embedded = time.perf_counter() - started
    db.execute(
        "DELETE FROM claims WHERE article_id IN (SELECT id FROM articles "
        "WHERE ingested_by = 'bench')"
    )
    db.execute("DELETE FROM articles WHERE ingested_by = 'bench'")
    db.conn.commit()
    insert_claims(db, sentences)

    started = time.perf_counter()
    result = match_all(db, settings, method=args.method, bar=True)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = match_all(db, settings, method=args.method)
    second = time.perf_counter() - started
    print(f"corpus: {sources:,} PolitiFact fact-checks ({corpus})")
    print(
        f"import: {imported:.1f} s; corpus encoding: {embedded:.1f} s "
        f"({encoded:,} texts encoded, the rest were cached)"
    )
    print(
        f"match --all, {result.claims:,} claims ({result.method}): {first:.1f} s "
        f"= {result.claims / first:.1f} claims/s (first run: builds the search index, encodes "
        f"the claims)"
    )
    print(
        f"match --all again (index and vectors cached): {second:.1f} s "
        f"= {again.claims / second:.1f} claims/s"
    )
    print(
        f"stored {result.matches:,} matches ({result.strong:,} strong), "
        f"{result.duplicates} claims grouped with an earlier near-duplicate"
    )


if __name__ == "__main__":
    main()
