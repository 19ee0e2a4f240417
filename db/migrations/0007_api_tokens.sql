-- 0007: API tokens for the HTTP API (`factcheck serve`).
-- Append-only: never edit a migration that has landed; add a new numbered file instead.

-- A token acts as its account, with the account's role and blind review. The caller holds the
-- token (printed once by `factcheck users token`); only its sha256 is stored, so a copy of the
-- database cannot call the API. `prefix` (the token's first characters, too few to guess the
-- rest) lets a person tell their tokens apart. A revoked token is kept (the audit log names it).
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    reviewer_id  INTEGER NOT NULL REFERENCES reviewers(id),
    label        TEXT NOT NULL DEFAULT '',
    prefix       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    revoked_at   TEXT
);
CREATE INDEX api_tokens_reviewer ON api_tokens(reviewer_id);
