"""A desk under load: concurrent reviewers through the HTTP API, then browsers on the app.

For each engine (SQLite, PostgreSQL): builds a desk of ``--claims`` claims (1,000) with
``--cards`` matched passages each (``bench/app_pages.py``'s builder; on PostgreSQL the SQLite
build is moved with ``factcheck db copy``), adds ``--reviewers`` checkers (20) with API tokens,
starts ``factcheck serve`` on it and lets every reviewer, one thread each, work for
``--seconds`` (120) against a shared pool of claims:

- open a claim (``GET /api/claims/{id}``: the version and the evidence cards),
- cite one of its cards (``POST /api/claims/{id}/citations``),
- save a verdict with the version read (``POST /api/claims/{id}/verdicts``: 200, or 409 when
  someone saved since), and now and then
- list the queue (``GET /api/claims?status=...``).

Deliberate collisions: half the picks come from ``--hot`` (20) claims that everyone works on,
and every fifth save reuses a version read before the previous save (a stale tab), which must
be refused. Checked afterwards, against the database:

- no 5xx and no "database is locked" in any answer;
- zero lost updates: every reviewer's verdict in the database is the one of their last save
  answered 200, and each of their citations has the stance they last sent (a reviewer's
  verdicts and citations are written by that reviewer's thread only); a save answered 409
  changed nothing;
- the audit log holds one ``verdict.saved`` event per save answered 200 and one
  ``citation.added``/``citation.updated`` event per citation that added one or changed its
  stance (by these reviewers): the counts reconcile.

Prints requests per second and p50/p95/p99 latency per endpoint. By default every reviewer
fires their next request as soon as the last is answered (a stress test: 20 such threads ask
more of the server than 20 people); ``--think S`` makes each pause about S seconds between
claims, as a person reading would. Goal (issue 12): p95 <= 200 ms
for reads and <= 300 ms for saves at 20 reviewers on PostgreSQL on this 2-core machine (the
load generator runs on the same two cores: its threads take CPU from the server).

Then ``--browsers`` (5) real browser sessions (Debian chromium, Playwright) on ``factcheck app``
over the same database at once, each signed in as a checker, for ``--browser-seconds`` (60):
open the queue, open a claim by its link, press J for the next one; click-to-settled times.

    python bench/api_load.py [--engines sqlite,postgresql] [--postgres-url URL]
        [--reviewers 20] [--claims 1000] [--cards 5] [--seconds 120] [--hot 20] [--workers 1]
        [--think 0]
        [--browsers 5] [--browser-seconds 60]

Without ``--postgres-url`` (or FACTCHECK_TEST_POSTGRES_URL) the bench starts a throwaway
server with ``.ci/postgres.sh start`` and stops it at the end.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import httpx  # noqa: E402

from factcheck.config import load_settings  # noqa: E402
from factcheck.review import accounts, tokens  # noqa: E402
from factcheck.review import workflow as review  # noqa: E402
from factcheck.review.scales import get_scale  # noqa: E402
from factcheck.storage import open_db  # noqa: E402

READ_GOAL_MS = 200.0
SAVE_GOAL_MS = 300.0
PASSWORD = "bench password"
LABELS = tuple(get_scale(review.DEFAULT_SCALE).names)
STANCES = ("supports", "refutes", "mixed", "context")
READS = ("GET /api/claims/{id}", "GET /api/claims")
OUT = ROOT / "bench" / "out"


@functools.cache
def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- the desk


def build_sqlite(claims: int, cards: int, reviewers: int) -> Path:
    """A fresh copy of the desk (built once per size, cached): claims, cards, accounts."""
    OUT.mkdir(parents=True, exist_ok=True)
    template = OUT / f"api_load_{claims}x{cards}_{reviewers}.db"
    if not template.exists():
        building = template.with_suffix(".building")
        _load("app_pages").build(building, claims, cards)
        db = open_db(building)
        try:
            accounts.add_account(db, None, "Ada", "admin", PASSWORD)
            accounts.add_account(db, None, "Edna", "editor", PASSWORD)
            for name in reviewer_names(reviewers):
                accounts.add_account(db, None, name, "checker", PASSWORD)
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            db.close()
        building.rename(template)  # only a finished desk is reused
    run = OUT / "api_load_run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{run}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, run)
    return run


def reviewer_names(count: int) -> list[str]:
    return [f"Rev{number:02d}" for number in range(1, count + 1)]


def postgres_target(base_url: str, name: str) -> str:
    """A new, empty database ``name`` on the server of ``base_url``; its URL."""
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return re.sub(r"/[^/?]*(\?|$)", f"/{name}\\1", base_url, count=1)


def copy_to(source: Path, target: str) -> None:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "factcheck", "db", "copy", "--from", str(source), "--to", target],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"  copied the desk to PostgreSQL in {time.perf_counter() - started:.1f} s")


def issue_tokens(db_target: str, names: list[str]) -> dict[str, str]:
    db = open_db(db_target)
    try:
        return {name: tokens.issue_token(db, None, name, "load bench")[1] for name in names}
    finally:
        db.close()


def claim_pool(db_target: str, claims: int) -> list[int]:
    db = open_db(db_target)
    try:
        rows = review.queue(db, limit=claims, viewer="Edna")["rows"]
        return [row["id"] for row in rows]
    finally:
        db.close()


# ---------------------------------------------------------------- the server


def free_port() -> int:
    return _load("review_browser").free_port()


class ApiServer:
    """``factcheck serve`` on ``db_target`` (a path or a postgresql:// URL)."""

    def __init__(self, db_target: str, log_path: Path, workers: int = 1):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_path.open("w")
        env = os.environ | {"FACTCHECK_DB": db_target, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "factcheck",
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.log_path = log_path

    def wait(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"factcheck serve exited: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/health", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"factcheck serve did not answer in {timeout} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


# ---------------------------------------------------------------- the reviewers


@dataclass
class Tally:
    """What one reviewer's thread saw."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    last_saved: dict[int, str] = field(default_factory=dict)  # claim -> label answered 200
    stances: dict[tuple[int, int], str] = field(default_factory=dict)  # (claim, passage)
    citation_changes: int = 0  # citations answered 201 that added one or changed its stance
    saves_ok: int = 0
    saves_refused: int = 0
    stale_refused: int = 0
    stale_accepted: int = 0
    citations_ok: int = 0
    server_errors: list[str] = field(default_factory=list)
    locked: int = 0


def work(
    base_url: str,
    token: str,
    pool: list[int],
    hot: list[int],
    until: float,
    seed: int,
    think: float = 0.0,
) -> Tally:
    rng = random.Random(seed)
    tally = Tally()
    previous: dict[int, int] = {}  # claim -> a version read before our last save (stale tab)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:

        def call(name: str, method: str, path: str, **kwargs) -> httpx.Response:
            started = time.perf_counter()
            reply = client.request(method, path, **kwargs)
            tally.latencies[name].append((time.perf_counter() - started) * 1000)
            tally.statuses[(name, reply.status_code)] += 1
            if reply.status_code >= 500:
                tally.server_errors.append(f"{name} {reply.status_code}: {reply.text[:200]}")
            if "database is locked" in reply.text:
                tally.locked += 1
            return reply

        step = 0
        while time.monotonic() < until:
            step += 1
            if think and step > 1:  # a person reads before the next claim (0: back to back)
                time.sleep(rng.uniform(0.5, 1.5) * think)
            claim_id = rng.choice(hot) if rng.random() < 0.5 else rng.choice(pool)
            if step % 10 == 0:
                call("GET /api/claims", "GET", "/api/claims", params={"limit": 50})
            shown = call("GET /api/claims/{id}", "GET", f"/api/claims/{claim_id}")
            if shown.status_code != 200:
                continue
            data = shown.json()
            version = data["claim"]["version"]
            cards = [card["passage_id"] for card in data.get("evidence", [])]
            if cards:
                passage, stance = rng.choice(cards), rng.choice(STANCES)
                cited = call(
                    "POST /api/claims/{id}/citations",
                    "POST",
                    f"/api/claims/{claim_id}/citations",
                    json={"passage_id": passage, "stance": stance},
                )
                if cited.status_code == 201:
                    tally.citations_ok += 1
                    if tally.stances.get((claim_id, passage)) != stance:
                        tally.citation_changes += 1
                    tally.stances[(claim_id, passage)] = stance
            stale = step % 5 == 0 and claim_id in previous
            label = rng.choice(LABELS)
            saved = call(
                "POST /api/claims/{id}/verdicts",
                "POST",
                f"/api/claims/{claim_id}/verdicts",
                json={"label": label, "version": previous[claim_id] if stale else version},
            )
            if saved.status_code == 200:
                tally.saves_ok += 1
                tally.last_saved[claim_id] = label
                previous[claim_id] = version
                if stale:
                    tally.stale_accepted += 1
            elif saved.status_code == 409:
                tally.saves_refused += 1
                if stale:
                    tally.stale_refused += 1
    return tally


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run_load(engine: str, db_target: str, args, started_at: str) -> dict:
    names = reviewer_names(args.reviewers)
    token_of = issue_tokens(db_target, names)
    pool = claim_pool(db_target, args.claims)
    hot = random.Random(11).sample(pool, min(args.hot, len(pool)))
    server = ApiServer(db_target, OUT / f"api_load_{engine}.log", args.workers)
    try:
        server.wait()
        until = time.monotonic() + args.seconds
        results: dict[str, Tally] = {}

        def reviewer(name: str, seed: int) -> None:
            results[name] = work(server.url, token_of[name], pool, hot, until, seed, args.think)

        threads = [
            threading.Thread(target=reviewer, args=(name, seed)) for seed, name in enumerate(names)
        ]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    finally:
        server.stop()
    return {"tallies": results, "elapsed": elapsed, "check": reconcile(db_target, results)}


def reconcile(db_target: str, results: dict[str, Tally]) -> dict:
    """Compare what the reviewers were told with what the database holds."""
    db = open_db(db_target)
    try:
        lost = []
        for name, tally in results.items():
            account = accounts.get_account(db, name)
            for claim_id, label in tally.last_saved.items():
                row = db.execute(
                    "SELECT label FROM verdicts WHERE claim_id = ? AND reviewer_id = ? "
                    "AND is_final = 0",
                    [claim_id, account["id"]],
                ).fetchone()
                if row is None or row[0] != label:
                    lost.append((name, claim_id, label, row[0] if row else None))
            for (claim_id, passage), stance in tally.stances.items():
                row = db.execute(
                    "SELECT stance FROM citations WHERE claim_id = ? AND passage_id = ? "
                    "AND created_by = ?",
                    [claim_id, passage, name],
                ).fetchone()
                if row is None or row[0] != stance:
                    lost.append((name, claim_id, passage, stance, row[0] if row else None))
        names = list(results)
        marks = ", ".join("?" for _ in names)
        saved_events = db.execute(
            f"SELECT count(*) FROM events WHERE action = 'verdict.saved' AND actor IN ({marks})",
            names,
        ).fetchone()[0]
        cited_events = db.execute(
            "SELECT count(*) FROM events WHERE action IN ('citation.added', 'citation.updated') "
            f"AND actor IN ({marks})",
            names,
        ).fetchone()[0]
    finally:
        db.close()
    saves_ok = sum(t.saves_ok for t in results.values())
    citations_ok = sum(t.citations_ok for t in results.values())
    citation_changes = sum(t.citation_changes for t in results.values())
    return {
        "lost": lost,
        "saves_ok": saves_ok,
        "saved_events": saved_events,
        "citations_ok": citations_ok,
        "citation_changes": citation_changes,
        "cited_events": cited_events,
    }


def print_load(engine: str, result: dict, args) -> bool:
    tallies: dict[str, Tally] = result["tallies"]
    elapsed = result["elapsed"]
    latencies: dict[str, list[float]] = defaultdict(list)
    statuses: Counter = Counter()
    for tally in tallies.values():
        for name, values in tally.latencies.items():
            latencies[name] += values
        statuses.update(tally.statuses)
    total = sum(len(v) for v in latencies.values())
    print(
        f"\n{engine}: {len(tallies)} reviewers, {elapsed:.0f} s, {total} requests, "
        f"{total / elapsed:.1f} requests/s"
    )
    print(
        f"  {'endpoint':<34} {'count':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8}  goal   answers"
    )
    within = True
    for name in sorted(latencies):
        values = latencies[name]
        goal = READ_GOAL_MS if name in READS else SAVE_GOAL_MS
        p95 = percentile(values, 0.95)
        ok = p95 <= goal
        within &= ok
        answers = ", ".join(
            f"{code}: {count}"
            for (endpoint, code), count in sorted(statuses.items())
            if endpoint == name
        )
        print(
            f"  {name:<34} {len(values):>6} {len(values) / elapsed:>7.1f} "
            f"{statistics.median(values):>8.1f} {p95:>8.1f} {percentile(values, 0.99):>8.1f}  "
            f"{'ok' if ok else 'OVER':<5}  {answers}"
        )
    check = result["check"]
    errors = [e for t in tallies.values() for e in t.server_errors]
    locked = sum(t.locked for t in tallies.values())
    stale_refused = sum(t.stale_refused for t in tallies.values())
    stale_accepted = sum(t.stale_accepted for t in tallies.values())
    refused = sum(t.saves_refused for t in tallies.values())
    print(
        f"  saves: {check['saves_ok']} committed, {refused} answered 409 "
        f"(stale tabs: {stale_refused} refused, {stale_accepted} accepted)"
    )
    print(
        f"  audit log: {check['saved_events']} verdict.saved events for {check['saves_ok']} "
        f"committed saves; {check['cited_events']} citation events for "
        f"{check['citation_changes']} changes among {check['citations_ok']} citations answered "
        "201 (citing a card again with its stance changes nothing)"
    )
    print(
        f"  lost updates: {len(check['lost'])}; 5xx answers: {len(errors)}; "
        f"'database is locked' answers: {locked}"
    )
    for line in (errors + [str(x) for x in check["lost"]])[:10]:
        print(f"    {line}")
    sound = (
        not check["lost"]
        and not errors
        and not locked
        and stale_accepted == 0
        and check["saved_events"] == check["saves_ok"]
        and check["cited_events"] == check["citation_changes"]
    )
    print(
        f"  consistency: {'OK' if sound else 'FAILED'}; latency goals: {'met' if within else 'not met'}"
    )
    return sound


# ---------------------------------------------------------------- browsers


def run_browsers(db_target: str, args) -> None:
    """``--browsers`` people at once on ``factcheck app``: queue, a claim by link, J."""
    from playwright.sync_api import sync_playwright

    rb = _load("review_browser")
    names = reviewer_names(args.browsers)
    db = open_db(db_target)
    try:
        cookies = {n: accounts.sign_in(db, n, PASSWORD, load_settings())[1] for n in names}
    finally:
        db.close()
    pool = claim_pool(db_target, args.claims)
    server = rb.Server(ROOT, "app.py", db_target, OUT / "api_load_app.log")
    timings: dict[str, list[float]] = defaultdict(list)
    failures: list[str] = []
    try:
        server.wait()
        until = time.monotonic() + args.browser_seconds

        def person(name: str, seed: int) -> None:
            rng = random.Random(seed)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=rb.CHROMIUM, args=rb.CHROMIUM_ARGS, headless=True
                )
                try:
                    page = rb.context_for(browser, server, cookies[name]).new_page()
                    while time.monotonic() < until:
                        started = time.perf_counter()
                        rb.open_queue(page, server)
                        timings["queue (page load)"].append(time.perf_counter() - started)
                        claim_id = rng.choice(pool)
                        started = time.perf_counter()
                        page.goto(f"{server.url}/claim?claim={claim_id}")
                        rb.settle_claim(page, claim_id)
                        timings["claim (page load)"].append(time.perf_counter() - started)
                        started = time.perf_counter()
                        page.keyboard.press("j")
                        page.wait_for_function(
                            "id => new URL(location.href).searchParams.get('claim') !== id",
                            arg=str(claim_id),
                        )
                        rb.settle_claim(page, None)
                        timings["next claim (J)"].append(time.perf_counter() - started)
                finally:
                    browser.close()

        def guarded(name: str, seed: int) -> None:
            try:
                person(name, seed)
            except Exception as error:  # noqa: BLE001 - report, let the others finish
                failures.append(f"{name}: {type(error).__name__}: {str(error)[:300]}")

        threads = [threading.Thread(target=guarded, args=(n, i)) for i, n in enumerate(names)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.stop()
    print(f"\n{args.browsers} browsers at once on the review app ({args.browser_seconds} s):")
    for name, values in timings.items():
        print(
            f"  {name:<22} {len(values):>4} times  median {statistics.median(values):5.2f} s  "
            f"p95 {percentile(values, 0.95):5.2f} s"
        )
    for failure in failures:
        print(f"  FAILED {failure}")


# ---------------------------------------------------------------- main


# the bench's own server folder: stopping it never stops a server someone else started
PG_ENV = dict(os.environ, FACTCHECK_PG_DIR=f"/tmp/factcheck-postgres-bench-{os.getpid()}")


def start_postgres() -> tuple[str, bool]:
    url = os.environ.get("FACTCHECK_TEST_POSTGRES_URL", "")
    if url:
        return url, False
    script = ROOT / ".ci" / "postgres.sh"
    url = subprocess.run(
        ["bash", str(script), "start"], check=True, capture_output=True, text=True, env=PG_ENV
    ).stdout.strip()
    return url, True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default="")
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--cards", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--hot", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1, help="factcheck serve --workers")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a reviewer pauses between claims (0: requests back to back)",
    )
    parser.add_argument("--browsers", type=int, default=5)
    parser.add_argument("--browser-seconds", type=float, default=60)
    args = parser.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(engines) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown engine {', '.join(sorted(unknown))}; choose sqlite, postgresql")
    print(
        f"load bench: {args.reviewers} reviewers, {args.claims} claims x {args.cards} cards, "
        f"{args.hot} hot claims, {args.seconds:.0f} s, {args.workers} server worker(s), "
        f"think time {args.think:g} s; "
        "load average "
        f"{os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs"
    )
    sound = True
    stop_postgres = False
    try:
        for engine in engines:
            source = build_sqlite(args.claims, args.cards, args.reviewers)
            if engine == "sqlite":
                target = str(source)
            else:
                base = args.postgres_url
                if not base:
                    base, stop_postgres = start_postgres()
                target = postgres_target(base, "factcheck_load")
                copy_to(source, target)
            result = run_load(engine, target, args, time.strftime("%Y-%m-%dT%H:%M:%S"))
            sound &= print_load(engine, result, args)
            if args.browsers and engine == engines[-1]:
                run_browsers(target, args)
    finally:
        if stop_postgres:
            subprocess.run(
                ["bash", str(ROOT / ".ci" / "postgres.sh"), "stop"], check=False, env=PG_ENV
            )
    sys.exit(0 if sound else 1)


if __name__ == "__main__":
    main()
