-- 0006: the best match of a claim in one index seek.
-- Append-only: never edit a migration that has landed; add a new numbered file instead.

-- The queue's "best match" column and sort, the strong-match filter and the claim page's
-- neighbours in that sort read max(score) / score >= ? of each claim's matches. With 20
-- matches per claim this index answers from the index alone instead of reading every match
-- row: at 10,000 claims the queue sorted by best match takes about half the time
-- (bench/app_pages.py, bench/review_browser.py; figures in docs/benchmarks.md).
CREATE INDEX matches_claim_score ON matches(claim_id, score);
