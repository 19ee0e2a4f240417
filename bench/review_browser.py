"""The speed a checker feels: the review pages in a real browser, from a click to a settled page.

Builds (once, cached in bench/out/) the database of ``bench/app_pages.py`` (10,000 claims in
100 articles, 20 matched passages each, reviews by Ann and Bob), turns blind review on and adds
password accounts: the admin Ada, the editor Edna and the checkers Carl and Dora, whose
verdicts (half of them disagreeing) join Ann's and Bob's on the editor's desk. Then it starts
``streamlit run app.py`` (headless, a free port) on that database and drives Debian's chromium
with Playwright (never ``playwright install``); each browser context is signed in by a session
token from ``accounts.sign_in`` in the ``factcheck_session`` cookie (path /).

"Settled" means Streamlit has finished the run: the page-specific elements are visible, the
status widget (``[data-testid="stStatusWidget"]``) is gone, and nothing of an earlier run
(``[data-stale="true"]``) or still loading (``stSkeleton``) is left. Timed, ``--runs`` times
each after one warm-up, as the checker Carl (blind review on) unless said otherwise:

- queue: open ``/queue`` (``/`` in apps whose default page is the queue): a page load, a new
  Streamlit session;
- claim: on the queue, tick a row of the first ten and click "Open claim" (a link, or in
  older apps a button);
- next claim: press J on the claim page;
- back: press Q on the claim page, back to the queue (no page load);
- editor's desk: the editor Edna clicks "Editor's desk" in the sidebar (from the queue).

Columns: median and 95th percentile from the click to settled; "script" the median time the
server spent running the page scripts (logged inside the server); "last msg" the median time
from the click until the page had handled the run's last websocket message (what follows is
drawing only); "received" the websocket bytes.
The baseline, measured in the same run: a bare Streamlit page (a title and a button) loaded
and rerun by a click; the ratio is each page's median over the baseline's.

Then the first start: ``streamlit run`` on an empty database (an admin account, no article)
until the queue shows the demo, and the progress the page showed on the way; then the queue
reopened in that server, which now holds the model the demo loaded (Streamlit's garbage
collection after each run grows with it).

Goal (issue 11): each page <= 1 s median; the first start shows the queue within 20 s.
Timings depend on the machine and on what else runs on it: compare figures of one run.

    python bench/review_browser.py [--claims 10000] [--cards 20] [--runs 10] [--rebuild]
        [--pages queue,claim,next,back,desk,first] [--app DIR] [--headed]

``--app DIR`` runs the app of another checkout (e.g. ``git worktree add /tmp/before HEAD~3``)
against the same database; given twice or more, the apps take turns run by run, so that a
busy machine slows them alike, and their medians are compared. The server's script time is
logged by a ``sitecustomize`` on the server's PYTHONPATH (only for these servers).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from factcheck.config import load_settings  # noqa: E402
from factcheck.review import accounts  # noqa: E402
from factcheck.review import workflow as review  # noqa: E402
from factcheck.storage import open_db  # noqa: E402
from factcheck.storage.review import QueueFilters  # noqa: E402
from factcheck.vocab import OPEN_STATUSES  # noqa: E402

GOAL_S = 1.0
FIRST_START_GOAL_S = 20.0
CHROMIUM = os.environ.get("FACTCHECK_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
COOKIE = "factcheck_session"  # the app's session cookie (app_pages/common.py)
PASSWORD = "bench-password-1234"
ADMIN, EDITOR, CHECKERS = "Ada", "Edna", ("Carl", "Dora")
STATUS_WIDGET = '[data-testid="stStatusWidget"]'
STALE = '[data-stale="true"]'
SKELETON = '[data-testid="stSkeleton"]'  # a part still loading (e.g. the data grid's code)
PROGRESS = '[data-testid="stSpinner"], [data-testid="stProgress"], [data-testid="stStatus"]'
# "Open claim": a link (apps since the link) or a button (before); the visible one is clicked
OPEN_CLAIM = ".st-key-fc_q_open_link a:visible, .st-key-fc_q_open button:visible"
TIMEOUT_MS = 120_000
CONTEXTS: list = []  # open browser contexts, for screenshots after a failure

# Counts the websocket messages the page receives (the time of the last one, bytes); injected
# before any script of the page runs.
SOCKET_PROBE = """
(() => {
  const Native = window.WebSocket;
  window.__fc = {last: 0, bytes: 0};
  window.WebSocket = function (...args) {
    const socket = new Native(...args);
    socket.addEventListener('message', (event) => {
      window.__fc.last = performance.now();
      const data = event.data;
      window.__fc.bytes += data.byteLength || data.size || data.length || 0;
    });
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, Native);
})();
"""

# Loaded by the server's Python (PYTHONPATH): logs each script run's start and end (wall clock),
# so that the figures split into the server's script runs and the rest (transfer, drawing).
RUN_LOG_PROBE = """
import os
import time

