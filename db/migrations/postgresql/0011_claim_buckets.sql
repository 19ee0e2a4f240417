-- 0011 (PostgreSQL): locality-sensitive hash buckets of the grouped claims' vectors. Mirrors
-- ../0011_claim_buckets.sql.
-- Append-only: never edit a migration that has landed; add a new numbered file instead.

CREATE TABLE claim_buckets (
    slot        BIGINT NOT NULL,
    claim_id    BIGINT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    PRIMARY KEY (slot, claim_id)
);
CREATE INDEX claim_buckets_claim ON claim_buckets(claim_id);

ALTER TABLE claim_groups ADD COLUMN bucket_model TEXT;
ALTER TABLE claim_groups ADD COLUMN signature BYTEA;
CREATE INDEX claim_groups_bucket_model ON claim_groups(bucket_model);
