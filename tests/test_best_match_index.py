"""The best match of a claim (migration 0006): the queue sorted by best match, its best-match
column, the strong-match filter and the claim page's neighbours in that order give the same
answers as the claims' matches say, and the lookup is answered from the index."""

import pytest
from app_seed import add_article, add_matches, add_sources

from factcheck import workbench
from factcheck.review import workflow as review
from factcheck.storage import open_db, schema_version
from factcheck.storage.review import QueueFilters

# (claim position, passage positions, scores) seeded per claim: best matches 0.62, 0.91, none,
# 0.91 (a tie, broken by id), 0.55
MATCHES = {0: [0.62, 0.40], 1: [0.91, 0.30, 0.10], 3: [0.50, 0.91], 4: [0.55]}


@pytest.fixture
def matched(db):
    claims = add_article(db, [f"Claim {i} rose by {i}%." for i in range(5)], title="Speed")
    passages = add_sources(db, 3)
    for position, scores in MATCHES.items():
        add_matches(db, [claims[position]], passages, len(scores))
        for rank, score in enumerate(scores, start=1):
            db.execute(
                "UPDATE matches SET score = ?, confidence = ? WHERE claim_id = ? AND rank = ?",
                [score, score, claims[position], rank],
            )
    for name, role in (("Ann", "checker"), ("Eve", "editor")):
        review.ensure_reviewer(db, name, role)
    review.set_blind_mode(db, "Eve", True)
    return claims


def expected_order(claims, descending=True):
    best = {claims[p]: max(scores) for p, scores in MATCHES.items()}
    ranked = sorted(best, key=lambda cid: (-best[cid] if descending else best[cid], cid))
    unmatched = sorted(cid for cid in claims if cid not in best)
    # SQLite sorts NULL first ascending and last descending
    return ranked + unmatched if descending else unmatched + ranked


@pytest.mark.parametrize("viewer", [None, "Ann", "Eve"])
@pytest.mark.parametrize("descending", [True, False])
def test_the_queue_sorts_by_best_match(matched, db, viewer, descending):
    view = workbench.queue_view(db, sort="match", descending=descending, viewer=viewer)
    assert [row["id"] for row in view["rows"]] == expected_order(matched, descending)
    best = {row["id"]: row["best_match"] for row in view["rows"]}
    assert best == {
        cid: (max(MATCHES[p]) if p in MATCHES else None) for p, cid in enumerate(matched)
    }


@pytest.mark.parametrize("viewer", [None, "Ann", "Eve"])
def test_the_strong_match_filter_keeps_claims_with_a_match_that_strong(matched, db, viewer):
    strong = review.queue(db, QueueFilters(strong_match=0.6), viewer=viewer)
    assert {row["id"] for row in strong["rows"]} == {matched[0], matched[1], matched[3]}
    assert strong["total"] == 3
    stronger = review.queue(db, QueueFilters(strong_match=0.91), viewer=viewer)
    assert [row["id"] for row in stronger["rows"]] == [matched[1], matched[3]]


def test_the_claim_pages_neighbours_follow_the_best_match_order(matched, db):
    order = expected_order(matched)
    middle = order[2]
    around = workbench.neighbours(db, middle, sort="match", viewer="Ann")
    assert (around["previous"], around["next"], around["position"], around["total"]) == (
        order[1],
        order[3],
        3,
        len(order),
    )


@pytest.mark.sqlite_only  # SQLite's query plan; PostgreSQL's planner picks by table size
def test_the_best_match_is_read_from_the_index(matched, db):
    assert schema_version(db) >= 6
    plan = " ".join(
        row[3]
        for row in db.execute(
            "EXPLAIN QUERY PLAN SELECT max(m.confidence) FROM matches m WHERE m.claim_id = ?",
            [matched[1]],
        )
    )
    assert "COVERING INDEX matches_claim_confidence" in plan


def test_migration_0006_adds_the_index_to_an_existing_database(tmp_path):
    path = tmp_path / "old.db"
    db = open_db(path)
    claims = add_article(db, ["Exports rose by 12%."], title="Old")
    add_matches(db, claims, add_sources(db, 2), 2)
    db.execute("DROP INDEX matches_claim_score")
    db.execute("DELETE FROM schema_migrations WHERE version = 6")
    db.close()
    db = open_db(path)  # applies 0006 again, as on a database made before it
    try:
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert "matches_claim_score" in names
        assert review.queue(db, sort="match")["rows"][0]["best_match"] == pytest.approx(0.88)
    finally:
        db.close()
