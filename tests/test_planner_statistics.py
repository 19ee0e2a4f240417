"""Query-planner statistics: opening a database whose claims or matches have grown past a
thousand rows without statistics (or ten-fold since the last ones) runs ANALYZE once; small
databases are left alone; a database another connection is writing is not waited for; the
answers of the queue stay exactly the same, blind review included."""

import sqlite3
import time

import pytest
from app_seed import add_article, add_matches, add_sources

from factcheck.review import workflow as review
from factcheck.storage import STATISTICS_FROM, open_db, refresh_statistics
from factcheck.storage.review import QueueFilters

pytestmark = pytest.mark.sqlite_only  # ANALYZE and sqlite_stat1: PostgreSQL's autovacuum does this


def analysed(db) -> dict[str, int]:
    """Rows per table as the statistics remember them ({} when there are none)."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
        return {}
    rows: dict[str, int] = {}
    for table, stat in db.execute("SELECT tbl, stat FROM sqlite_stat1").fetchall():
        rows[table] = max(rows.get(table, 0), int(stat.split()[0]))
    return rows


def big_desk(db, claims: int = STATISTICS_FROM + 50) -> list[int]:
    ids: list[int] = []
    for article in range(-(-claims // 100)):
        count = min(100, claims - len(ids))
        texts = [f"Article {article}: figure {i} rose by {i % 90}%." for i in range(count)]
        scores = [round(0.5 + (i % 50) / 100, 2) for i in range(count)]
        ids += add_article(db, texts, title=f"Article {article}", scores=scores)
    add_matches(db, ids[:200], add_sources(db, 5), 3)
    return ids


@pytest.fixture
def desk(db_path):
    db = open_db(db_path)
    ids = big_desk(db)
    for name, role in (("Ann", "checker"), ("Bob", "checker"), ("Eve", "editor")):
        review.ensure_reviewer(db, name, role)
    review.set_blind_mode(db, "Eve", True)
    review.assign(db, "Eve", ids[:20], ["Ann", "Bob"])
    for claim_id in ids[:10]:
        review.save_verdict(db, "Bob", claim_id, "False")
    for claim_id in ids[:4]:
        review.save_verdict(db, "Ann", claim_id, "Half True")
    db.close()
    return ids


def test_a_small_database_gets_no_statistics(db):
    add_article(db, ["Exports rose by 12%.", "Rents doubled."], title="Small")
    assert not refresh_statistics(db)
    assert analysed(db) == {}


def test_opening_a_grown_database_analyses_it_once(desk, db_path):
    db = open_db(db_path)
    try:
        assert analysed(db)["claims"] == len(desk)
        assert not refresh_statistics(db)  # up to date: nothing to do
    finally:
        db.close()


def test_ten_fold_growth_analyses_again(desk, db_path):
    db = open_db(db_path)
    try:
        db.execute("UPDATE sqlite_stat1 SET stat = '500 5' WHERE tbl = 'claims'")
        assert not refresh_statistics(db)  # grown only about two-fold
        db.execute("UPDATE sqlite_stat1 SET stat = '100 1' WHERE tbl = 'claims'")
        assert refresh_statistics(db)
        assert analysed(db)["claims"] == len(desk)
    finally:
        db.close()


def test_a_database_being_written_is_not_waited_for(desk, db_path):
    db = open_db(db_path)
    db.execute("DELETE FROM sqlite_stat1")
    db.close()
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        db = open_db(db_path, migrate=False)
        started = time.monotonic()
        assert not refresh_statistics(db)
        assert time.monotonic() - started < 5  # not the 30 s busy timeout
        assert analysed(db) == {}
        db.close()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    db = open_db(db_path)  # the next open analyses
    try:
        assert analysed(db)["claims"] == len(desk)
    finally:
        db.close()


@pytest.mark.parametrize("viewer", [None, "Ann", "Bob", "Eve"])
@pytest.mark.parametrize("sort", ["score", "match", "date"])
def test_the_queue_answers_the_same_with_statistics(desk, db_path, viewer, sort):
    db = open_db(db_path)
    try:
        filters = [
            QueueFilters(statuses=("new", "in_review", "awaiting_second_review")),
            QueueFilters(verdict="False"),
            QueueFilters(assignee="Bob"),
            QueueFilters(needs_adjudication=True),
            QueueFilters(strong_match=0.85),
        ]

        def answers():
            return [
                review.queue(db, f, sort=sort, viewer=viewer, limit=200, offset=0) for f in filters
            ]

        with_statistics = answers()
        db.execute("DELETE FROM sqlite_stat1")
        db.execute("ANALYZE sqlite_schema")  # reload: the planner forgets the statistics
        assert analysed(db) == {}
        assert answers() == with_statistics
    finally:
        db.close()
