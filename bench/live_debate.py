"""Live debate: a 90-minute debate transcript ingested, scored and matched against the 19,250
PolitiFact fact-checks of CheckThat! 2021 2B, warm, against a 30 s goal (issue 13).

1. The corpus database is built once (``--db``, kept for later runs): the fact-checks imported,
   then encoded with the default embedding backend (``factcheck corpus embed``'s code,
   :func:`factcheck.match.matcher.encode_corpus`); the one-off encoding time is printed, and
   saved beside the database for later runs. The encoding speed of torch and of the default
   backend is measured in the same run on the same sample of the corpus's texts
   (``--sample``, each after a warm-up).
2. Warm: the model and scorer loaded and the corpus index built once in this process (as the
   app's server is after its first article), the transcript is added ``--runs`` times, each on
   a fresh copy of the database (at the same path, so the process's index cache applies), by
   :func:`factcheck.pipeline.add_article` (read, extract, score, store, match: what the app
   does). Each stage is timed (exclusive of the stages inside it); the median is printed.
3. Cold: the same in a fresh process, once (model and scorer loading, the index built).

The transcript (``--transcript``): by default the CheckThat! 2B transcript whose line count is
nearest 1,500. It is read as a transcript (speakers' turns) when the project has
``factcheck.ingest.transcript``, else as plain text, one paragraph per turn.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/live_debate.py
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.config import load_settings  # noqa: E402
from factcheck.corpus.importer import ImportOptions, import_paths  # noqa: E402
from factcheck.models.onnx import backend as embed_backend  # noqa: E402
from factcheck.storage import open_db  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "checkthat2021-2b"
GOAL_S = 30.0
STAGES = (
    ("read", "read and parse the transcript"),
    ("rules", "extract: segments and rules"),
    ("scoring", "extract: check-worthiness scoring"),
    ("store", "store article and claims"),
    ("index", "match: corpus index (process cache)"),
    ("encode", "match: encode claims (cache misses)"),
    ("rank", "match: rank"),
    ("store_matches", "match: store matches"),
    ("group", "match: near-duplicate grouping"),
    ("other", "other (queries, events, commits)"),
)


# --------------------------------------------------------------------------- stage timer


class StageTimer:
    """Wraps functions so each call's time counts for its stage, less the time of wrapped
    calls inside it (exclusive times; they add up to the total)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.stack: list[list] = []
        self.undo: list[tuple] = []

    def wrap(self, owner, name: str, stage: str) -> None:
        original = getattr(owner, name, None)
        if original is None:  # not in this version of the code
            return

        @functools.wraps(original)
        def timed(*args, **kwargs):
            frame = [stage, 0.0]  # the stage, time spent in wrapped calls inside
            self.stack.append(frame)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                self.stack.pop()
                self.spent[stage] += elapsed - frame[1]
                if self.stack:
                    self.stack[-1][1] += elapsed

        self.undo.append((owner, name, original))
        setattr(owner, name, timed)

    def reset(self) -> None:
        self.spent.clear()


def instrument() -> StageTimer:
    """A timer over the stages of :func:`factcheck.pipeline.add_article`."""
    from factcheck import pipeline
    from factcheck.corpus import vectors
    from factcheck.extract import checkworthiness
    from factcheck.ingest import read
    from factcheck.match import matcher
    from factcheck.storage import articles, claims, matches

    timer = StageTimer()
    timer.wrap(read, "load_source", "read")
    timer.wrap(pipeline, "run_extractor", "rules")
    timer.wrap(checkworthiness.Scorer, "score", "scoring")
    timer.wrap(articles, "insert", "store")
    timer.wrap(claims, "insert_many", "store")
    timer.wrap(matcher, "corpus_index", "index")
    timer.wrap(vectors, "embed_texts", "encode")
    timer.wrap(matcher, "rank", "rank")
    timer.wrap(matches, "replace_for_claims", "store_matches")
    timer.wrap(matcher, "group_duplicates", "group")
    return timer


# --------------------------------------------------------------------------- the inputs


def nearest_transcript(folder: Path, lines: int = 1500) -> Path:
    """The transcript file whose line count is nearest ``lines``."""
    counts = {p: sum(1 for _ in p.open(encoding="utf-8")) for p in sorted(folder.glob("*.tsv"))}
    if not counts:
        raise SystemExit(f"no transcripts in {folder}")
    return min(counts, key=lambda p: (abs(counts[p] - lines), p.name))


