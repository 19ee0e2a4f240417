"""SQL shared across storage modules gives the answers its callers gave with their own
copies: the best match of a claim, the group verdict columns, the matches of many claims read
at once, and a corrected source's passages written in batches."""

from __future__ import annotations

import functools

import pytest
from app_seed import add_article, add_matches, add_sources

from factcheck import storage
from factcheck.review import workflow as review
from factcheck.storage import corpus as corpus_store
from factcheck.storage import matches as match_store
from factcheck.storage import trending as trending_store
from factcheck.storage.matches import BEST_MATCH


@pytest.fixture
def matched(db):
    """Five claims: three matched with two to four passages (one passage twice, by two
    methods), two without a match."""
    claims = add_article(db, [f"Claim {i} rose by {i}%." for i in range(5)], title="Shared")
    passages = add_sources(db, 4)
    add_matches(db, [claims[0], claims[3]], passages, 3)
    add_matches(db, [claims[1]], passages, 2)
    add_matches(db, [claims[0]], passages[:1], 1, method="bm25")  # the same passage again
    db.execute(
        "UPDATE matches SET score = 0.99, band = NULL WHERE claim_id = ? AND method = 'bm25'",
        [claims[0]],
    )
    return claims


def expected_candidates(db, claim_id: int) -> list[tuple]:
    """(passage_id, score, rank, band) of a claim's best row per passage, in the documented
    order (rank, then score descending, then passage id), worked out here in Python."""
    best: dict[int, dict] = {}
    for row in match_store.listing(db, claim_id=claim_id):
        kept = best.get(row["passage_id"])
        if kept is None or row["similarity"] > kept["similarity"]:
            best[row["passage_id"]] = row
    rows = sorted(best.values(), key=lambda r: (r["rank"], -r["similarity"], r["passage_id"]))
    return [(r["passage_id"], r["similarity"], r["rank"], r["band"]) for r in rows]


def test_for_claims_reads_each_claims_candidates_as_for_claim(db, matched, monkeypatch):
    monkeypatch.setattr(match_store, "chunks", functools.partial(storage.chunks, size=2))
    many = match_store.for_claims(db, [*matched, matched[0]])  # a repeat is read once
    assert set(many) == {matched[0], matched[1], matched[3]}
    for claim_id in matched:
        one = match_store.for_claim(db, claim_id)
        assert many.get(claim_id, []) == one
        assert [(r["passage_id"], r["score"], r["rank"], r["band"]) for r in one] == (
            expected_candidates(db, claim_id)
        )
        assert all(r["strength"] == r["band"] and "claim_id" not in r for r in one)
    assert {r["band"] for r in many[matched[0]]} == {"strong", "weak"}  # NULL reads weak
    assert len(many[matched[0]]) == 3  # the passage matched twice is shown once
    assert match_store.for_claims(db, []) == {}


def test_the_best_match_fragment_is_the_highest_confidence(db, matched):
    rows = dict(db.execute(f"SELECT c.id, {BEST_MATCH} FROM claims c ORDER BY c.id").fetchall())
    for claim_id in matched:
        confidences = [r["confidence"] for r in match_store.listing(db, claim_id=claim_id)]
        assert rows[claim_id] == (max(confidences) if confidences else None)


@pytest.mark.sqlite_only  # SQLite's query plan; PostgreSQL's planner picks by table size
def test_the_best_match_fragment_is_read_from_the_index(db, matched):
    plan = " ".join(
        str(row[3])
        for row in db.execute(
            f"EXPLAIN QUERY PLAN SELECT {BEST_MATCH} FROM claims c WHERE c.id = ?", [matched[0]]
        )
    )
    assert "COVERING INDEX matches_claim_confidence" in plan


def test_group_members_and_trending_show_the_same_verdicts(db):
    claims = add_article(db, ["Taxes rose by 5%.", "Taxes went up 5%.", "Tax up 5%."])
    match_store.replace_groups(
        db, [{"claim_id": c, "group_id": claims[0], "model": "m"} for c in claims]
    )
    review.ensure_reviewer(db, "Ann", "checker")
    review.ensure_reviewer(db, "Bob", "checker")
    review.ensure_reviewer(db, "Eve", "editor")
    review.save_verdict(db, "Ann", claims[1], "False")
    review.save_verdict(db, "Bob", claims[1], "True")
    review.save_verdict(db, "Ann", claims[2], "False")
    review.adjudicate(db, "Eve", claims[1], "True")
    columns = ("final_label", "scale", "labels")
    members = {
        row["claim_id"]: tuple(row[k] for k in columns)
        for row in match_store.group_members(db, claims[0])
    }
    trending = {
        row["claim_id"]: tuple(row[k] for k in columns)
        for row in trending_store.group_claims(db, [claims[0]])
    }
    assert members == {c: trending[c] for c in claims[1:]}
    assert members[claims[1]][0] == "True" and members[claims[1]][2] == "False, True"
    assert members[claims[2]][0] is None and members[claims[2]][2] == "False"
    assert trending[claims[0]] == (None, None, None)


def _passage(idx: int, field: str, text: str) -> dict:
    return {
        "idx": idx,
        "field": field,
        "text": text,
        "start": 0,
        "end": len(text),
        "text_hash": f"hash:{text}",
    }


def test_a_correction_keeps_unchanged_passages_and_adds_new_ones_in_order(db):
    source = {"kind": "fact-check", "title": "Old", "text": "t", "content_hash": "h1"}
    with db.atomic():
        source_id = corpus_store.insert_source(
            db,
            source,
            [_passage(0, "title", "Old"), _passage(1, "claim", "A"), _passage(2, "body", "B")],
        )
    old = {p["text"]: p["id"] for p in corpus_store.passages_of(db, source_id)}
    assert list(old) == ["Old", "A", "B"]
    new = [
        _passage(0, "body", "B"),
        _passage(1, "title", "New"),
        _passage(2, "claim", "A"),
        _passage(3, "body", "C"),
    ]
    with db.atomic():
        corpus_store.correct_source(
            db, source_id, source | {"title": "New", "content_hash": "h2"}, new, actor="Ann"
        )
    after = corpus_store.passages_of(db, source_id)
    assert [(p["idx"], p["field"], p["text"]) for p in after] == [
        (0, "body", "B"),
        (1, "title", "New"),
        (2, "claim", "A"),
        (3, "body", "C"),
    ]
    ids = {p["text"]: p["id"] for p in after}
    assert (ids["A"], ids["B"]) == (old["A"], old["B"])  # unchanged: same id
    assert max(old.values()) < ids["New"] < ids["C"]  # new ones in the given order
    assert "Old" not in ids  # removed, uncited
    assert corpus_store.get_source(db, source_id)["imported_by"] == "Ann"
    event = db.execute(
        "SELECT count(*) FROM events WHERE action = 'source.corrected' AND entity_id = ?",
        [source_id],
    ).fetchone()[0]
    assert event == 1
