"""Server-side time of the review workbench's queue and claim pages on a large desk.

Builds (once, cached in bench/out/) a database with 10,000 claims in 100 articles, 2,000
fact-check sources and 20 matched passages (evidence cards) per claim, plus some reviews,
then prints the median and 95th percentile of:

- the core call each page makes (``workbench.queue_view``, ``workbench.claim_view``), and
- a whole page run in Streamlit's AppTest (script + rendering into the messages a browser
  would receive; the network and the browser's drawing are not included).

Goal (issue 4): each page <= 300 ms on the server side.

    python bench/app_pages.py [--claims 10000] [--cards 20] [--runs 20] [--rebuild]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from app_seed import add_article, add_matches, add_sources, sign_in_token  # noqa: E402

from factcheck import workbench  # noqa: E402
from factcheck.review import workflow as review  # noqa: E402
from factcheck.storage import open_db  # noqa: E402
from factcheck.storage.review import QueueFilters  # noqa: E402

GOAL_MS = 300.0
OPEN = ("new", "in_review", "awaiting_second_review")


def build(path: Path, claims: int, cards: int) -> None:
    if path.exists():
        path.unlink()
    db = open_db(path)
    started = time.perf_counter()
    per_article = 100
    claim_ids: list[int] = []
    rng = random.Random(7)
    for article in range((claims + per_article - 1) // per_article):
        count = min(per_article, claims - len(claim_ids))
        texts = [
            f"In article {article}, figure {i} rose by {rng.randint(1, 90)}% since "
            f"{rng.randint(1990, 2023)}, officials said."
            for i in range(count)
        ]
        scores = [round(rng.uniform(0.5, 1.0), 3) for _ in range(count)]
        claim_ids += add_article(db, texts, title=f"Bench article {article}", scores=scores)
    passage_ids = add_sources(db, 2000, prefix="Bench fact-check")
    rng.shuffle(passage_ids)
    add_matches(db, claim_ids, passage_ids, cards)
    for name, role in (("Ann", "checker"), ("Bob", "checker"), ("Eve", "editor")):
        review.ensure_reviewer(db, name, role)
    sample = claim_ids[::50]
    review.assign(db, "Eve", sample, ["Ann", "Bob"])
    for claim_id in sample[::2]:
        review.cite_passage(
            db, "Ann", claim_id, passage_ids[claim_id % len(passage_ids)], "refutes"
        )
        review.save_verdict(db, "Ann", claim_id, "False", confidence=0.8, rationale="bench")
        review.save_verdict(db, "Bob", claim_id, "Half True" if claim_id % 4 else "False")
    db.execute("ANALYZE")
    db.close()
    print(
        f"built {path} in {time.perf_counter() - started:.1f} s: {claims} claims, "
        f"{cards} cards each"
    )


def timed(function, runs: int) -> list[float]:
    function()  # warm up (imports, SQLite page cache)
    values = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        values.append((time.perf_counter() - started) * 1000)
    return values


def report(name: str, values: list[float]) -> tuple[str, float]:
    values = sorted(values)
    median = statistics.median(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    verdict = "ok" if p95 <= GOAL_MS else "OVER"
    print(f"{name:<48} median {median:7.1f} ms   p95 {p95:7.1f} ms   [{verdict}]")
    return name, p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--cards", type=int, default=20)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"app_pages_{args.claims}x{args.cards}.db"
    if args.rebuild or not path.exists():
        build(path, args.claims, args.cards)
    os.environ["FACTCHECK_DB"] = str(path)
    db = open_db(path)
    total = db.execute("SELECT count(*) FROM claims").fetchone()[0]
    matches = db.execute("SELECT count(*) FROM matches").fetchone()[0]
    print(
        f"database: {total} claims, {matches} matches; {args.runs} runs each; "
        f"goal <= {GOAL_MS:.0f} ms\n"
    )
    if not review.blind_mode(db):  # the checker's views below take the blind-review path
        review.set_blind_mode(db, "Eve", True)
    ids = [row[0] for row in db.execute("SELECT id FROM claims ORDER BY random() LIMIT 200")]
    rng = random.Random(1)
    default = QueueFilters(statuses=OPEN)
    results = []

    print("core calls (one per page view)")
    results.append(
        report(
            "queue_view: open claims by score, page 1",
            timed(lambda: workbench.queue_view(db, default), args.runs),
        )
    )
    results.append(
        report(
            "queue_view: by date, page 100",
            timed(lambda: workbench.queue_view(db, default, sort="date", page=99), args.runs),
        )
    )
    results.append(
        report(
            "queue_view: search + score range + strong match",
            timed(
                lambda: workbench.queue_view(
                    db,
                    QueueFilters(
                        statuses=OPEN,
                        search="rose by 4",
                        min_score=0.6,
                        max_score=0.9,
                        strong_match=0.8,
                    ),
                ),
                args.runs,
            ),
        )
    )
    results.append(
        report(
            "queue_view: verdict filter, all statuses",
            timed(lambda: workbench.queue_view(db, QueueFilters(verdict="False")), args.runs),
        )
    )
    results.append(
        report(
            "queue_view: best match first, checker (blind)",
            timed(lambda: workbench.queue_view(db, default, sort="match", viewer="Ann"), args.runs),
        )
    )
    results.append(
        report(
            "queue_view: open claims by score, checker (blind)",
            timed(lambda: workbench.queue_view(db, default, viewer="Ann"), args.runs),
        )
    )
    results.append(
        report(
            "claim_view: 20 cards, neighbours in the queue",
            timed(
                lambda: workbench.claim_view(db, rng.choice(ids), "Ann", filters=default), args.runs
            ),
        )
    )

    print("\nwhole page runs in AppTest (script + rendering, no browser)")
    from streamlit.testing.v1 import AppTest

    token = sign_in_token("Ann", "checker")  # a password for Ann, then a session token

    def page_run(page: str, claim: int | None = None):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state["fc_token"] = token  # app_pages.common.TOKEN_KEY: signed in
        at.switch_page(page)
        if claim is not None:
            at.query_params["claim"] = str(claim)
        at.run()
        assert not at.exception, at.exception
        signing_in = [w for w in at.text_input if w.key == "fc_signin_password"]
        assert not signing_in, "the page shows the sign-in form: not signed in"

        def rerun():
            if claim is not None:
                at.query_params["claim"] = str(rng.choice(ids))
            at.run()

        return rerun

    queue_run = page_run("app_pages/queue.py")
    results.append(report("queue page (rerun)", timed(queue_run, args.runs)))
    claim_run = page_run("app_pages/claim.py", claim=ids[0])
    results.append(
        report("claim page (rerun, a different claim each time)", timed(claim_run, args.runs))
    )
    over = [name for name, p95 in results if p95 > GOAL_MS]
    print(
        f"\n{'all within' if not over else 'OVER'} the {GOAL_MS:.0f} ms goal"
        + (f": {', '.join(over)}" if over else "")
    )


if __name__ == "__main__":
    main()
