-- 0005: accounts and sign-in; each reviewer's own evidence; drafts; a stricter audit log.
-- Append-only: never edit a migration that has landed; add a new numbered file instead.
-- foreign_keys: off
-- (The runner turns foreign keys off for this file because the reviewers table is rebuilt, and
-- runs PRAGMA foreign_key_check before committing.)

-- Reviewers become accounts: four roles, an argon2 password hash (NULL: no password sign-in,
-- e.g. accounts that a trusted proxy signs in), and a disabled flag (accounts are never deleted:
-- the audit log names them).
CREATE TABLE reviewers_new (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role           TEXT NOT NULL DEFAULT 'checker'
                   CHECK (role IN ('viewer', 'checker', 'editor', 'admin')),
    password_hash  TEXT,
    disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
INSERT INTO reviewers_new (id, name, role, created_at, updated_at)
    SELECT id, name, role, created_at, created_at FROM reviewers;
DROP TABLE reviewers;
ALTER TABLE reviewers_new RENAME TO reviewers;

-- Sign-in sessions: the browser holds a signed token; only its hash is stored, so a database
-- copy cannot sign anyone in. Signing out or disabling the account revokes it.
CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    reviewer_id  INTEGER NOT NULL REFERENCES reviewers(id),
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT
);
CREATE INDEX sessions_reviewer ON sessions(reviewer_id);

-- Secrets of this installation (the session signing key), never exported.
CREATE TABLE secrets (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- A citation belongs to the reviewer who made it: two reviewers citing one passage keep two
-- citations. in_final marks the sources the editor chose for the published verdict.
DROP INDEX citations_passage;
CREATE UNIQUE INDEX citations_passage ON citations(claim_id, passage_id, created_by)
    WHERE passage_id IS NOT NULL;
CREATE INDEX citations_owner ON citations(created_by, claim_id);
ALTER TABLE citations ADD COLUMN in_final INTEGER NOT NULL DEFAULT 0 CHECK (in_final IN (0, 1));

-- Dismissed evidence is each reviewer's own too.
CREATE TABLE evidence_dismissals_new (
    id            INTEGER PRIMARY KEY,
    claim_id      INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    passage_id    INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
    reason        TEXT,
    dismissed_by  TEXT NOT NULL,
    dismissed_at  TEXT NOT NULL,
    UNIQUE (claim_id, passage_id, dismissed_by)
);
INSERT INTO evidence_dismissals_new SELECT * FROM evidence_dismissals;
DROP TABLE evidence_dismissals;
ALTER TABLE evidence_dismissals_new RENAME TO evidence_dismissals;

-- A reviewer's unsaved verdict, rationale and confidence on a claim (survives a reload).
CREATE TABLE drafts (
    claim_id     INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    reviewer_id  INTEGER NOT NULL REFERENCES reviewers(id),
    value        TEXT NOT NULL,           -- JSON
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (claim_id, reviewer_id)
);

-- The audit log is append-only against every statement: INSERT OR REPLACE (which deletes
-- without firing the delete trigger) and any insert that reuses an id are refused.
CREATE TRIGGER events_no_reuse BEFORE INSERT ON events
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM events WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'events is append-only'); END;

-- Failed sign-ins are counted per account for rate limiting.
CREATE INDEX events_action ON events(action, entity_id, at);
