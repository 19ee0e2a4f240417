"""SQLite and PostgreSQL behave the same: one schema (tables, columns, keys) from the two sets
of migrations, and the same refusals and guarantees — the append-only audit log,
compare-and-set on claim versions without lost updates under concurrent writers, unique
content hashes and names, near-duplicate groups — plus the SQL translation and the URL
handling of the engine layer."""

from __future__ import annotations

import re
import threading
import time

import pytest

from factcheck import resources
from factcheck.config import load_settings
from factcheck.errors import ConflictError, DatabaseError, IntegrityError, ResourceError
from factcheck.storage import (
    POSTGRESQL,
    SQLITE,
    accounts,
    events,
    open_db,
    postgres_migration_files,
    table_names,
)
from factcheck.storage import articles as article_store
from factcheck.storage import claims as claim_store
from factcheck.storage import matches as match_store
from factcheck.storage import review as review_store
from factcheck.storage.engine import postgres_sql, shown_location
from factcheck.types import Document, SentenceClaim

# ---------------------------------------------------------------- the schema


def _type_class(declared: str) -> str:
    declared = declared.lower()
    if "int" in declared:
        return "integer"
    if declared in ("real", "double precision"):
        return "real"
    if declared in ("blob", "bytea"):
        return "bytes"
    return "text"


def _sqlite_schema(db) -> dict:
    schema = {}
    for table in table_names(db):
        columns = {}
        primary = []
        for _cid, name, declared, notnull, _default, pk in db.execute(
            f"PRAGMA table_info({table})"
        ).fetchall():
            columns[name] = (_type_class(declared), bool(notnull or pk))
            if pk:
                primary.append((pk, name))
        unique = set()
        for _seq, index, is_unique, origin, partial in db.execute(
            f"PRAGMA index_list({table})"
        ).fetchall():
            if is_unique and origin != "pk":
                names = [row[2] for row in db.execute(f"PRAGMA index_info({index})").fetchall()]
                unique.add((frozenset(names), bool(partial)))
        schema[table] = {
            "columns": columns,
            "primary": tuple(name for _, name in sorted(primary)),
            "unique": unique,
        }
    return schema


def _postgres_schema(db) -> dict:
    schema = {}
    for table in table_names(db):
        columns = {
            name: (_type_class(declared), nullable == "NO")
            for name, declared, nullable in db.execute(
                "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = ?",
                [table],
            ).fetchall()
        }
        primary: tuple = ()
        unique = set()
        for definition, is_primary, partial in db.execute(
            "SELECT pg_get_indexdef(indexrelid), indisprimary, indpred IS NOT NULL "
            "FROM pg_index WHERE indrelid = CAST(? AS regclass) AND indisunique",
            [table],
        ).fetchall():
            inside = re.search(r"USING \w+ \((.*?)\)(?: WHERE|$)", definition).group(1)
            names = [re.sub(r"^lower\((\w+)\)$", r"\1", part.strip()) for part in inside.split(",")]
            if is_primary:
                primary = tuple(names)
            else:
                unique.add((frozenset(names), bool(partial)))
        schema[table] = {"columns": columns, "primary": primary, "unique": unique}
    return schema


def test_both_migration_sets_give_the_same_schema(tmp_path, postgres_server):
    sqlite_db = open_db(tmp_path / "schema.db")
    postgres_db = open_db(postgres_server.create())
    try:
        sqlite_schema, postgres_schema = _sqlite_schema(sqlite_db), _postgres_schema(postgres_db)
    finally:
        sqlite_db.close()
        postgres_db.close()
    assert set(sqlite_schema) == set(postgres_schema)
    assert "events" in sqlite_schema and "reviewers" in sqlite_schema
    for table, expected in sqlite_schema.items():
        assert postgres_schema[table] == expected, table


def test_every_sqlite_migration_has_its_postgresql_mirror():
    sqlite_names = [file.name for _, file in postgres_migration_files()]
    assert sqlite_names == sorted(
        file.name
        for file in resources.migrations_dir().iterdir()
        if re.match(r"^\d{4}_.*\.sql$", file.name)
    )


