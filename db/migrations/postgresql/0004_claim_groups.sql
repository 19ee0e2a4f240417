-- 0004 (PostgreSQL): near-duplicate claims, within and across articles. Mirrors
-- ../0004_claim_groups.sql.
-- Append-only: never edit a migration that has landed; add a new numbered file instead.

CREATE TABLE claim_groups (
    claim_id    BIGINT PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
    group_id    BIGINT NOT NULL,
    similarity  DOUBLE PRECISION,
    model       TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX claim_groups_group ON claim_groups(group_id);
