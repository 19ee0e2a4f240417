"""The audit log is append-only against every SQL statement, and migration 0005 upgrades a
database with reviews in it without losing anything."""

from __future__ import annotations

import shutil

import pytest

from factcheck import resources
from factcheck.errors import IntegrityError
from factcheck.review import workflow as review
from factcheck.storage import apply_migrations, events, open_db


@pytest.fixture
def logged(db):
    with db.atomic():
        event_id = events.record(
            db, actor="Ann", action="claim.status", entity="claims", entity_id=1, after={"a": 1}
        )
    return db, event_id


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET actor = 'Mallory' WHERE id = ?",
        "DELETE FROM events WHERE id = ?",
        "INSERT INTO events (id, at, actor, action, entity) "
        "VALUES (?, '2024', 'Mallory', 'claim.status', 'claims') ON CONFLICT DO NOTHING",
        "INSERT INTO events (id, at, actor, action, entity) "
        "VALUES (?, '2024', 'Mallory', 'claim.status', 'claims') "
        "ON CONFLICT (id) DO UPDATE SET actor = excluded.actor",
    ],
)
def test_every_rewrite_of_an_event_is_refused(logged, statement):
    db, event_id = logged
    before = list(db.query("SELECT * FROM events"))
    with pytest.raises(IntegrityError, match="append-only"):
        db.execute(statement, [event_id])
    assert list(db.query("SELECT * FROM events")) == before


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "statement",
    [
        "INSERT OR REPLACE INTO events (id, at, actor, action, entity) "
        "VALUES (?, '2024', 'Mallory', 'claim.status', 'claims')",
        "REPLACE INTO events (id, at, actor, action, entity) "
        "VALUES (?, '2024', 'Mallory', 'claim.status', 'claims')",
    ],
)
def test_sqlite_replace_of_an_event_is_refused(logged, statement):
    db, event_id = logged
    before = list(db.query("SELECT * FROM events"))
    with pytest.raises(IntegrityError, match="append-only"):
        db.execute(statement, [event_id])
    assert list(db.query("SELECT * FROM events")) == before


def test_truncate_is_refused_where_the_engine_has_it(logged, engine):
    db, _ = logged
    if engine != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (DELETE without WHERE is refused above)")
    with pytest.raises(IntegrityError, match="append-only"):
        db.execute("TRUNCATE events")
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 1


@pytest.mark.sqlite_only
def test_recursive_triggers_do_not_open_a_way_round(logged):
    db, event_id = logged
    db.execute("PRAGMA recursive_triggers = ON")
    with pytest.raises(IntegrityError, match="append-only"):
        db.execute(
            "INSERT OR REPLACE INTO events (id, at, actor, action, entity) "
            "VALUES (?, '2024', 'Mallory', 'x', 'claims')",
            [event_id],
        )
    assert db.execute("SELECT actor FROM events WHERE id = ?", [event_id]).fetchone()[0] == "Ann"


def test_new_events_are_still_appended(logged):
    db, event_id = logged
    with db.atomic():
        assert events.record(db, actor="Bob", action="x", entity="claims", entity_id=1) > event_id


def test_migration_0005_keeps_reviewers_citations_and_dismissals(tmp_path):
    old = tmp_path / "migrations"
    old.mkdir()
    for file in resources.migrations_dir().iterdir():
        if file.name[:4] in {"0001", "0002", "0003", "0004"}:
            (old / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "old.db"
    db = open_db(path, migrate=False)
    apply_migrations(db, old)
    with db.atomic():
        db.execute("INSERT INTO reviewers (name, role, created_at) VALUES ('Ann', 'checker', 't')")
        db.execute("INSERT INTO reviewers (name, role, created_at) VALUES ('Eve', 'editor', 't')")
        db.execute(
            "INSERT INTO articles (source, text, content_hash, ingested_at) "
            "VALUES ('s', 'Prices rose.', 'h', 't')"
        )
        db.execute(
            'INSERT INTO claims (article_id, sentence_index, text, start, "end", score, '
            "check_worthy, text_hash, created_at, updated_at) "
            "VALUES (1, 0, 'Prices rose.', 0, 12, 0.9, 1, 'x', 't', 't')"
        )
        db.execute(
            "INSERT INTO sources (kind, title, text, content_hash, imported_at) "
            "VALUES ('fact-check', 'FC', 'body', 'c', 't')"
        )
        db.execute(
            'INSERT INTO passages (source_id, idx, field, text, start, "end", text_hash) '
            "VALUES (1, 0, 'body', 'body', 0, 4, 'p')"
        )
        db.execute(
            "INSERT INTO verdicts (claim_id, reviewer_id, label, scale, created_at, updated_at) "
            "VALUES (1, 1, 'False', 'politifact', 't', 't')"
        )
        db.execute(
            "INSERT INTO citations (claim_id, verdict_id, passage_id, stance, created_by, "
            "created_at) VALUES (1, 1, 1, 'refutes', 'Ann', 't')"
        )
        db.execute(
            "INSERT INTO evidence_dismissals (claim_id, passage_id, dismissed_by, dismissed_at) "
            "VALUES (1, 1, 'Eve', 't')"
        )
    db.close()
    shutil.copy(path, tmp_path / "before.db")

    db = open_db(path)  # applies 0005 and later
    assert db.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] >= 5
    assert [(r["name"], r["role"], r["disabled"]) for r in db.query("SELECT * FROM reviewers")] == [
        ("Ann", "checker", 0),
        ("Eve", "editor", 0),
    ]
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    (citation,) = db.query("SELECT * FROM citations")
    assert (citation["created_by"], citation["stance"], citation["verdict_id"]) == (
        "Ann",
        "refutes",
        1,
    )
    assert [d["dismissed_by"] for d in db.query("SELECT * FROM evidence_dismissals")] == ["Eve"]
    # Eve can now cite the passage Ann cited: two citations on one card
    review.cite_passage(db, "Eve", 1, 1, "supports")
    assert db.execute("SELECT count(*) FROM citations").fetchone()[0] == 2
    # the verdict still points at Ann's account
    assert review.claim_detail(db, 1, "Eve")["verdicts"][0]["reviewer"] == "Ann"