_log = os.environ.get("BENCH_RUN_LOG")
if _log:
    from streamlit.runtime.scriptrunner import script_runner as _runner

    _run_script = _runner.ScriptRunner._run_script

    def _timed(self, *args, **kwargs):
        started = time.time()
        try:
            return _run_script(self, *args, **kwargs)
        finally:
            with open(_log, "a", encoding="utf-8") as out:
                out.write(f"{started} {time.time()}\\n")

    _runner.ScriptRunner._run_script = _timed
"""

BASELINE_APP = """
import streamlit as st

st.title("Baseline")
st.session_state.setdefault("runs", 0)
st.session_state["runs"] += 1
st.button("Rerun", key="fc_rerun")
st.markdown(f"run {st.session_state['runs']}")
"""


# ---------------------------------------------------------------- the database


def _app_pages_bench():
    """bench/app_pages.py as a module (its database builder)."""
    spec = importlib.util.spec_from_file_location(
        "bench_app_pages", ROOT / "bench" / "app_pages.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(path: Path, claims: int, cards: int, rebuild: bool) -> None:
    """The app_pages bench's database plus accounts, blind review and more disagreements."""
    base = ROOT / "bench" / "out" / f"app_pages_{claims}x{cards}.db"
    if rebuild or not base.exists():
        _app_pages_bench().build(base, claims, cards)
    started = time.perf_counter()
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    source = open_db(base, migrate=False)
    target = open_db(path, migrate=False)
    source.conn.backup(target.conn)
    source.close()
    target.close()
    db = open_db(path)  # migrations newer than the cached base apply here
    accounts.add_account(db, None, ADMIN, "admin", PASSWORD)
    accounts.add_account(db, None, EDITOR, "editor", PASSWORD)
    for name in CHECKERS:
        accounts.add_account(db, None, name, "checker", PASSWORD)
    review.set_blind_mode(db, EDITOR, True)
    rows = review.queue(db, QueueFilters(statuses=("new",)), limit=500, offset=1000)["rows"]
    sample = [row["id"] for row in rows[::10]]  # 50 claims
    review.assign(db, EDITOR, sample, list(CHECKERS))
    for n, claim_id in enumerate(sample[:40]):
        review.save_verdict(db, CHECKERS[0], claim_id, "False", confidence=0.7, rationale="bench")
        label = "Mostly False" if n % 2 else "False"  # the other half agree: ready to publish
        review.save_verdict(db, CHECKERS[1], claim_id, label, confidence=0.6, rationale="bench")
    db.close()
    print(f"accounts, blind review and verdicts added in {time.perf_counter() - started:.1f} s")


def token_for(path: Path, name: str) -> str:
    db = open_db(path)
    try:
        return accounts.sign_in(db, name, PASSWORD, load_settings())[1]
    finally:
        db.close()


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``streamlit run SCRIPT`` in ``folder`` on the database ``db_path``."""

    def __init__(self, folder: Path, script: str, db_path: Path, log_path: Path):
        probe = log_path.parent / "probe"
        probe.mkdir(exist_ok=True)
        (probe / "sitecustomize.py").write_text(RUN_LOG_PROBE, encoding="utf-8")
        self.run_log = log_path.with_suffix(".runs")
        self.run_log.write_text("")
        self.queue_path = "/queue"  # where the app serves the queue (see queue_address)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.log = log_path.open("w")
        env = os.environ | {
            "FACTCHECK_DB": str(db_path),
            "FACTCHECK_AUTH": "password",
            "HF_HUB_OFFLINE": "1",
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": os.pathsep.join(
                [str(probe), *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
            "BENCH_RUN_LOG": str(self.run_log),
        }
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script,
                "--server.headless",
                "true",
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
                "--server.runOnSave",
                "false",
            ],
            cwd=folder,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait(self, timeout: float = 120) -> float:
        """Seconds from the start until the server answers its health check."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        return time.perf_counter() - self.started
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"streamlit did not start in {timeout} s")

    def script_seconds(self, since: float) -> float:
        """Seconds the server spent running scripts that started after ``since`` (time.time())."""
        total = 0.0
        for line in self.run_log.read_text(encoding="utf-8").splitlines():
            started, ended = map(float, line.split())
            if started >= since:
                total += ended - started
        return total

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


