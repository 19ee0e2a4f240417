-- 0003: review — assignments, verdicts (individual and the editor's final one), citations,
-- dismissed evidence, and review settings (blind mode, scale) globally or per article.
-- Append-only: never edit a migration that has landed; add a new numbered file instead.

-- Who is asked to review a claim.
CREATE TABLE assignments (
    id           INTEGER PRIMARY KEY,
    claim_id     INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    reviewer_id  INTEGER NOT NULL REFERENCES reviewers(id),
    assigned_by  TEXT NOT NULL,
    assigned_at  TEXT NOT NULL,
    UNIQUE (claim_id, reviewer_id)
);
CREATE INDEX assignments_reviewer ON assignments(reviewer_id, claim_id);

-- One reviewer's verdict on a claim (is_final = 0), or the editor's final verdict (is_final = 1).
-- Individual verdicts are never replaced by the final one: both stay.
CREATE TABLE verdicts (
    id           INTEGER PRIMARY KEY,
    claim_id     INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    reviewer_id  INTEGER NOT NULL REFERENCES reviewers(id),
    label        TEXT NOT NULL,          -- canonical label of the scale
    scale        TEXT NOT NULL,          -- scale name (factcheck.scales)
    ordinal      REAL,                   -- position on an ordinal scale; NULL for nominal scales
    confidence   REAL CHECK (confidence IS NULL OR confidence BETWEEN 0 AND 1),
    rationale    TEXT NOT NULL DEFAULT '',
    is_final     INTEGER NOT NULL DEFAULT 0 CHECK (is_final IN (0, 1)),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX verdicts_individual ON verdicts(claim_id, reviewer_id) WHERE is_final = 0;
CREATE UNIQUE INDEX verdicts_final ON verdicts(claim_id) WHERE is_final = 1;
CREATE INDEX verdicts_label ON verdicts(label, claim_id);
CREATE INDEX verdicts_reviewer ON verdicts(reviewer_id, claim_id);

-- Evidence cited for a claim: a corpus passage or an external source (URL, title, quote).
CREATE TABLE citations (
    id           INTEGER PRIMARY KEY,
    claim_id     INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    verdict_id   INTEGER REFERENCES verdicts(id) ON DELETE SET NULL,
    passage_id   INTEGER REFERENCES passages(id),   -- no cascade: a cited passage is kept
    url          TEXT,
    title        TEXT,
    quote        TEXT,
    accessed_at  TEXT,                   -- ISO 8601 date the external source was read
    stance       TEXT NOT NULL CHECK (stance IN ('supports', 'refutes', 'mixed', 'context')),
    note         TEXT,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    CHECK ((passage_id IS NOT NULL) <> (url IS NOT NULL))
);
CREATE INDEX citations_claim ON citations(claim_id, id);
CREATE UNIQUE INDEX citations_passage ON citations(claim_id, passage_id)
    WHERE passage_id IS NOT NULL;

-- Candidate evidence (a matched passage) marked irrelevant for a claim.
CREATE TABLE evidence_dismissals (
    id            INTEGER PRIMARY KEY,
    claim_id      INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    passage_id    INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
    reason        TEXT,
    dismissed_by  TEXT NOT NULL,
    dismissed_at  TEXT NOT NULL,
    UNIQUE (claim_id, passage_id)
);

-- Small key/value settings; scope is 'global' or 'article:<id>' (the article's value wins).
CREATE TABLE settings (
    scope       TEXT NOT NULL DEFAULT 'global',
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,            -- JSON
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);

-- Queue filters.
CREATE INDEX claims_type ON claims(claim_type, status);
CREATE INDEX claims_updated ON claims(updated_at);
CREATE INDEX claims_status ON claims(status, article_id);
