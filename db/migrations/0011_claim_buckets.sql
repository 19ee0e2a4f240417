-- 0011: locality-sensitive hash buckets of the grouped claims' vectors, so that grouping a new
-- claim compares it with the claims sharing a bucket, not with every stored claim.
-- Append-only: never edit a migration that has landed; add a new numbered file instead.

-- One row per (band, claim): `slot` = band * 2^bits + the claim vector's signature in that
-- band (match.grouping: random hyperplanes, fixed per vector size). Written with the claim's
-- claim_groups row, in the same transaction.
CREATE TABLE claim_buckets (
    slot        INTEGER NOT NULL,
    claim_id    INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    PRIMARY KEY (slot, claim_id)
) WITHOUT ROWID;
CREATE INDEX claim_buckets_claim ON claim_buckets(claim_id);

-- The embedding model whose vector the claim's buckets hold (NULL: none yet; claims grouped
-- before 0011 get theirs on the next grouping, see match.grouping.backfill), and the vector's
-- side of every hyperplane (BANDS * BITS bits, packed): a candidate's cosine is estimated
-- from it before its vector is read.
ALTER TABLE claim_groups ADD COLUMN bucket_model TEXT;
ALTER TABLE claim_groups ADD COLUMN signature BLOB;
CREATE INDEX claim_groups_bucket_model ON claim_groups(bucket_model);