# ---------------------------------------------------------------- the browser


def context_for(browser, server: Server, token: str | None = None):
    """A browser context (a person's browser), holding the session cookie when given."""
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    context.set_default_timeout(TIMEOUT_MS)
    if token:
        context.add_cookies([{"name": COOKIE, "value": token, "url": server.url + "/"}])
    context.add_init_script(SOCKET_PROBE)
    CONTEXTS.append(context)
    return context


def screenshots(out: Path) -> None:
    """Save every open page (after a failure), to see what the browser showed."""
    for number, context in enumerate(CONTEXTS):
        for index, page in enumerate(context.pages):
            try:
                page.screenshot(path=str(out / f"review_browser-{number}-{index}.png"))
            except Exception as error:  # noqa: BLE001 - a screenshot must not hide the failure
                print(f"screenshot failed: {error}")


def key(page, widget_key: str):
    """The element of the widget with ``key`` drawn by the current run."""
    return page.locator(f'.st-key-{widget_key}:not([data-stale="true"])')


def settle(page, *wanted) -> None:
    """Wait until each of ``wanted`` (locators) is visible and the run has finished."""
    for locator in wanted:
        locator.first.wait_for(state="visible")
    page.locator(STATUS_WIDGET).wait_for(state="detached")
    page.wait_for_function(
        f"document.querySelectorAll('{STALE}, {SKELETON}').length === 0", polling="raf"
    )
    for locator in wanted:
        locator.first.wait_for(state="visible")
    failure = page.locator('[data-testid="stException"]')
    if failure.count():
        raise RuntimeError(f"the page shows an exception: {failure.first.inner_text()[:500]}")


def mark(page) -> None:
    """Count the websocket bytes from now."""
    page.evaluate("window.__fc.bytes = 0")


class Timings:
    """Click-to-settled seconds of one action, with the server's script time, when the page
    handled the run's last websocket message, and the bytes received."""

    def __init__(self, name: str, server: Server):
        self.name = name
        self.server = server
        self.total: list[float] = []
        self.script: list[float] = []
        self.last_message: list[float] = []
        self.received: list[int] = []
        self._started = (0.0, 0.0)

    def start(self) -> None:
        self._started = (time.perf_counter(), time.time())

    def stop(self, page) -> None:
        total = time.perf_counter() - self._started[0]
        tail, received = page.evaluate(
            "[window.__fc.last ? performance.now() - window.__fc.last : 0, window.__fc.bytes]"
        )
        self.total.append(total)
        self.script.append(self.server.script_seconds(self._started[1]))
        self.last_message.append(max(0.0, total - tail / 1000))
        self.received.append(int(received))

    @property
    def median(self) -> float:
        return statistics.median(self.total)

    @property
    def p95(self) -> float:
        ordered = sorted(self.total)
        return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def signed_in_check(page, name: str) -> None:
    """Stop with a clear message when the cookie did not sign the page in."""
    try:
        page.get_by_text(f"Signed in as {name}").first.wait_for(state="visible", timeout=15_000)
    except Exception:  # noqa: BLE001 - any failure here means: not signed in
        title = page.locator("h1").first.inner_text(timeout=5000)
        raise SystemExit(
            f"the session cookie did not sign {name} in: the page shows {title!r} "
            "(does this app read the factcheck_session cookie?)"
        ) from None


def queue_address(page, server: Server) -> str:
    """``/queue`` where the app serves the queue there, else ``/`` (apps whose default page
    is the queue: Streamlit serves a default page at ``/`` only)."""
    page.goto(server.url + "/queue")
    page.locator("h1").first.wait_for(state="visible")
    page.locator(STATUS_WIDGET).wait_for(state="detached")
    return "/" if page.get_by_text("Page not found").count() else "/queue"


def open_queue(page, server: Server) -> None:
    page.goto(server.url + server.queue_path)
    settle(
        page,
        page.get_by_role("heading", name="Claims queue", exact=True),
        key(page, "fc_queue_table").locator('[data-testid="stDataFrameResizable"]'),
    )


def claim_heading(page, claim_id: int | None = None):
    if claim_id is None:
        return page.get_by_role("heading", name=re.compile(r"^Claim \d+$"))
    return page.get_by_role("heading", name=f"Claim {claim_id}", exact=True)


