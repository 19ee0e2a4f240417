"""Blind review hides everything of others' work from a reviewer who has not saved their own
verdict (queue, filters, counts, claim page, history, annotations); each reviewer's evidence
is their own; the desk decides how many verdicts a claim needs."""

from __future__ import annotations

import json

import pytest

from factcheck.errors import ConflictError, PermissionDeniedError
from factcheck.review import workflow as review
from factcheck.storage.blind import BLIND_VERSION
from factcheck.storage.review import QueueFilters
from tests.test_review import _article, _match, _passages


@pytest.fixture
def desk(db):
    review.ensure_reviewer(db, "Ann", "checker")
    review.ensure_reviewer(db, "Bob", "checker")
    review.ensure_reviewer(db, "Eve", "editor")
    review.ensure_reviewer(db, "Vic", "viewer")
    return db


@pytest.fixture
def reviewed(desk):
    """Blind mode on; Ann and Bob assigned; Ann saved a verdict and cited a card."""
    _, (claim_id, other_id) = _article(
        desk,
        "Budget",
        [("The deficit tripled.", 0.9, "statistic", True), ("Jobs fell.", 0.8, None, True)],
    )
    (passage,) = _passages(desk, 1)
    _match(desk, claim_id, passage, 0.9)
    review.set_blind_mode(desk, "Eve", True)
    review.assign(desk, "Eve", [claim_id], ["Ann", "Bob"])
    review.cite_passage(desk, "Ann", claim_id, passage, "refutes", note="Ann's secret note")
    review.save_verdict(desk, "Ann", claim_id, "False", rationale="Ann's secret rationale")
    return desk, claim_id, other_id, passage


ANN = ("Ann", "False", "secret", "refutes")


def _leaks(value) -> list[str]:
    text = json.dumps(value, default=str)
    return [word for word in ANN if word in text]


def test_the_queue_shows_a_blind_reviewer_nothing_of_others(reviewed):
    db, claim_id, _, _ = reviewed
    rows = {r["id"]: r for r in review.queue(db, viewer="Bob")["rows"]}
    row = rows[claim_id]
    assert row["assignees"] == "Bob" and row["verdicts"] == 0 and row["citations"] == 0
    assert row["verdict"] is None and row["needs_adjudication"] == 0
    assert row["status"] == "in_review"  # the true status, awaiting 2nd review, would tell
    assert _leaks(row) == []
    editor = {r["id"]: r for r in review.queue(db, viewer="Eve")["rows"]}[claim_id]
    assert (editor["status"], editor["verdicts"], editor["citations"]) == (
        "awaiting_second_review",
        1,
        1,
    )
    assert "Ann" in editor["assignees"]


def test_filters_and_counts_work_on_what_the_blind_reviewer_sees(reviewed):
    db, claim_id, other_id, _ = reviewed
    assert review.save_verdict(db, "Ann", other_id, "False")["status"] == "verdict"
    bob = review.queue(db, viewer="Bob")
    assert bob["counts"]["awaiting_second_review"] == 0 and bob["counts"]["verdict"] == 0
    assert bob["counts"]["in_review"] == 2
    hidden = [
        QueueFilters(statuses=("awaiting_second_review",)),
        QueueFilters(assignee="Ann"),
        QueueFilters(verdict="False"),
        QueueFilters(needs_adjudication=False, assignee="Ann"),
    ]
    for filters in hidden:
        assert review.queue(db, filters, viewer="Bob")["rows"] == [], filters
        assert review.queue(db, filters, viewer="Eve")["rows"], filters
    assert [
        r["id"] for r in review.queue(db, QueueFilters(assignee="Bob"), viewer="Bob")["rows"]
    ] == [claim_id]


