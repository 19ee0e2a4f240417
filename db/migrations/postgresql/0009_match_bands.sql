-- 0009 (PostgreSQL): match bands and calibrated confidence. Mirrors ../0009_match_bands.sql.
-- Append-only: never edit a migration that has landed; add a new numbered file instead.

ALTER TABLE matches ADD COLUMN band TEXT
    CHECK (band IS NULL OR band IN ('strong', 'suggested', 'weak'));
ALTER TABLE matches ADD COLUMN confidence DOUBLE PRECISION
    CHECK (confidence IS NULL OR confidence BETWEEN 0 AND 1);

-- The queue's "best match" column and sort, the strong-match filter and the claim page's
-- neighbours in that sort read max(confidence) / confidence >= ? of each claim's matches (as
-- 0006's index serves the similarity).
CREATE INDEX matches_claim_confidence ON matches(claim_id, confidence);
