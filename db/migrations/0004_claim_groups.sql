-- 0004: near-duplicate claims, within and across articles.
-- Append-only: never edit a migration that has landed; add a new numbered file instead.

-- Every matched check-worthy claim belongs to one group; group_id is the id of the group's
-- first claim (a claim alone is its own group). Recomputed by matching, like matches.
CREATE TABLE claim_groups (
    claim_id    INTEGER PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
    group_id    INTEGER NOT NULL,
    similarity  REAL,                     -- cosine to the claim it was grouped with (NULL: alone)
    model       TEXT NOT NULL,            -- embedding model of the claim vectors
    created_at  TEXT NOT NULL
);
CREATE INDEX claim_groups_group ON claim_groups(group_id);
