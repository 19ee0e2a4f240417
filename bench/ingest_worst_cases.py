"""Worst-case inputs through `factcheck ingest`'s code path: each is stored or refused in time.

Each case runs in its own process: a warm-up ingest loads the models and the demo corpus's index
(as a running app has them), then the case is timed through :func:`factcheck.pipeline.add_article`
(read, extract, score, store, match) into a fresh SQLite database holding the demo corpus. The
parent kills a case that runs past ``--limit`` seconds and says so. The goal (issue 14): each
case within 30 s, or refused at once with a clear message::

    HF_HUB_OFFLINE=1 python bench/ingest_worst_cases.py [--limit 120] [--only NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROSE = "The council approved a budget of 12 million euros on Monday, officials said. "
WORDS = "the council approved a budget of twelve million euros on monday "


def _cases() -> dict[str, tuple[str, bytes]]:
    """name -> (file name, content)."""
    return {
        "80 KB sentence of numbers and words": (
            "sentence.txt",
            " ".join(f"{n} troops" for n in range(8_000)).encode()[:80_000],
        ),
        "5 MB on one line (prose, 64,935 sentences)": (
            "one-line.txt",
            (PROSE * (5_000_000 // len(PROSE))).encode(),
        ),
        "5 MB on one line (one sentence, no full stop)": (
            "one-sentence.txt",
            (WORDS * (5_000_000 // len(WORDS) + 1)).encode()[:5_000_000],
        ),
        "10 MB of numbers": (
            "numbers.txt",
            " ".join(str(n) for n in range(1_600_000)).encode()[:10_000_000],
        ),
        "100,000 sentences, one a line": (
            "many.txt",
            "\n".join(
                f"Crime rose by {n % 90 + 1} percent in district {n}." for n in range(100_000)
            ).encode(),
        ),
        "5,000 sentences, one a line (at the limit)": (
            "limit.txt",
            "\n".join(
                f"Crime rose by {n % 90 + 1} percent in district {n}." for n in range(5_000)
            ).encode(),
        ),
        "HTML nested 100,000 deep": (
            "deep.html",
            ("<div>" * 100_000 + "Prices rose 3% in May." + "</div>" * 100_000).encode(),
        ),
    }


def run_case(name: str, folder: Path) -> dict:
    """In the child: warm up, then time one case."""
    from factcheck import pipeline
    from factcheck.config import load_settings
    from factcheck.corpus.importer import import_paths
    from factcheck.errors import FactcheckError
    from factcheck.resources import examples_dir
    from factcheck.storage import open_db
    from factcheck.types import Document

    file_name, content = _cases()[name]
    path = folder / file_name
    path.write_bytes(content)
    db_path = folder / "bench.db"
    settings = load_settings(db_path=db_path)
    db = open_db(db_path)
    import_paths(db, [examples_dir() / "demo_corpus" / "factchecks.jsonl"], settings=settings)
    warm = Document(text=PROSE + " Unemployment fell to 4.1% in March.", source="warm-up")
    pipeline.add_article(db, settings, document=warm, actor="bench")
    started = time.perf_counter()
    try:
        result = pipeline.add_article(db, settings, source=str(path), actor="bench")
        outcome = {"stored": True, "message": result.message}
    except FactcheckError as error:
        outcome = {"stored": False, "message": str(error)}
    outcome["seconds"] = round(time.perf_counter() - started, 2)
    outcome["bytes"] = len(content)
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--limit", type=float, default=120.0, help="seconds before a case is killed"
    )
    parser.add_argument("--only", default=None, help="run the cases whose name contains this")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--folder", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_case(args.child, Path(args.folder))))
        return
    print(
        f"worst-case ingests (goal: each <= 30 s, or refused at once); killed after {args.limit:.0f} s"
    )
    for name in _cases():
        if args.only and args.only not in name:
            continue
        with tempfile.TemporaryDirectory() as folder:
            command = [sys.executable, __file__, "--child", name, "--folder", folder]
            env = dict(os.environ, HF_HUB_OFFLINE="1")
            try:
                done = subprocess.run(
                    command, capture_output=True, text=True, timeout=args.limit, env=env
                )
            except subprocess.TimeoutExpired:
                print(f"  {name}: NOT DONE after {args.limit:.0f} s (killed)")
                continue
        if done.returncode != 0:
            print(f"  {name}: crashed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        outcome = json.loads(done.stdout.strip().splitlines()[-1])
        verdict = "stored" if outcome["stored"] else "refused"
        print(
            f"  {name} ({outcome['bytes']:,} bytes): {verdict} in {outcome['seconds']:.2f} s"
            f" -- {outcome['message'][:160]}"
        )


if __name__ == "__main__":
    main()
