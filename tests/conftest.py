"""Shared fixtures: a fresh database per test on each engine, settings pointing at it, shared
data, and the few fixtures several test files use (a loopback site, review teams, ...).

Every test that uses ``db_path`` (or ``db``, ``settings``) runs twice: ``[sqlite]`` on a
temporary file and ``[postgresql]`` on a fresh database of the server in
``FACTCHECK_TEST_POSTGRES_URL`` (made from a migrated template, then emptied and reused:
milliseconds per test). Without that variable the PostgreSQL half is left out, one line of the
summary saying why, unless ``FACTCHECK_REQUIRE_POSTGRES=1`` (CI), where it fails. ``@pytest.mark.sqlite_only`` keeps a
test that is about SQLite files on SQLite. Start a local server with ``.ci/postgres.sh start``
(``make test-postgres`` does all of it).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from factcheck.config import load_settings  # noqa: E402
from factcheck.storage import open_db  # noqa: E402
from factcheck.storage.engine import close_pools  # noqa: E402

POSTGRES_URL = "FACTCHECK_TEST_POSTGRES_URL"
REQUIRE_POSTGRES = "FACTCHECK_REQUIRE_POSTGRES"
ENGINES = ("sqlite", "postgresql")
POSTGRES_LEFT_OUT = pytest.StashKey[int]()

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED_ARTICLE = SHARED / "seeds" / "000_9f6c08b4849e9d93.txt"
SHARED_DATA = SHARED / "data"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each test that needs a database on both engines (SQLite only when marked so)."""
    if "engine" in metafunc.fixturenames:
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("engine", ENGINES[:1] if only_sqlite else ENGINES, indirect=True)


def _postgres_missing() -> str | None:
    """Why the PostgreSQL half cannot run (None: it can, or it must and will fail)."""
    if os.environ.get(POSTGRES_URL, "").strip() or _postgres_required():
        return None
    return (
        f"PostgreSQL tests need {POSTGRES_URL} (a server where the tests may create "
        "databases): `export FACTCHECK_TEST_POSTGRES_URL=$(.ci/postgres.sh start)`, or "
        "`make test-postgres`"
    )


def _postgres_required() -> bool:
    return os.environ.get(REQUIRE_POSTGRES, "").strip().lower() in ("1", "true", "yes")


