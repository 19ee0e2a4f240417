"""`factcheck db copy` moves a SQLite database onto an empty PostgreSQL database (every table,
ids and the audit log untouched, counts verified, a non-empty target refused);
`factcheck db backup` makes a SQLite backup-API copy or a pg_dump archive that restores."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from app_seed import add_article, add_matches, add_sources
from click.testing import CliRunner

from factcheck.cli import cli
from factcheck.review import accounts
from factcheck.review import workflow as review
from factcheck.storage import articles as article_store
from factcheck.storage import embeddings as embedding_store
from factcheck.storage import events, open_db, table_names
from factcheck.storage import matches as match_store
from factcheck.storage.transfer import table_order
from factcheck.types import Document

PASSWORD = "correct horse battery staple"


def _desk(path) -> None:
    """A laptop's database with something in every kind of table."""
    db = open_db(path)
    accounts.create_first_admin(db, "Ada", PASSWORD)
    accounts.add_account(db, "Ada", "Ann", "checker", PASSWORD)
    accounts.add_account(db, "Ada", "Eve", "editor", PASSWORD)
    claims = add_article(db, ["Exports rose by 12% in 2023.", "The bridge cost 3 billion."])
    passages = add_sources(db, 3)
    add_matches(db, claims, passages, 2)
    review.set_blind_mode(db, "Eve", True)
    review.assign(db, "Eve", claims[:1], ["Ann"])
    review.cite_passage(db, "Ann", claims[0], passages[0], "refutes")
    review.cite_external(db, "Ann", claims[0], "https://example.org/stats", "supports")
    review.save_verdict(db, "Ann", claims[0], "false", scale="politifact", rationale="no")
    review.save_draft(db, "Eve", claims[1], {"label": "true"})
    with db.atomic():
        embedding_store.put_many(
            db, ["h1", "h2"], np.arange(8, dtype="<f4").reshape(2, 4) / 10, "tiny-model"
        )
        match_store.replace_groups(
            db,
            [
                {"claim_id": claims[0], "group_id": claims[0], "model": "tiny-model"},
                {"claim_id": claims[1], "group_id": claims[0], "similarity": 0.93, "model": "m"},
            ],
        )
    db.close()


def _content(db, table: str, columns: list[str]) -> list[tuple]:
    names = ", ".join(f'"{c}"' for c in columns)
    rows = db.execute(f'SELECT {names} FROM "{table}"').fetchall()
    return sorted(
        (tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in rows), key=repr
    )


def _run(*args):
    return CliRunner().invoke(cli, [*map(str, args)])


@pytest.fixture
def laptop(tmp_path):
    path = tmp_path / "laptop.db"
    _desk(path)
    return path


def test_copy_moves_every_row_and_keeps_ids_and_the_audit_log(laptop, postgres_server):
    target = postgres_server.create()
    result = _run("db", "copy", "--from", laptop, "--to", target)
    assert result.exit_code == 0, result.output
    source, copy = open_db(laptop), open_db(target)
    try:
        tables = table_order(source)
        assert set(tables) == set(table_names(source)) - {"schema_migrations"}
        assert tables.index("articles") < tables.index("claims") < tables.index("verdicts")
        for table in tables:
            columns = [row[1] for row in source.execute(f'PRAGMA table_info("{table}")')]
            assert _content(copy, table, columns) == _content(source, table, columns), table
            count = source.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            assert f"{table} " in result.output and str(count) in result.output
        assert source.execute("SELECT count(*) FROM events").fetchone()[0] > 10
        for table in ("embeddings", "claim_groups", "drafts", "settings", "citations"):
            assert source.execute(f"SELECT count(*) FROM {table}").fetchone()[0], table
        # the copy goes on where the laptop stopped: new ids after the copied ones
        last_article = copy.execute("SELECT max(id) FROM articles").fetchone()[0]
        last_event = copy.execute("SELECT max(id) FROM events").fetchone()[0]
        with copy.atomic():
            new_article = article_store.insert(
                copy,
                Document(text="New on the server.", source="s"),
                content_hash="new",
                extractor="default",
                actor="Eve",
            )
        assert new_article == last_article + 1
        assert copy.execute("SELECT max(id) FROM events").fetchone()[0] == last_event + 1
        # and its audit log is as append-only as ever
        history = events.for_entity(copy, "articles", new_article)
        assert [e["action"] for e in history] == ["article.ingested"]
        # the review state reads the same on the server
        assert (
            review.claim_detail(copy, 1, "Ann")["claim"]["status"]
            == review.claim_detail(source, 1, "Ann")["claim"]["status"]
        )
        assert accounts.sign_in(copy, "Ann", PASSWORD, _settings(target))
    finally:
        source.close()
        copy.close()