def settle_claim(page, claim_id: int | None) -> None:
    settle(
        page,
        claim_heading(page, claim_id),
        key(page, "fc_verdict_box"),
        page.locator('[data-testid="stMarkdown"]').get_by_text("History", exact=True),
    )


def select_row(page, row: int) -> None:
    """Tick the queue table's row ``row`` (0-based) in its row-marker column (the grid is a
    canvas: rows are clicked by position)."""
    grid = key(page, "fc_queue_table").locator('[data-testid="stDataFrameResizable"]')
    box = grid.bounding_box()
    assert box, "the queue table is not drawn"
    header, height = 35, 35  # Streamlit's data grid: header and row height in pixels
    page.mouse.click(box["x"] + 15, box["y"] + header + height * row + height / 2)
    settle(page, key(page, "fc_queue_bulk").get_by_text("on 1 selected claim"))


class Baseline:
    """A bare Streamlit page (a title and a button), loaded and rerun by a click: what any
    Streamlit page costs on this machine now."""

    def __init__(self, browser, workdir: Path):
        folder = workdir / "baseline"
        folder.mkdir()
        (folder / "baseline_app.py").write_text(BASELINE_APP, encoding="utf-8")
        self.server = Server(folder, "baseline_app.py", folder / "unused.db", folder / "log.txt")
        self.server.wait()
        self.page = context_for(browser, self.server).new_page()
        self.load = Timings("baseline: a bare page, loaded", self.server)
        self.rerun = Timings("baseline: rerun by a click", self.server)

    def step(self, timed: bool) -> None:
        page = self.page
        title = page.get_by_role("heading", name="Baseline", exact=True)
        self.load.start()
        page.goto(self.server.url + "/")
        settle(page, title, page.get_by_text("run 1", exact=True))
        if timed:
            self.load.stop(page)
        mark(page)
        self.rerun.start()
        key(page, "fc_rerun").locator("button").first.click()
        settle(page, title, page.get_by_text("run 2", exact=True))
        if timed:
            self.rerun.stop(page)

    def close(self) -> None:
        self.page.context.close()
        self.server.stop()


class AppUnderTest:
    """One checkout's app on the bench database, with a checker's and the editor's browser."""

    def __init__(self, browser, folder: Path, db_path: Path, workdir: Path, pages: set[str]):
        self.folder = folder
        self.pages = pages
        log = workdir / f"app-{len(list(workdir.iterdir()))}.log"
        self.server = server = Server(folder, "app.py", db_path, log)
        server.wait()
        db = open_db(db_path)
        queue = review.queue(db, QueueFilters(statuses=OPEN_STATUSES), viewer=CHECKERS[0])
        self.first_rows = [row["id"] for row in queue["rows"]]
        db.close()
        self.rng = random.Random(11)
        self.checker = context_for(browser, server, token_for(db_path, CHECKERS[0])).new_page()
        self.checker.goto(server.url + "/")
        signed_in_check(self.checker, CHECKERS[0])
        server.queue_path = queue_address(self.checker, server)
        self.editor = None
        if "desk" in pages:
            self.editor = context_for(browser, server, token_for(db_path, EDITOR)).new_page()
            self.editor.goto(server.url + "/")
            signed_in_check(self.editor, EDITOR)
        self.queue = Timings("queue: open /queue (a page load)", server)
        self.claim = Timings("claim: tick a row, Open claim", server)
        self.next = Timings("next claim: J on the claim page", server)
        self.back = Timings("queue: Q on the claim page (same session)", server)
        self.desk = Timings("editor's desk: sidebar link, as the editor", server)

    def results(self) -> list[Timings]:
        return [t for t in (self.queue, self.claim, self.next, self.back, self.desk) if t.total]

    def step(self, timed: bool) -> None:
        """One run of each timed action (``timed`` False: a warm-up)."""
        page, server = self.checker, self.server
        if "queue" in self.pages:
            self.queue.start()
            open_queue(page, server)
            if timed:
                self.queue.stop(page)
        if self.pages & {"claim", "next", "back"}:
            open_queue(page, server)
            row = self.rng.randrange(min(10, len(self.first_rows)))
            select_row(page, row)
            mark(page)
            self.claim.start()
            page.locator(OPEN_CLAIM).first.click()
            settle_claim(page, self.first_rows[row])
            if timed and "claim" in self.pages:
                self.claim.stop(page)
            if "next" in self.pages:
                before = claim_heading(page).first.inner_text().strip()
                page.locator("h1").first.click()  # the focus out of any text field
                mark(page)
                self.next.start()
                page.keyboard.press("j")
                page.wait_for_function(
                    "(before) => [...document.querySelectorAll('h1')].some("
                    "h => /^Claim \\d+$/.test(h.innerText.trim()) && h.innerText.trim() !== before)",
                    arg=before,
                )
                settle_claim(page, None)
                if timed:
                    self.next.stop(page)
            if "back" in self.pages:
                page.locator("h1").first.click()
                mark(page)
                self.back.start()
                page.keyboard.press("q")
                settle(
                    page,
                    page.get_by_role("heading", name="Claims queue", exact=True),
                    key(page, "fc_queue_table").locator('[data-testid="stDataFrameResizable"]'),
                )
                if timed:
                    self.back.stop(page)
        if self.editor is not None:
            page = self.editor
            open_queue(page, server)
            mark(page)
            self.desk.start()
            page.locator('[data-testid="stSidebarNav"]').get_by_text(
                "Editor's desk", exact=True
            ).click()
            settle(
                page,
                page.get_by_role("heading", name="Editor's desk", exact=True),
                page.get_by_role("heading", name=re.compile("^Ready to publish")),
            )
            if timed:
                self.desk.stop(page)

    def close(self) -> None:
        for page in (self.checker, self.editor):
            if page is not None:
                page.context.close()
        self.server.stop()