def test_claim_page_and_history_hide_everything_until_the_reviewer_saves(reviewed):
    db, claim_id, _, passage = reviewed
    detail = review.claim_detail(db, claim_id, "Bob")
    assert detail["blind"] is True
    shown = {
        k: detail[k]
        for k in (
            "verdicts",
            "citations",
            "other_citations",
            "assignees",
            "evidence",
            "final_verdict",
            "needs_adjudication",
            "claim",
        )
    }
    assert _leaks(shown) == []
    assert [c["stance"] for c in detail["evidence"]] == [None]  # Ann's stance is not Bob's
    assert _leaks(review.history(db, claim_id, "Bob")) == []
    assert _leaks(review.annotations_long(db, viewer="Bob")) == []
    assert review.blinded_claims(db, "Bob", [claim_id]) == {claim_id}

    review.save_verdict(db, "Bob", claim_id, "True")
    after = review.claim_detail(db, claim_id, "Bob")
    assert after["blind"] is False
    assert [c["created_by"] for c in after["other_citations"]] == ["Ann"]
    assert {v["reviewer"] for v in after["verdicts"]} == {"Ann", "Bob"}
    assert "Ann's secret rationale" in json.dumps(review.history(db, claim_id, "Bob"))
    assert {r["reviewer"] for r in review.annotations_long(db, viewer="Bob")} == {"Ann", "Bob"}


def test_a_viewer_is_blind_too_and_cannot_review(reviewed):
    db, claim_id, _, _ = reviewed
    detail = review.claim_detail(db, claim_id, "Vic")
    assert detail["blind"] is True and detail["can_review"] is False
    assert _leaks(review.queue(db, viewer="Vic")["rows"]) == []
    with pytest.raises(PermissionDeniedError):
        review.cite_passage(db, "Vic", claim_id, 1, "supports")


def test_two_reviewers_citing_one_card_keep_two_citations(reviewed):
    db, claim_id, _, passage = reviewed
    review.cite_passage(db, "Bob", claim_id, passage, "supports")
    assert review.claim_detail(db, claim_id, "Ann")["evidence"][0]["stance"] == "refutes"
    assert review.claim_detail(db, claim_id, "Bob")["evidence"][0]["stance"] == "supports"
    editor = review.claim_detail(db, claim_id, "Eve")
    assert sorted((c["created_by"], c["stance"]) for c in editor["citations"]) == [
        ("Ann", "refutes"),
        ("Bob", "supports"),
    ]
    bobs = review.claim_detail(db, claim_id, "Bob")["own_citations"][0]
    anns = review.claim_detail(db, claim_id, "Ann")["own_citations"][0]
    with pytest.raises(PermissionDeniedError, match="another reviewer's"):
        review.remove_citation(db, "Bob", anns["id"])
    review.dismiss_evidence(db, "Bob", claim_id, passage)  # Bob's own card state only
    assert review.claim_detail(db, claim_id, "Ann")["own_citations"][0]["stance"] == "refutes"
    assert bobs["id"] not in {
        c["id"] for c in review.claim_detail(db, claim_id, "Eve")["citations"]
    }


def test_the_editor_chooses_the_sources_the_published_verdict_cites(reviewed):
    db, claim_id, _, passage = reviewed
    review.save_verdict(db, "Bob", claim_id, "False")
    bob = review.cite_external(db, "Bob", claim_id, "https://stats.example.org/t1", "refutes")
    review.publish(db, "Eve", claim_id, citations=[bob["id"]])
    chosen = [c for c in review.claim_detail(db, claim_id, "Eve")["citations"] if c["in_final"]]
    assert [c["id"] for c in chosen] == [bob["id"]]


def test_reviews_needed_decides_when_a_claim_is_ready(desk):
    _, (claim_id, second_id) = _article(
        desk, "Desk", [("A rose 5%.", 0.9, None, True), ("B fell 3%.", 0.9, None, True)]
    )
    assert review.save_verdict(desk, "Ann", claim_id, "False")["status"] == "verdict"
    review.set_reviews_needed(desk, "Eve", 2)
    assert review.reviews_needed(desk) == 2
    claim = review.save_verdict(desk, "Ann", second_id, "False")
    assert claim["status"] == "awaiting_second_review"
    assert review.claim_detail(desk, second_id, "Eve")["needs_adjudication"] is False
    claim = review.save_verdict(desk, "Bob", second_id, "True")
    assert claim["status"] == "awaiting_second_review"
    assert review.claim_detail(desk, second_id, "Eve")["needs_adjudication"] is True
    with pytest.raises(Exception, match="1, 2"):
        review.set_reviews_needed(desk, "Eve", 3)