def test_a_missing_mirror_is_refused(tmp_path):
    (tmp_path / "postgresql").mkdir()
    (tmp_path / "0001_a.sql").write_text("CREATE TABLE a (id INTEGER PRIMARY KEY);")
    (tmp_path / "0002_b.sql").write_text("CREATE TABLE b (id INTEGER PRIMARY KEY);")
    (tmp_path / "postgresql" / "0001_a.sql").write_text("CREATE TABLE a (id BIGINT);")
    with pytest.raises(ResourceError, match="missing in postgresql/: 0002_b.sql"):
        postgres_migration_files(tmp_path)


# ---------------------------------------------------------------- behaviour, on both engines


def _claim(db, text="The sky is blue.", content_hash="h1") -> dict:
    with db.atomic():
        article_id = article_store.insert(
            db,
            Document(text=text, source="x.txt"),
            content_hash=content_hash,
            extractor="default",
            actor="tester",
        )
        (claim_id,) = claim_store.insert_many(
            db,
            article_id,
            [SentenceClaim(0, text, 0, len(text), score=0.7, check_worthy=True)],
            actor="tester",
        )
    return claim_store.get(db, claim_id)


def test_the_engine_is_the_one_asked_for(db, engine):
    assert db.engine == {"sqlite": SQLITE, "postgresql": POSTGRESQL}[engine]


def test_the_audit_log_refuses_update_delete_and_a_reused_id(db):
    _claim(db)
    first = db.execute("SELECT min(id) FROM events").fetchone()[0]
    with pytest.raises(IntegrityError, match="append-only"):
        db.execute("UPDATE events SET actor = 'x' WHERE id = ?", [first])
    with pytest.raises(IntegrityError, match="append-only"):
        db.execute("DELETE FROM events WHERE id = ?", [first])
    with pytest.raises(IntegrityError, match="append-only"):
        db.execute(
            "INSERT INTO events (id, at, actor, action, entity) VALUES (?, 't', 'x', 'y', 'z')",
            [first],
        )
    # a new id is an append (what `factcheck db copy` does): allowed
    db.execute(
        "INSERT INTO events (id, at, actor, action, entity) VALUES (?, 't', 'x', 'y', 'z')",
        [first + 1000],
    )
    assert db.execute("SELECT actor FROM events WHERE id = ?", [first]).fetchone()[0] == "tester"


def test_a_failed_statement_inside_a_transaction_rolls_it_all_back(db):
    with pytest.raises(IntegrityError):
        with db.atomic():
            _claim(db)
            db.execute("DELETE FROM events")
    assert db.execute("SELECT count(*) FROM claims").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 0


def test_content_hashes_and_account_names_are_unique(db):
    _claim(db, content_hash="same")
    with pytest.raises(IntegrityError):
        _claim(db, text="Other text.", content_hash="same")
    source = "INSERT INTO sources (text, content_hash, imported_at) VALUES (?, ?, 't')"
    db.execute(source, ["a", "s1"])
    with pytest.raises(IntegrityError):
        db.execute(source, ["b", "s1"])
    with db.atomic():
        accounts.insert(db, "Ann", "checker", actor="admin")
    with pytest.raises(IntegrityError):  # names are unique whatever their case
        with db.atomic():
            accounts.insert(db, "aNN", "checker", actor="admin")
    assert accounts.get(db, "ANN")["name"] == "Ann"


def test_a_stale_version_is_a_conflict(db):
    claim = _claim(db)
    with review_store.write_transaction(db):
        locked = review_store.lock_claim(db, claim["id"], claim["version"])
    assert locked["version"] == claim["version"] + 1
    with pytest.raises(ConflictError, match="changed by someone else"):
        with review_store.write_transaction(db):
            review_store.lock_claim(db, claim["id"], claim["version"])
    assert claim_store.get(db, claim["id"])["version"] == claim["version"] + 1