def first_start(browser, app: Path, workdir: Path) -> dict:
    """Seconds from ``streamlit run`` on an empty database (an admin account, no article) to
    the queue showing the demo; when the page first showed text and progress, and the
    progress messages on the way (the browser asks as soon as the server answers)."""
    workdir = Path(tempfile.mkdtemp(prefix="first-start-", dir=workdir))
    path = workdir / "first-start.db"
    db = open_db(path)
    accounts.add_account(db, None, ADMIN, "admin", PASSWORD)
    db.close()
    token = token_for(path, ADMIN)
    server = Server(app, "app.py", path, workdir / "first-start.log")
    context = None
    try:
        healthy = server.wait()
        context = context_for(browser, server, token)
        page = context.new_page()
        page.goto(server.url + "/", wait_until="commit")  # the root: what a person types
        queue = page.get_by_role("heading", name="Claims queue", exact=True)
        main = page.locator('[data-testid="stMain"]')
        progress = page.locator(PROGRESS)
        seen: dict[str, float] = {}
        painted = shown_progress = None
        polls = blank = 0
        while not (queue.count() and queue.first.is_visible()):
            elapsed = time.perf_counter() - server.started
            if elapsed > 300:
                raise RuntimeError("the queue did not show within 300 s of the start")
            text = " ".join(main.all_inner_texts()).strip()
            busy = [t.strip() for t in progress.all_inner_texts() if t.strip()]
            polls += 1
            if text and painted is None:
                painted = elapsed
            if busy and shown_progress is None:
                shown_progress = elapsed
            if not text and not busy:
                blank += 1
            for message in busy:
                for line in message.splitlines():
                    if line.strip():
                        seen.setdefault(line.strip()[:80], elapsed)
            page.wait_for_timeout(100)
        settle(page, queue, key(page, "fc_queue_table"))
        shown = time.perf_counter() - server.started
        server.queue_path = queue_address(page, server)
        # the same server now holds the model the demo loaded: reopen the (small) queue
        reopen = Timings("queue after the demo (model loaded, small database)", server)
        for run in range(6):
            reopen.start()
            open_queue(page, server)
            if run:
                reopen.stop(page)
        return {
            "healthy": healthy,
            "painted": painted,
            "progress": shown_progress,
            "queue": shown,
            "blank_share": blank / max(1, polls),
            "messages": seen,
            "reopen": reopen,
        }
    finally:
        if context is not None:
            context.close()
        server.stop()


# ---------------------------------------------------------------- main


def print_table(title: str, baseline: Baseline, rows: list[Timings]) -> None:
    print(
        f"\n{title}\n{'click to settled':<43} {'median':>7} {'p95':>7} {'script':>7} "
        f"{'last msg':>8} {'received':>9} {'/ baseline':>10}  goal <= {GOAL_S:.1f} s"
    )
    for timing in [baseline.load, baseline.rerun, *rows]:
        reference = baseline.load if "load" in timing.name else baseline.rerun
        is_baseline = timing in (baseline.load, baseline.rerun)
        goal = "" if is_baseline else ("ok" if timing.median <= GOAL_S else "OVER")
        print(
            f"{timing.name:<43} {timing.median:6.2f}s {timing.p95:6.2f}s "
            f"{statistics.median(timing.script):6.2f}s "
            f"{statistics.median(timing.last_message):7.2f}s "
            f"{statistics.median(timing.received) / 1024:7.0f}KB "
            f"{timing.median / reference.median:9.1f}x  {goal}"
        )