def test_drafts_are_private_and_cleared_by_saving(desk):
    _, (claim_id,) = _article(desk, "Drafts", [("C doubled.", 0.9, None, True)])
    review.save_draft(desk, "Ann", claim_id, {"label": "False", "rationale": "half done"})
    assert review.get_draft(desk, "Ann", claim_id)["rationale"] == "half done"
    assert review.get_draft(desk, "Bob", claim_id) is None
    assert review.claim_detail(desk, claim_id, "Bob")["draft"] is None
    review.save_verdict(desk, "Ann", claim_id, "False")
    assert review.get_draft(desk, "Ann", claim_id) is None


def test_article_counts_do_not_tell_a_blind_reviewer_what_others_did(reviewed):
    from factcheck import workbench

    db, claim_id, other_id, _ = reviewed
    review.save_verdict(db, "Ann", other_id, "False")  # status: verdict
    (bobs,) = workbench.articles_view(db, "Bob")
    (eves,) = workbench.articles_view(db, "Eve")
    assert (bobs["reviewed"], eves["reviewed"]) == (0, 1)


def test_history_hides_every_act_of_another_person_from_a_blind_reviewer(desk):
    _, (claim_id,) = _article(desk, "Hist", [("D tripled.", 0.9, None, True)])
    review.set_blind_mode(desk, "Eve", True)
    review.start_review(desk, "Ann", claim_id)  # new -> in_review, by Ann
    review.start_review(desk, "Bob", claim_id)
    actors = {e["actor"] for e in review.history(desk, claim_id, "Bob")}
    assert "Ann" not in actors and "Bob" in actors


def test_a_blind_reviewer_sees_no_version_or_time_that_counts_others_work(reviewed):
    """Every save bumps a claim's version and time: shown to a blinded reviewer, they would
    count Ann's work. Bob sees the blind version (and the creation time) until he saves; his
    save with it still goes through, and a stale save after his own is refused."""
    db, claim_id, other_id, passage = reviewed
    before = review.claim_detail(db, claim_id, "Bob")["claim"]
    row = {r["id"]: r for r in review.queue(db, viewer="Bob")["rows"]}[claim_id]
    review.cite_passage(db, "Ann", claim_id, passage, "supports", note="changed her mind")
    after = review.claim_detail(db, claim_id, "Bob")["claim"]
    assert before["version"] == after["version"] == row["version"] == BLIND_VERSION
    assert after["updated_at"] == after["created_at"] == row["updated_at"]
    true = review.claim_detail(db, claim_id, "Eve")["claim"]
    assert true["version"] > BLIND_VERSION and true["updated_at"] > true["created_at"]
    # others' work does not reorder Bob's queue by last change either (Ann worked on the
    # other claim last: the editor's queue puts it first, Bob's keeps the order of creation)
    review.save_verdict(db, "Ann", other_id, "True")
    assert review.queue(db, viewer="Eve", sort="updated")["rows"][0]["id"] == other_id
    by_update = review.queue(db, viewer="Bob", sort="updated")["rows"]
    assert [r["id"] for r in by_update] == [claim_id, other_id]
    started = review.start_review(db, "Bob", claim_id, expected_version=BLIND_VERSION)
    assert started["version"] == BLIND_VERSION and started["status"] == "in_review"
    saved = review.save_verdict(db, "Bob", claim_id, "True", expected_version=BLIND_VERSION)
    assert saved["version"] > BLIND_VERSION  # no longer blind: the true version
    with pytest.raises(ConflictError):  # a second tab still holding the blind view
        review.save_verdict(db, "Bob", claim_id, "False", expected_version=BLIND_VERSION)