def test_a_writer_waiting_for_another_gets_a_conflict_not_a_lost_update(db, db_path):
    claim = _claim(db)
    other = open_db(db_path)
    outcome: dict = {}
    locked = threading.Event()

    def first_writer():
        with review_store.write_transaction(db):
            review_store.lock_claim(db, claim["id"], claim["version"])
            locked.set()
            time.sleep(0.3)  # the second writer starts meanwhile and must wait

    def second_writer():
        locked.wait()
        try:
            with review_store.write_transaction(other):
                review_store.lock_claim(other, claim["id"], claim["version"])
            outcome["result"] = "saved"
        except ConflictError:
            outcome["result"] = "conflict"

    threads = [threading.Thread(target=first_writer), threading.Thread(target=second_writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    other.close()
    assert outcome == {"result": "conflict"}
    assert claim_store.get(db, claim["id"])["version"] == claim["version"] + 1


def test_concurrent_saves_lose_no_update(db, db_path):
    """Four writers race to save the same claim: every save either commits (and is counted in
    the version and the audit log) or is a conflict; nothing is lost or double-counted."""
    claim = _claim(db)
    saved, conflicts = [], []

    def writer(name: str):
        conn = open_db(db_path)
        try:
            for _ in range(15):
                seen = claim_store.get(conn, claim["id"])["version"]
                try:
                    with review_store.write_transaction(conn):
                        locked = review_store.lock_claim(conn, claim["id"], seen)
                        events.record(
                            conn,
                            actor=name,
                            action="claim.touched",
                            entity="claims",
                            entity_id=claim["id"],
                            after={"version": locked["version"]},
                            claim_id=claim["id"],
                        )
                    saved.append(name)
                except ConflictError:
                    conflicts.append(name)
        finally:
            conn.close()

    threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(saved) + len(conflicts) == 60
    assert saved  # some saves went through
    final = claim_store.get(db, claim["id"])["version"]
    assert final == claim["version"] + len(saved)
    touched = [e for e in events.for_claim(db, claim["id"]) if e["action"] == "claim.touched"]
    assert len(touched) == len(saved)
    assert sorted(e["after"]["version"] for e in touched) == list(
        range(claim["version"] + 1, final + 1)
    )


def test_near_duplicate_groups_are_replaced_per_claim(db):
    first, second = _claim(db, "One.", "g1"), _claim(db, "Two.", "g2")
    with db.atomic():
        match_store.replace_groups(
            db,
            [
                {"claim_id": first["id"], "group_id": first["id"], "model": "m"},
                {
                    "claim_id": second["id"],
                    "group_id": first["id"],
                    "similarity": 0.9,
                    "model": "m",
                },
            ],
        )
    assert match_store.group_sizes(db) == {first["id"]: 2}
    with db.atomic():
        match_store.replace_groups(
            db, [{"claim_id": second["id"], "group_id": second["id"], "model": "m"}]
        )
    assert match_store.groups(db) == {first["id"]: first["id"], second["id"]: second["id"]}
    assert match_store.group_sizes(db) == {}
    assert db.execute("SELECT count(*) FROM claim_groups").fetchone()[0] == 2


def test_queue_sorts_missing_matches_last_on_both_engines(db):
    claims = [_claim(db, f"Claim {n}.", f"q{n}") for n in range(3)]
    source = db.execute(
        "INSERT INTO sources (text, content_hash, imported_at) VALUES ('s', 'src', 't') "
        "RETURNING id"
    ).fetchone()[0]
    passage = db.execute(
        'INSERT INTO passages (source_id, idx, field, text, start, "end", text_hash) '
        "VALUES (?, 0, 'claim', 's', 0, 1, 'ph') RETURNING id",
        [source],
    ).fetchone()[0]
    with db.atomic():
        match_store.replace_for_claims(
            db,
            [claims[1]["id"]],
            [{"claim_id": claims[1]["id"], "passage_id": passage, "score": 0.8, "rank": 1,
              "method": "dense", "confidence": 0.7, "band": "strong"}],
        )  # fmt: skip
    rows = review_store.queue_rows(db, review_store.QueueFilters(), sort="match")
    assert [r["id"] for r in rows][0] == claims[1]["id"]  # the match first, then no match
    ascending = review_store.queue_rows(
        db, review_store.QueueFilters(), sort="match", descending=False
    )
    assert [r["id"] for r in ascending][-1] == claims[1]["id"]


# ---------------------------------------------------------------- the engine layer


def test_postgres_sql_translates_parameters_and_sqlite_functions():
    assert postgres_sql("SELECT * FROM t WHERE a = ? AND b LIKE '%x?' AND c = :name") == (
        "SELECT * FROM t WHERE a = %s AND b LIKE '%%x?' AND c = %(name)s"
    )
    assert postgres_sql("SELECT CAST(x AS json)::text, 10 % 3") == (
        "SELECT CAST(x AS json)::text, 10 %% 3"
    )
    assert postgres_sql("SELECT group_concat(r.name, ', ')") == "SELECT string_agg(r.name, ', ')"
    assert postgres_sql("SELECT group_concat(DISTINCT m.method)") == (
        "SELECT string_agg(DISTINCT m.method, ',')"
    )
    assert postgres_sql("WHERE id IN (SELECT value FROM json_each(?))") == (
        "WHERE id IN (SELECT CAST(value AS bigint) FROM json_array_elements_text(CAST(%s AS json)))"
    )
    assert postgres_sql("json_extract(e.after, '$.status') = 'x'") == (
        "(CAST(e.after AS json) ->> 'status') = 'x'"
    )


def test_a_url_means_postgresql_and_its_password_is_never_shown():
    url = "postgresql://desk:s3cret@db.example:5432/factcheck"
    assert load_settings(db_path=url).db_path == url  # kept as text, not made a path
    assert shown_location(url) == "postgresql://desk:***@db.example:5432/factcheck"
    assert shown_location("/tmp/x.db") == "/tmp/x.db"


def test_an_unreachable_server_is_a_clear_error():
    with pytest.raises(DatabaseError, match="cannot connect to database postgresql://u:\\*\\*\\*@"):
        open_db("postgresql://u:pw@127.0.0.1:1/nothing")


def test_settings_show_a_url_without_its_password(monkeypatch):
    from click.testing import CliRunner

    from factcheck.cli import cli

    monkeypatch.setenv("FACTCHECK_DB", "postgresql://desk:s3cret@db.example/factcheck")
    shown = CliRunner().invoke(cli, ["settings", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert (
        "s3cret" not in shown.output
        and "postgresql://desk:***@db.example/factcheck" in shown.output
    )


def test_two_admins_demoting_each_other_at_once_leave_one_admin(db, db_path, monkeypatch):
    """The last-admin rule reads a count, then writes: two such changes at once must not both
    pass it (on PostgreSQL they would, at READ COMMITTED, without the accounts lock)."""
    from factcheck.errors import PermissionDeniedError
    from factcheck.review import accounts
    from factcheck.storage import accounts as account_store

    accounts.add_account(db, None, "Ada", "admin", "a long password")
    accounts.add_account(db, None, "Bob", "admin", "a long password")
    update, slow = account_store.update, threading.Event()

    def slow_update(*args, **kwargs):
        row = update(*args, **kwargs)
        if not slow.is_set():  # the first change waits before its commit
            slow.set()
            time.sleep(0.4)
        return row

    monkeypatch.setattr(account_store, "update", slow_update)
    outcome: dict = {}

    def demote(name: str) -> None:
        conn = open_db(db_path, migrate=False)
        try:
            accounts.set_role(conn, None, name, "editor")
            outcome[name] = "demoted"
        except PermissionDeniedError:
            outcome[name] = "refused"
        finally:
            conn.close()

    first = threading.Thread(target=demote, args=("Ada",))
    first.start()
    assert slow.wait(10)
    second = threading.Thread(target=demote, args=("Bob",))
    second.start()
    first.join(30)
    second.join(30)
    assert outcome == {"Ada": "demoted", "Bob": "refused"}
    assert [a["name"] for a in accounts.list_accounts(db) if a["role"] == "admin"] == ["Bob"]
