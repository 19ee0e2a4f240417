"""End-to-end tests in a real browser: Debian chromium driven by Playwright.

Each test starts ``streamlit run app.py`` (password sign-in) on a free port with a temporary,
seeded database (FACTCHECK_DB) and opens pages in their own browser contexts (one per person,
each with its own cookies). The accounts (browser_ui.TEAM) are made once per session with the
real command line, ``factcheck users add NAME --role ROLE --password-stdin``, in a database
that each test copies before seeding it; people sign in through the app's sign-in form
(browser_ui.sign_in). On failure every open page (every tab of every context) is saved as a
screenshot in test-artifacts/, with the server's log.

Chromium comes from the system (``apt-get install chromium``; set FACTCHECK_CHROMIUM for
another path); ``playwright install`` is never needed. Without either the tests are skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))  # app_seed

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("FACTCHECK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
START_TIMEOUT = 90  # seconds for the server to answer (CI machines can be slow)
UI_TIMEOUT = 45_000  # milliseconds for one expected change on the page

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        reason = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("FACTCHECK_REQUIRE_BROWSER") == "1":  # set by .ci/run: CI must not skip
            pytest.fail(reason)
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api")
    sync_api.expect.set_options(timeout=UI_TIMEOUT)  # expect() waits 5 s by default
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Server:
    """A running ``streamlit run app.py`` on a temporary database."""

    def __init__(self, db_path: Path, log_path: Path, env: dict | None = None):
        self.db_path = db_path
        self.log_path = log_path
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = (
            os.environ
            | {
                "FACTCHECK_DB": str(db_path),
                "FACTCHECK_AUTH": "password",
                "HF_HUB_OFFLINE": "1",
                "PYTHONUNBUFFERED": "1",
            }
            | (env or {})
        )
        self.log = log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
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
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(
            f"streamlit did not start in {START_TIMEOUT} s: {self.log_path.read_text()[-2000:]}"
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

    def db(self):
        from factcheck.storage import open_db

        return open_db(self.db_path)


@pytest.fixture(scope="session")
def team_database(tmp_path_factory, browser) -> Path:
    """A database holding only the accounts of browser_ui.TEAM, made by ``factcheck users
    add`` (once per session: each test copies it; after the browser, so that a skip for a
    missing chromium comes first)."""
    from browser_ui import TEAM, add_accounts

    path = tmp_path_factory.mktemp("team") / "team.db"
    add_accounts(path, TEAM)
    return path


@pytest.fixture
def seeded(tmp_path, team_database):
    """The database the server will use: the accounts, then the app tests' small desk."""
    from app_seed import small_desk
    from browser_ui import seeded_database

    yield from seeded_database(tmp_path, small_desk, accounts_from=team_database)


@pytest.fixture
def server_env():
    """Extra environment variables for the app (a test module overrides this fixture)."""
    return {}


@pytest.fixture
def server(seeded, browser, tmp_path, server_env):
    running = Server(seeded["path"], tmp_path / "streamlit.log", server_env)
    yield running
    running.stop()


@pytest.fixture
def open_page(browser, server, request):
    """``open_page(path)``: a page in a fresh browser context (a separate person: own
    cookies); ``page.context.new_page()`` opens another tab of the same person."""
    contexts = []

    def _open(path: str = "/"):
        context = browser.new_context(viewport={"width": 1500, "height": 1100})
        context.set_default_timeout(UI_TIMEOUT)
        page = context.new_page()
        contexts.append(context)
        page.goto(server.url + path)
        return page

    yield _open
    failed = any(
        getattr(getattr(request.node, f"report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
    for number, context in enumerate(contexts, start=1):
        for tab, page in enumerate(context.pages, start=1):
            if not failed:
                break
            shot = f"{name}-page{number}" + (f"-tab{tab}" if tab > 1 else "") + ".png"
            try:
                page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
            except Exception as error:  # noqa: BLE001 - a screenshot must not hide the failure
                print(f"screenshot failed: {error}")
        context.close()
    if failed:
        shutil.copy(server.log_path, ARTIFACTS / f"{name}-streamlit.log")
