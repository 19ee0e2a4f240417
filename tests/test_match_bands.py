"""Match bands and calibrated confidence: the shipped calibration is a probability that never
rises down a ranked list, every check-worthy claim keeps its top-k candidates (weak ones
too) in the re-ranker's order with band and confidence, and the app's views show them so."""

from __future__ import annotations

import numpy as np
import pytest

from factcheck import workbench
from factcheck.config import load_settings
from factcheck.demo import ensure_demo
from factcheck.match import calibration
from factcheck.match import matcher as match
from factcheck.pipeline import ingest_source
from factcheck.review import workflow as review
from factcheck.storage import matches as store
from factcheck.storage.review import QueueFilters

pytestmark = pytest.mark.usefixtures("fresh_match_cache")


def test_the_shipped_calibration_is_a_probability_that_follows_the_score():
    shipped = calibration.shipped()
    assert 0 < shipped.suggested < shipped.strong < 1
    assert shipped.info["target_precision"] == 0.9
    rng = np.random.default_rng(0)
    for method in ("rerank", "dense", "hybrid"):
        for _ in range(50):
            scores = np.sort(rng.uniform(0.01, 0.99, 6))[::-1]
            sims = np.sort(rng.uniform(0.1, 0.9, 6))[::-1]
            conf = shipped.confidences(scores, sims, method)
            assert ((conf >= 0) & (conf <= 1)).all()
            assert (np.diff(conf) <= 0).all()  # never rises down the list
    low, high = (
        shipped.confidences([s, 0.05], [0.6, 0.3], "rerank")[0] for s in (0.3, 0.95)
    )  # a higher re-ranker score, all else equal, is more likely right
    assert high > low
    assert shipped.confidences([], [], "rerank").shape == (0,)


def test_bands_follow_the_thresholds():
    assert calibration.band(0.9, 0.8, 0.3) == "strong"
    assert calibration.band(0.8, 0.8, 0.3) == "strong"
    assert calibration.band(0.5, 0.8, 0.3) == "suggested"
    assert calibration.band(0.1, 0.8, 0.3) == "weak"
    assert calibration.band(float("nan"), 0.8, 0.3) == "weak"


@pytest.mark.model
def test_every_check_worthy_claim_keeps_its_top_k_in_rank_order(db, settings):
    ensure_demo(db, settings)
    claims = store.check_worthy_ids(db)
    assert claims
    for claim_id in claims:
        rows = store.for_claim(db, claim_id)
        assert [r["rank"] for r in rows] == list(range(1, settings.match_top_k + 1))
        confidences = [r["confidence"] for r in rows]
        assert all(0 <= c <= 1 for c in confidences)
        assert confidences == sorted(confidences, reverse=True)
        for row in rows:
            expected = calibration.band(
                row["confidence"], settings.match_strong, settings.match_suggested
            )
            assert row["band"] == row["strength"] == expected
            assert row["external_id"]  # the corpus file's own id


@pytest.mark.model
def test_a_claim_without_a_good_candidate_still_gets_weak_cards(db, settings, tmp_path):
    ensure_demo(db, settings)
    article = tmp_path / "odd.txt"
    article.write_text(
        "Harbour notes\n\nThe harbour master said 41 pelicans nested on the north pier in "
        "March, twice as many as in 2019.\n",
        encoding="utf-8",
    )
    result = ingest_source(db, str(article), settings, actor="test")
    result_match = match.match_claims(db, store.check_worthy_ids(db, result.article_id), settings)
    assert result_match.weak > 0
    assert f"{result_match.weak} weak" in result_match.message
    claim_id = store.check_worthy_ids(db, result.article_id)[0]
    review.ensure_reviewer(db, "Ann", "checker")
    cards = workbench.evidence_cards(db, claim_id, "Ann")
    assert len(cards) == settings.match_top_k
    assert [c["rank"] for c in cards] == list(range(1, len(cards) + 1))
    assert cards[-1]["band"] == "weak" and cards[-1]["confidence"] < settings.match_suggested
    assert all(c["score"] is not None for c in cards)  # the similarity is still there


@pytest.mark.model
def test_the_queue_reads_the_best_confidence(db, settings):
    ensure_demo(db, settings)
    review.ensure_reviewer(db, "Ann", "checker")
    rows = review.queue(db, sort="match")["rows"]
    best = {r["id"]: r["best_match"] for r in rows}
    for claim_id, value in best.items():
        stored = [m["confidence"] for m in store.for_claim(db, claim_id)]
        assert value == (max(stored) if stored else None)
    strong = review.queue(db, QueueFilters(strong_match=settings.match_strong))["rows"]
    assert strong and all(
        any(m["band"] == "strong" for m in store.for_claim(db, r["id"])) for r in strong
    )


@pytest.mark.model
def test_search_bands_its_results_the_same_way(db, settings):
    ensure_demo(db, settings)
    rows = match.search(db, "world population eight billion", 4, None, settings)
    assert [r["rank"] for r in rows] == [1, 2, 3, 4]
    for row in rows:
        assert row["strength"] == calibration.band(
            row["confidence"], settings.match_strong, settings.match_suggested
        )
    assert rows[0]["strength"] == "strong" and "billion" in rows[0]["text"]
    strict = load_settings(match_suggested=0.999, match_strong=1.0)
    assert "strong" not in {
        r["strength"] for r in match.search(db, "eight billion", 3, None, strict)
    }