def has_transcript_reader() -> bool:
    return importlib.util.find_spec("factcheck.ingest.transcript") is not None


def plain_text(path: Path) -> str:
    """A CheckThat! transcript (line, speaker, sentence) as plain text: a paragraph per turn,
    led by the speaker's name."""
    turns: list[tuple[str, list[str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or not parts[2].strip():
            continue
        speaker, sentence = parts[1].strip(), parts[2].strip()
        if turns and turns[-1][0] == speaker:
            turns[-1][1].append(sentence)
        else:
            turns.append((speaker, [sentence]))
    return "\n\n".join(f"{speaker}: {' '.join(said)}" for speaker, said in turns)


def add_transcript(db, settings, path: Path):
    """Add the transcript as the app would (the whole pipeline)."""
    from factcheck.pipeline import add_article
    from factcheck.types import Document

    if has_transcript_reader():
        return add_article(db, settings, source=str(path), actor="bench")
    document = Document(text=plain_text(path), source=str(path), title=path.stem)
    return add_article(db, settings, document=document, actor="bench")


# --------------------------------------------------------------------------- the corpus


def build_corpus(db_path: Path, sample: int) -> dict:
    """Import and encode the fact-checks once; measure encoding speeds on a sample."""
    from factcheck.match.matcher import build_units, encode_corpus, unit_texts
    from factcheck.models import embed
    from factcheck.storage.matches import corpus_rows

    settings = load_settings(db_path=db_path)
    backend = embed_backend()
    info_path = db_path.with_suffix(".json")
    info = json.loads(info_path.read_text()) if info_path.exists() else {}
    db = open_db(db_path)
    try:
        started = time.perf_counter()
        imported = import_paths(
            db, [DATA / "vclaims.jsonl"], ImportOptions(format="checkthat"), settings=settings
        )
        if any(r.source_ids for r in imported):
            info["import_s"] = round(time.perf_counter() - started, 1)
        docs, _sources, _externals = build_units(corpus_rows(db))
        texts = sorted({t.strip() for f in unit_texts(docs).values() for t in f if t.strip()})
        print(
            f"corpus: {len(docs):,} fact-checks as units, {len(texts):,} distinct texts to encode"
        )
        if sample and f"speed_{backend}" not in info:
            picked = random.Random(13).sample(texts, min(sample, len(texts)))
            rates = {}
            for name in dict.fromkeys(("torch", backend)):
                embed.encode(picked[:64], backend=name)  # warm-up: model loaded, ONNX exported
                began = time.perf_counter()
                embed.encode(picked, backend=name)
                rates[name] = len(picked) / (time.perf_counter() - began)
            info[f"speed_{backend}"] = {"sample": len(picked), **rates, "load": os.getloadavg()[0]}
        started = time.perf_counter()
        encoded = encode_corpus(db, settings, bar=True)
        if encoded > len(texts) // 2:  # the corpus's first encoding, not a top-up
            seconds = time.perf_counter() - started
            info["encode"] = {"backend": backend, "texts": encoded, "s": round(seconds, 1)}
        info_path.write_text(json.dumps(info, indent=2))
    finally:
        db.close()
    speed = info.get(f"speed_{backend}")
    if speed:
        line = ", ".join(
            f"{n} {r:,.0f} texts/s" for n, r in speed.items() if n not in ("sample", "load")
        )
        ratio = speed[backend] / speed["torch"]
        print(
            f"encoding speed on {speed['sample']:,} corpus texts, same run: {line} "
            f"({backend} {ratio:.2f}x torch; load {speed['load']:.1f})"
        )
    if "encode" in info:
        e = info["encode"]
        print(
            f"one-off corpus encoding with {e['backend']}: {e['texts']:,} texts in {e['s']:,.0f} s "
            f"({e['texts'] / e['s']:,.0f} texts/s)"
        )
    return info


# --------------------------------------------------------------------------- runs


def fresh_copy(base: Path, run_path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        target = Path(f"{run_path}{suffix}")
        if target.exists():
            target.unlink()
    shutil.copyfile(base, run_path)


def one_run(base: Path, run_path: Path, transcript: Path, timer: StageTimer) -> dict:
    from factcheck.models.embed import forget_recent

    fresh_copy(base, run_path)
    settings = load_settings(db_path=run_path)
    db = open_db(run_path)
    forget_recent()  # a new debate: none of its texts encoded yet (the model stays loaded)
    timer.reset()
    try:
        started, cpu = time.perf_counter(), time.process_time()
        result = add_transcript(db, settings, transcript)
        total, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        db.close()
    spent = dict(timer.spent)
    spent["other"] = total - sum(spent.values())
    return {
        "total": total,
        "cpu": cpu,
        "load": os.getloadavg()[0],
        "stages": spent,
        "sentences": result.sentences,
        "claims": result.claims,
        "matched": result.matched,
        "message": result.message,
    }


def cold_main(args) -> None:
    """One run in this fresh process: prints its JSON."""
    timer = instrument()
    print(json.dumps(one_run(Path(args.db), Path(args.run_db), Path(args.transcript), timer)))


def print_stages(runs: list[dict]) -> None:
    rows = []
    for key, label in STAGES:
        values = [r["stages"].get(key, 0.0) for r in runs]
        rows.append((label, statistics.median(values), min(values), max(values)))
    totals = [r["total"] for r in runs]
    width = max(len(label) for label, *_ in rows)
    print(f"  {'stage':<{width}}  median s  (min-max)")
    for label, median, low, high in rows:
        print(f"  {label:<{width}}  {median:8.2f}  ({low:.2f}-{high:.2f})")
    print(
        f"  {'total':<{width}}  {statistics.median(totals):8.2f}  ({min(totals):.2f}-{max(totals):.2f})"
    )
    cpu = statistics.median(r["cpu"] for r in runs)
    loads = ", ".join(f"{r['load']:.1f}" for r in runs)
    print(
        f"  (CPU time of the process, all threads: median {cpu:.1f} s; load after each run: {loads})"
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/live_debate/corpus.db", help="corpus database (kept)")
    parser.add_argument("--transcript", default=None, help="default: the one nearest 1,500 lines")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--sample", type=int, default=2000, help="texts for the speed comparison (0: none)"
    )
    parser.add_argument("--no-cold", action="store_true", help="skip the cold run")
    parser.add_argument("--cold", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--run-db", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.cold:
        cold_main(args)
        return
    base = Path(args.db)
    base.parent.mkdir(parents=True, exist_ok=True)
    run_path = base.with_name("run.db")
    transcript = (
        Path(args.transcript) if args.transcript else nearest_transcript(DATA / "transcripts")
    )
    lines = sum(1 for _ in transcript.open(encoding="utf-8"))
    how = "a transcript (turns)" if has_transcript_reader() else "plain text (a paragraph per turn)"
    settings = load_settings(db_path=base)
    print(
        f"transcript {transcript.name}: {lines:,} lines, read as {how}; embedding backend "
        f"{embed_backend()}, scorer {settings.score_backend or 'default'}, "
        f"method {settings.match_method}; load {os.getloadavg()[0]:.1f}"
    )
    build_corpus(base, args.sample)

    cold = None
    if not args.no_cold:
        started = time.perf_counter()
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--cold",
                "--db",
                str(base),
                "--run-db",
                str(run_path),
                "--transcript",
                str(transcript),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        cold = json.loads(out.stdout.strip().splitlines()[-1])
        cold["process"] = time.perf_counter() - started

    timer = instrument()
    from factcheck.extract.checkworthiness import load_scorer
    from factcheck.match.matcher import corpus_index
    from factcheck.models.embed import load_model

    started = time.perf_counter()
    load_model(None)
    load_scorer()
    fresh_copy(base, run_path)
    warm_db = open_db(run_path)
    corpus_index(warm_db, load_settings(db_path=run_path))  # the server after its first use
    warm_db.close()
    print(f"warming up (model, scorer, corpus index): {time.perf_counter() - started:.1f} s")
    runs = [one_run(base, run_path, transcript, timer) for _ in range(args.runs)]
    first = runs[0]
    print(
        f"\n{first['sentences']:,} sentences, {first['claims']:,} check-worthy claims, "
        f"{first['matched']:,} matches stored; {first['message']}"
    )
    print(
        f"\nwarm, {len(runs)} runs on fresh copies of the database (load {os.getloadavg()[0]:.1f}):"
    )
    print_stages(runs)
    median = statistics.median(r["total"] for r in runs)
    verdict = "within" if median <= GOAL_S else "OVER"
    print(f"warm median {median:.1f} s: {verdict} the {GOAL_S:.0f} s goal")
    if cold:
        print(
            f"\ncold (a fresh process: model and scorer loaded, index built): add_article "
            f"{cold['total']:.1f} s, the whole process {cold['process']:.1f} s"
        )
        print_stages([cold])


if __name__ == "__main__":
    main()
