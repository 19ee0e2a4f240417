-- 0006 (PostgreSQL): the best match of a claim in one index seek. Mirrors
-- ../0006_match_score_index.sql.
-- Append-only: never edit a migration that has landed; add a new numbered file instead.

CREATE INDEX matches_claim_score ON matches(claim_id, score);
