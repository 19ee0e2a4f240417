-- 0009: match bands. Every check-worthy claim keeps its best candidates, weak ones included,
-- each with its band (strong, suggested, weak) and a calibrated confidence (the estimated
-- probability that the candidate is the right fact-check; see match.calibration).
-- Append-only: never edit a migration that has landed; add a new numbered file instead.

ALTER TABLE matches ADD COLUMN band TEXT
    CHECK (band IS NULL OR band IN ('strong', 'suggested', 'weak'));
ALTER TABLE matches ADD COLUMN confidence REAL
    CHECK (confidence IS NULL OR confidence BETWEEN 0 AND 1);

-- The queue's "best match" column and sort, the strong-match filter and the claim page's
-- neighbours in that sort read max(confidence) / confidence >= ? of each claim's matches (as
-- 0006's index serves the similarity).
CREATE INDEX matches_claim_confidence ON matches(claim_id, confidence);