def _settings(url):
    from factcheck.config import load_settings

    return load_settings(db_path=url)


def test_copy_refuses_a_target_that_is_not_empty(laptop, postgres_server):
    target = postgres_server.create()
    assert _run("db", "copy", "--from", laptop, "--to", target).exit_code == 0
    db = open_db(target)
    before = db.execute("SELECT count(*) FROM events").fetchone()[0]
    db.close()
    again = _run("db", "copy", "--from", laptop, "--to", target)
    assert again.exit_code == 1
    assert "the target database is not empty: " in again.output and "events (" in again.output
    db = open_db(target)
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == before
    db.close()


def test_copy_takes_a_sqlite_file_and_a_postgresql_url(laptop, tmp_path):
    to_file = _run("db", "copy", "--from", laptop, "--to", tmp_path / "other.db")
    assert to_file.exit_code == 1 and "--to takes a postgresql:// URL" in to_file.output
    missing = _run("db", "copy", "--from", tmp_path / "nope.db", "--to", "postgresql://x/y")
    assert missing.exit_code == 2 and "does not exist" in missing.output
    unreachable = _run("db", "copy", "--from", laptop, "--to", "postgresql://u:pw@127.0.0.1:1/x")
    assert unreachable.exit_code == 1 and "cannot connect to database" in unreachable.output
    assert "pw" not in unreachable.output  # the password is never shown


def test_sqlite_backup_is_a_complete_copy(laptop, tmp_path):
    destination = tmp_path / "backup.db"
    result = _run("db", "backup", destination, "--db", laptop)
    assert result.exit_code == 0, result.output
    assert f"to {destination}" in result.output
    source, copy = open_db(laptop), open_db(destination)
    try:
        for table in table_names(source):
            columns = [row[1] for row in source.execute(f'PRAGMA table_info("{table}")')]
            assert _content(copy, table, columns) == _content(source, table, columns), table
    finally:
        source.close()
        copy.close()
    again = _run("db", "backup", destination, "--db", laptop)
    assert again.exit_code == 1 and "already exists" in again.output


@pytest.mark.skipif(
    not (shutil.which("pg_dump") and shutil.which("pg_restore")), reason="no pg_dump/pg_restore"
)
def test_postgresql_backup_restores_to_the_same_rows(laptop, postgres_server, tmp_path):
    source = postgres_server.create()
    assert _run("db", "copy", "--from", laptop, "--to", source).exit_code == 0
    archive = tmp_path / "team.dump"
    result = _run("db", "backup", archive, "--db", source)
    assert result.exit_code == 0, result.output
    assert archive.stat().st_size > 0
    restored = postgres_server.create_empty()
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", restored, str(archive)],
        check=True,
        capture_output=True,
    )
    original, copy = open_db(source), open_db(restored)  # nothing left to migrate
    try:
        for table in table_names(original):
            count = original.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            assert copy.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == count, table
        with pytest.raises(Exception, match="append-only"):  # the triggers came back too
            copy.execute("DELETE FROM events")
    finally:
        original.close()
        copy.close()


def test_pg_dump_gets_the_password_in_its_environment_not_its_command_line():
    """A command line is visible to every local user (ps); the URL given to pg_dump has none."""
    from factcheck.storage.engine import split_password

    assert split_password("postgresql://ann:p%40ss@db.example:5433/fc") == (
        "postgresql://ann@db.example:5433/fc",
        "p@ss",
    )
    assert split_password("postgresql://ann@[::1]/fc") == ("postgresql://ann@[::1]/fc", None)
