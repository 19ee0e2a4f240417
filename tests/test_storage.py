"""Storage: migrations, WAL, foreign keys, append-only events, compare-and-set."""

import pytest

from factcheck.errors import ConflictError, IntegrityError
from factcheck.storage import apply_migrations, events, open_db, schema_version, table_names
from factcheck.storage import articles as article_store
from factcheck.storage import claims as claim_store
from factcheck.types import Document, SentenceClaim


def _article(db):
    with db.atomic():
        article_id = article_store.insert(
            db,
            Document(text="The sky is blue.", source="x.txt"),
            content_hash="h1",
            extractor="default",
            actor="tester",
        )
        claim_store.insert_many(
            db,
            article_id,
            [
                SentenceClaim(
                    sentence_index=0,
                    text="The sky is blue.",
                    start=0,
                    end=16,
                    score=0.7,
                    check_worthy=True,
                )
            ],
            actor="tester",
        )
    return article_id


def test_open_applies_migrations(db_path):
    db = open_db(db_path)
    assert schema_version(db) >= 1
    assert {"articles", "claims", "events", "reviewers"} <= set(table_names(db))
    assert apply_migrations(db) == []  # a second run applies nothing
    db.close()


@pytest.mark.sqlite_only
def test_sqlite_opens_with_wal_and_foreign_keys(db_path):
    db = open_db(db_path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_foreign_keys_are_enforced(db):
    with pytest.raises(IntegrityError):
        db.execute(
            'INSERT INTO claims (article_id, sentence_index, text, start, "end", score, '
            "text_hash, created_at, updated_at) VALUES (999, 0, 'x', 0, 1, 0.5, 'h', 't', 't')"
        )


def test_events_are_append_only(db):
    _article(db)
    with pytest.raises(IntegrityError, match="append-only"):
        db.execute("UPDATE events SET actor = 'x'")
    with pytest.raises(IntegrityError, match="append-only"):
        db.execute("DELETE FROM events")


def test_insert_records_events_for_article_and_claims(db):
    article_id = _article(db)
    claim = claim_store.list_claims(db, article_id=article_id)[0]
    history = events.for_claim(db, claim["id"])
    assert [e["action"] for e in history] == ["claim.created"]
    assert history[0]["actor"] == "tester"
    assert history[0]["after"]["text"] == "The sky is blue."
    assert events.for_entity(db, "articles", article_id)[0]["action"] == "article.ingested"


def test_update_is_compare_and_set(db):
    article_id = _article(db)
    claim = claim_store.list_claims(db, article_id=article_id)[0]
    updated = claim_store.update(
        db, claim["id"], {"status": "in_review"}, actor="ann", expected_version=claim["version"]
    )
    assert updated["version"] == claim["version"] + 1
    with pytest.raises(ConflictError, match="changed by someone else"):
        claim_store.update(
            db, claim["id"], {"status": "dismissed"}, actor="bob", expected_version=claim["version"]
        )
    assert claim_store.get(db, claim["id"])["status"] == "in_review"
    last = events.for_claim(db, claim["id"])[-1]
    assert (last["actor"], last["before"], last["after"]) == (
        "ann",
        {"status": "new"},
        {"status": "in_review"},
    )


def test_failed_transaction_leaves_nothing(db):
    with pytest.raises(IntegrityError):
        with db.atomic():
            article_store.insert(
                db,
                Document(text="a", source="a"),
                content_hash="same",
                extractor="default",
                actor="t",
            )
            article_store.insert(
                db,
                Document(text="b", source="b"),
                content_hash="same",
                extractor="default",
                actor="t",
            )
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 0