def print_first_start(first: dict, app: Path) -> None:
    progress = (
        f"progress from {first['progress']:.1f} s"
        if first["progress"] is not None
        else "NO progress shown while the demo loaded"
    )
    verdict = "ok" if first["queue"] <= FIRST_START_GOAL_S else "OVER"
    print(
        f"\nfirst start of {app} on an empty database: the server answers after "
        f"{first['healthy']:.1f} s, the page shows text after "
        f"{first['painted'] or float('nan'):.1f} s, the queue with the demo after "
        f"{first['queue']:.1f} s ({verdict}: goal <= {FIRST_START_GOAL_S:.0f} s); {progress}; "
        f"blank in {first['blank_share']:.0%} of the checks (every 0.1 s). Progress shown:"
    )
    for message, at in first["messages"].items():
        print(f"  from {at:5.1f} s: {message}")
    reopen = first["reopen"]
    print(
        f"then, in that server (the model loaded by the demo is in memory), the queue of the "
        f"demo reopens in {reopen.median:.2f} s median ({len(reopen.total)} runs; the server's "
        f"script runs {statistics.median(reopen.script):.2f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--cards", type=int, default=20)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--pages", default="queue,claim,next,back,desk,first")
    parser.add_argument(
        "--app",
        type=Path,
        action="append",
        help="a checkout whose app.py runs (default: this one); repeat to compare, run by run",
    )
    parser.add_argument("--headed", action="store_true", help="show the browser window")
    args = parser.parse_args()
    pages = set(args.pages.split(","))
    apps = [folder.resolve() for folder in (args.app or [ROOT])]
    for folder in apps:
        if not (folder / "app.py").exists():
            raise SystemExit(f"no app.py in {folder}")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"review_browser_{args.claims}x{args.cards}.db"
    if args.rebuild or not path.exists():
        build(path, args.claims, args.cards, args.rebuild)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPU(s), load average "
        f"{os.getloadavg()[0]:.1f} at the start; Python {platform.python_version()}; "
        f"database {path.name}; {args.runs} runs of each action after a warm-up"
        + ("; the apps take turns, run by run" if len(apps) > 1 else "")
    )
    results: list[tuple[Path, list[Timings]]] = []
    firsts: list[tuple[Path, dict]] = []
    baseline = None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=not args.headed
        )
        try:
            with tempfile.TemporaryDirectory() as tmp:
                work = Path(tmp)
                if pages - {"first"}:
                    baseline = Baseline(browser, work)
                    running: list[AppUnderTest] = []
                    try:
                        for folder in apps:
                            running.append(AppUnderTest(browser, folder, path, work, pages))
                        for run in range(args.runs + 1):
                            baseline.step(timed=run > 0)
                            turn = run % len(running)
                            for app in running[turn:] + running[:turn]:
                                app.step(timed=run > 0)
                        results = [(app.folder, app.results()) for app in running]
                    except BaseException:
                        for app in running:
                            shutil.copy(app.server.log_path, out / f"{app.server.log_path.name}")
                        screenshots(out)
                        raise
                    finally:
                        for app in running:
                            app.close()
                        baseline.close()
                if "first" in pages:
                    for folder in apps:
                        firsts.append((folder, first_start(browser, folder, work)))
        finally:
            browser.close()

    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    for folder, rows in results:
        assert baseline is not None
        print_table(f"app {folder}", baseline, rows)
    if len(results) > 1:
        reference = {t.name: t.median for t in results[0][1]}
        print(f"\nmedians against the first app ({results[0][0]})")
        for folder, rows in results[1:]:
            for timing in rows:
                print(
                    f"{timing.name:<43} {reference[timing.name]:6.2f}s -> {timing.median:6.2f}s "
                    f"({timing.median / reference[timing.name]:.2f}x)  {folder.name}"
                )
    if results:
        print(
            "script: the server running the page scripts; last msg: until the page had handled "
            "the run's last websocket message (the rest is the browser drawing)"
        )
    for folder, first in firsts:
        print_first_start(first, folder)


if __name__ == "__main__":
    main()
