"""Claim matching through the app's path: CheckThat! 2021 2B debates ingested as transcripts.

A database holding the 19,250 PolitiFact fact-checks (``vclaims.jsonl`` through
``factcheck corpus import``'s code, encoded once and reused from ``--corpus-db``) gets each 2B
transcript that holds a judged query of ``--split`` (dev by default) through
:func:`factcheck.pipeline.add_article` as a transcript -- extraction, check-worthiness,
matching and storage exactly as the app does. Each judged query (``<transcript stem>_<line>``)
is mapped to the claim whose text is the transcript row's sentence (whitespace-normalised; a
row cut into several claims, or kept under its line number, maps to its first check-worthy
piece) and scored on the claim's
stored candidates (``factcheck matches``):

- recall@1 / recall@5 of the paired fact-check (vclaim_id) over all judged queries (a query
  whose sentence was not flagged check-worthy counts as a miss) and over the flagged ones;
- the precision of the strong band (candidates marked strong that are the paired fact-check)
  and how many claims get a strong candidate.

Beside it, "today": ``--before`` names an unpacked copy of the committed code (``git archive
HEAD | tar -x -C /tmp/before``), whose ``match_all`` re-matches a copy of the same database in
a subprocess (only candidates of similarity >= 0.5 were stored then); and ``factcheck eval``'s
figures on the same split from this run::

    HF_HUB_OFFLINE=1 FACTCHECK_EMBED_BACKEND=onnx-int8 python bench/transcript_matching.py \\
        --data ../shared/data --corpus-db /tmp/corpus.db --before /tmp/before
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.config import load_settings  # noqa: E402
from factcheck.corpus.importer import ImportOptions, import_paths  # noqa: E402
from factcheck.ingest.transcript import to_document  # noqa: E402
from factcheck.match.matcher import encode_corpus, stored_candidates  # noqa: E402
from factcheck.pipeline import add_article  # noqa: E402
from factcheck.research.checkthat import find_transcript, read_transcript  # noqa: E402
from factcheck.research.evaluate import evaluate_files  # noqa: E402
from factcheck.research.metrics import read_qrels  # noqa: E402
from factcheck.storage import open_db  # noqa: E402
from factcheck.storage.claims import list_claims  # noqa: E402

QUERY_ID = re.compile(r"^(?P<stem>.+)_(?P<line>\d+)$")
OLD_MATCH = """
import sys
from factcheck.config import load_settings
from factcheck.match.matcher import match_all
from factcheck.storage import open_db
db = open_db(sys.argv[1])
print(match_all(db, load_settings(db_path=sys.argv[1])).message)
"""


def normalised(text: str) -> str:
    return " ".join(text.split()).lower()


def corpus_database(path: Path, data: Path) -> None:
    """Import and encode the PolitiFact corpus into ``path`` unless it is there already."""
    settings = load_settings(db_path=path)
    db = open_db(path)
    vclaims = data / "checkthat2021-2b" / "vclaims.jsonl"
    import_paths(db, [vclaims], ImportOptions(format="checkthat"), settings=settings)
    started = time.perf_counter()
    encoded = encode_corpus(db, settings, bar=True)
    print(f"corpus: {encoded:,} texts encoded in {time.perf_counter() - started:,.0f} s")


def judged_transcripts(data: Path, split: str) -> tuple[dict[Path, dict[int, str]], dict]:
    """transcript file -> {line: query id} for the judged queries of ``split``, and the qrels."""
    root = data / "checkthat2021-2b"
    qrels = read_qrels(root / f"qrels-{split}.tsv")
    files = {p.stem: p for p in (root / "transcripts").glob("*.tsv")}
    wanted: dict[Path, dict[int, str]] = {}
    for qid in qrels:
        found = QUERY_ID.match(qid)
        path = find_transcript(found.group("stem"), files) if found else None
        if found and path:
            wanted.setdefault(path, {})[int(found.group("line"))] = qid
    return wanted, qrels


def ingest(db_path: Path, wanted: dict[Path, dict[int, str]]) -> dict[str, dict | None]:
    """Ingest each transcript as the app does; query id -> its claim (None when no claim of
    the article has the row's sentence)."""
    settings = load_settings(db_path=db_path)
    db = open_db(db_path)
    out: dict[str, dict | None] = {}
    for n, (path, queries) in enumerate(sorted(wanted.items()), start=1):
        started = time.perf_counter()
        document = to_document(path.read_text(encoding="utf-8"), name=path.name, flavour="tsv")
        result = add_article(db, settings, document=document, actor="bench", title=path.stem)
        claims = list_claims(db, article_id=result.article_id, include_all=True)
        lines = read_transcript(path)
        for line, qid in queries.items():
            sentence = normalised(lines.get(line, ("", ""))[1])
            exact = [c for c in claims if normalised(c["text"]) == sentence]
            pieces = [c for c in claims if normalised(c["text"]) in sentence and c["text"].strip()]
            on_line = [c for c in claims if c.get("source_line") == line]
            chosen = exact or sorted(pieces or on_line, key=lambda c: -c["check_worthy"])
            out[qid] = chosen[0] if chosen and sentence else None
        print(
            f"  [{n}/{len(wanted)}] {path.name}: {result.sentences} sentences, "
            f"{sum(c['check_worthy'] for c in claims)} check-worthy, "
            f"{time.perf_counter() - started:,.0f} s",
            flush=True,
        )
    return out


def is_strong(row: dict) -> bool:
    """The strong band; for rows stored before bands (the committed code), its rule then:
    a similarity of at least 0.75."""
    return row["band"] == "strong" if row["confidence"] is not None else row["similarity"] >= 0.75


def score(db_path: Path, claims: dict[str, dict | None], qrels: dict) -> dict:
    """recall@1/@5 over all judged queries and over the flagged ones, strong precision."""
    db = open_db(db_path)
    hit1 = hit5 = flagged = strong = strong_right = with_strong = mapped = 0
    for qid, claim in claims.items():
        if claim is None:
            continue
        mapped += 1
        if not claim["check_worthy"]:
            continue
        flagged += 1
        rows = stored_candidates(db, claim_id=claim["id"])
        ids = [r["external_id"] for r in sorted(rows, key=lambda r: r["rank"])]
        hit1 += bool(ids[:1] and ids[0] in qrels[qid])
        hit5 += any(i in qrels[qid] for i in ids[:5])
        marked = [r for r in rows if is_strong(r)]
        strong += len(marked)
        strong_right += sum(r["external_id"] in qrels[qid] for r in marked)
        with_strong += bool(marked)
    total = len(qrels)
    return {
        "queries": total,
        "mapped": mapped,
        "flagged": flagged,
        "recall@1": hit1 / total,
        "recall@5": hit5 / total,
        "recall@1 flagged": hit1 / max(flagged, 1),
        "recall@5 flagged": hit5 / max(flagged, 1),
        "strong": strong,
        "strong precision": strong_right / strong if strong else float("nan"),
        "claims with strong": with_strong,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--corpus-db", type=Path, default=Path("/tmp/fc_transcripts/corpus.db"))
    parser.add_argument("--split", default="dev", choices=("dev", "train"))
    parser.add_argument("--before", type=Path, default=None, help="the committed code, unpacked")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON")
    args = parser.parse_args()

    args.corpus_db.parent.mkdir(parents=True, exist_ok=True)
    corpus_database(args.corpus_db, args.data)
    work = args.corpus_db.with_name(f"app-{args.split}.db")
    for path in (work, work.with_name(work.name + "-journal")):
        path.unlink(missing_ok=True)
    shutil.copyfile(args.corpus_db, work)
    wanted, qrels = judged_transcripts(args.data, args.split)
    print(f"{args.split}: {len(qrels)} judged queries in {len(wanted)} transcripts")
    started = time.perf_counter()
    claims = ingest(work, wanted)
    print(f"ingested in {time.perf_counter() - started:,.0f} s")
    figures = {"app path (this code)": score(work, claims, qrels)}

    if args.before:
        old = work.with_name(f"before-{args.split}.db")
        shutil.copyfile(work, old)
        env = {**os.environ, "PYTHONPATH": str(args.before)}
        done = subprocess.run(
            [sys.executable, "-c", OLD_MATCH, str(old)],
            env=env,
            cwd=args.before,
            capture_output=True,
            text=True,
            check=False,
        )
        print("today's matcher:", (done.stdout or done.stderr).strip().splitlines()[-1:])
        figures["app path (committed code)"] = score(old, claims, qrels)

    root = args.data / "checkthat2021-2b"
    settings = load_settings(db_path=args.corpus_db)
    ev = evaluate_files(
        open_db(args.corpus_db),
        root / "vclaims.jsonl",
        root / "queries-train-dev.tsv",
        root / f"qrels-{args.split}.tsv",
        fmt="checkthat",
        settings=settings,
    )
    figures["factcheck eval (this code)"] = {k: ev[k] for k in ("map@5", "mrr", "recall@5")}

    print(f"\n== CheckThat! 2021 2B {args.split.upper()} ==")
    for name, row in figures.items():
        shown = ", ".join(
            f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()
        )
        print(f"{name}: {shown}")
    if args.out:
        args.out.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