@pytest.hookimpl(trylast=True)  # after -k and -m have chosen
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without a server, leave the ``[postgresql]`` runs out (one line in the summary says so)
    instead of reporting hundreds of identical skips."""
    if _postgres_missing() is None:
        return
    left_out = [
        item
        for item in items
        if getattr(item, "callspec", None) and item.callspec.params.get("engine") == "postgresql"
    ]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        kept = set(map(id, left_out))
        items[:] = [item for item in items if id(item) not in kept]
        config.stash[POSTGRES_LEFT_OUT] = len(left_out)


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    left_out = config.stash.get(POSTGRES_LEFT_OUT, 0)
    if left_out:
        terminalreporter.write_line(
            f"{left_out} [postgresql] tests not run: {_postgres_missing()}", yellow=True
        )


@pytest.fixture
def engine(request) -> str:
    """The engine this run of the test uses: ``sqlite`` or ``postgresql``."""
    return getattr(request, "param", "sqlite")


class PostgresServer:
    """The test server: a migrated template database, and fresh databases copied from it.

    Creating a database costs a checkpoint (~0.2 s); so a test's database, once the test is
    over, is emptied (every row deleted, identities restarted: ~10 ms), renamed (a URL is
    never seen twice) and handed to the next test. A database whose schema a test changed,
    or that cannot be emptied (no superuser to bypass the audit log's triggers), is dropped
    instead."""

    def __init__(self, url: str):
        import psycopg

        self.psycopg = psycopg
        self.url = url
        self.params = psycopg.conninfo.conninfo_to_dict(url)
        self.prefix = f"factcheck_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.template = f"{self.prefix}_template"
        self.count = 0
        self.made: set[str] = set()
        self.free: list[str] = []
        with psycopg.connect(url) as conn:
            self.version = conn.info.server_version // 10000
        self.admin(f'CREATE DATABASE "{self.template}"')
        template_url = self.url_of(self.template)
        open_db(template_url).close()  # migrated once
        close_pools(template_url)  # a template must have no connections
        with psycopg.connect(template_url) as conn:
            self.shape = self._shape(conn)
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                    "'public' AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'"
                )
            ]
            identities = [
                row[0]
                for row in conn.execute(
                    "SELECT table_name FROM information_schema.columns WHERE table_schema = "
                    "'public' AND column_name = 'id' AND is_identity = 'YES'"
                )
            ]
        self.empty_script = (
            "SET session_replication_role = replica; "  # no triggers, no foreign-key checks
            + " ".join(f'DELETE FROM "{t}";' for t in tables)
            + " RESET session_replication_role; "
            + " ".join(f'ALTER TABLE "{t}" ALTER COLUMN id RESTART WITH 1;' for t in identities)
        )

    @staticmethod
    def _shape(conn) -> tuple:
        """What a test must not have changed for its database to be reused."""
        return conn.execute(
            "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = 'public'), "
            "(SELECT count(*) FROM pg_trigger), (SELECT max(version) FROM schema_migrations)"
        ).fetchone()

    def url_of(self, name: str) -> str:
        params = dict(self.params, dbname=name)
        user = params.get("user", "")
        password = f":{params['password']}" if params.get("password") else ""
        host = params.get("host", "127.0.0.1")
        port = f":{params['port']}" if params.get("port") else ""
        return f"postgresql://{user}{password}@{host}{port}/{name}"

    def admin(self, sql: str) -> None:
        with self.psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(sql)

    def create(self, template: str | None = None) -> str:
        """A database with every migration applied and no rows (``template``: another
        template, e.g. ``template0`` for an empty one); its URL. Dropped at the latest when
        the session ends."""
        if template is None and self.free:
            return self.free.pop()
        self.count += 1
        name = f"{self.prefix}_{self.count}"
        # FILE_COPY (PostgreSQL 15+) copies the template's files: faster than WAL_LOG here
        self.admin(
            f'CREATE DATABASE "{name}" TEMPLATE "{template or self.template}"'
            + (" STRATEGY FILE_COPY" if self.version >= 15 else "")
        )
        self.made.add(name)
        return self.url_of(name)

    def create_empty(self) -> str:
        """A new database without any table; its URL."""
        return self.create("template0")

    def release(self, url: str) -> None:
        """A test is done with its database: empty it for the next test, or drop it."""
        close_pools(url)
        try:
            with self.psycopg.connect(url, autocommit=True) as conn:
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                if self._shape(conn) != self.shape:
                    raise ValueError("the schema changed")
                conn.execute(self.empty_script)
            # a new name: caches keyed by the URL (the app's demo state) must not see it again
            self.count += 1
            old, new = url.rsplit("/", 1)[1], f"{self.prefix}_{self.count}"
            self.admin(f'ALTER DATABASE "{old}" RENAME TO "{new}"')
            self.made.discard(old)
            self.made.add(new)
        except Exception:  # noqa: BLE001 - whatever went wrong, a dropped database is clean
            self.drop(url)
            return
        self.free.append(self.url_of(new))

    def drop(self, url: str) -> None:
        close_pools(url)
        name = url.rsplit("/", 1)[1]
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.discard(name)

    def close(self) -> None:
        for name in [*self.made, self.template]:
            self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_server():
    """The PostgreSQL server of FACTCHECK_TEST_POSTGRES_URL, or a skip (a failure when
    FACTCHECK_REQUIRE_POSTGRES=1) that says how to get one."""
    url = os.environ.get(POSTGRES_URL, "").strip()
    if not url:
        if _postgres_required():
            pytest.fail(
                f"{REQUIRE_POSTGRES}=1 but {POSTGRES_URL} is not set: start a server with "
                "`.ci/postgres.sh start` and export its URL",
                pytrace=False,
            )
        pytest.skip(_postgres_missing() or "no PostgreSQL server")
    server = PostgresServer(url)
    yield server
    close_pools()
    server.close()


@pytest.fixture
def db_path(engine, tmp_path, monkeypatch, request) -> Path | str:
    """A fresh database, also set as FACTCHECK_DB: a file in a temporary folder (sqlite) or
    a new database on the test server (postgresql: its URL)."""
    location: Path | str
    if engine == "postgresql":
        server = request.getfixturevalue("postgres_server")
        location = server.create()
        request.addfinalizer(lambda: server.release(str(location)))
    else:
        location = tmp_path / "test.db"
    monkeypatch.setenv("FACTCHECK_DB", str(location))
    return location


@pytest.fixture
def db(db_path):
    database = open_db(db_path)
    yield database
    database.close()


@pytest.fixture
def settings(db_path):
    return load_settings(db_path=db_path)


@pytest.fixture
def local(settings):
    """Settings that allow the loopback test server, with a short timeout."""
    return settings.with_overrides(allow_private_urls=True, fetch_timeout=2.0)


@pytest.fixture
def site():
    """A static site on a loopback port (``local_server.Site``)."""
    from local_server import Site

    server = Site()
    yield server
    server.close()


@pytest.fixture
def feed_site():
    """A site serving feeds and article pages on a loopback port (``feed_server.FeedSite``)."""
    from feed_server import FeedSite

    server = FeedSite()
    yield server
    server.close()


@pytest.fixture
def team(db):
    """The database with Ann and Bob (checkers) and Eve (editor) as reviewers."""
    from factcheck.review import workflow as review

    review.ensure_reviewer(db, "Ann", "checker")
    review.ensure_reviewer(db, "Bob", "checker")
    review.ensure_reviewer(db, "Eve", "editor")
    return db


@pytest.fixture
def fresh_match_cache():
    """The matcher's in-process corpus index cache, empty before and after the test."""
    from factcheck.match import matcher

    matcher.clear_cache()
    yield
    matcher.clear_cache()


@pytest.fixture
def seed_article() -> Path:
    if not SEED_ARTICLE.exists():
        pytest.skip(f"seed article not found at {SEED_ARTICLE} (../shared is not beside the repo)")
    return SEED_ARTICLE


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"shared data not found at {SHARED_DATA} (../shared is not beside the repo)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def bundled_model():
    """The real bundled all-MiniLM-L6-v2, loaded once per test session."""
    from factcheck.models.embed import load_model

    return load_model(None)
