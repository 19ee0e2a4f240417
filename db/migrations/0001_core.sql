-- 0001: articles, their scored sentences/claims, reviewers, and the append-only event log.
-- Append-only: never edit a migration that has landed; add a new numbered file instead.

CREATE TABLE articles (
    id              INTEGER PRIMARY KEY,
    source          TEXT,                 -- URL, file path, 'stdin', 'paste', 'upload:<name>'
    source_kind     TEXT NOT NULL DEFAULT 'file'
                    CHECK (source_kind IN ('url', 'file', 'stdin', 'paste', 'upload', 'imported')),
    title           TEXT,
    publisher       TEXT,
    published_date  TEXT,                 -- ISO 8601 date when known
    language        TEXT,
    text            TEXT NOT NULL,
    content_hash    TEXT NOT NULL UNIQUE, -- sha256 of the normalised text
    extractor       TEXT NOT NULL DEFAULT 'default',
    ingested_at     TEXT NOT NULL,
    ingested_by     TEXT NOT NULL DEFAULT 'cli'
);

-- Every sentence of an article is stored with its score; check_worthy marks the claims.
CREATE TABLE claims (
    id              INTEGER PRIMARY KEY,
    article_id      INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    sentence_index  INTEGER NOT NULL,
    text            TEXT NOT NULL,
    start           INTEGER NOT NULL,     -- character offsets into articles.text
    "end"           INTEGER NOT NULL,
    context         TEXT,                 -- the surrounding sentences
    speaker         TEXT,                 -- who said it / the attribution
    attribution     TEXT,                 -- the cue ("said", "according to", "quoted ... as saying")
    quantities      TEXT NOT NULL DEFAULT '[]',   -- JSON list of {text, value, unit, counts}
    entities        TEXT NOT NULL DEFAULT '[]',   -- JSON list of {text, label}
    claim_type      TEXT,
    score           REAL NOT NULL CHECK (score BETWEEN 0 AND 1),
    reasons         TEXT NOT NULL DEFAULT '[]',   -- JSON list of readable strings
    check_worthy    INTEGER NOT NULL DEFAULT 0 CHECK (check_worthy IN (0, 1)),
    origin          TEXT NOT NULL DEFAULT 'default',  -- extractor that produced it: default, llm, manual, imported
    anchored        INTEGER NOT NULL DEFAULT 1 CHECK (anchored IN (0, 1)), -- 0: text not found in the article
    status          TEXT NOT NULL DEFAULT 'new'
                    CHECK (status IN ('new', 'in_review', 'awaiting_second_review',
                                      'verdict', 'published', 'dismissed')),
    text_hash       TEXT NOT NULL,        -- sha256 of the claim text (embedding cache key)
    version         INTEGER NOT NULL DEFAULT 1,   -- compare-and-set for concurrent edits
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (start >= 0 AND "end" >= start)
);
CREATE INDEX claims_article ON claims(article_id, sentence_index);
CREATE INDEX claims_queue ON claims(check_worthy, status, score DESC);
CREATE INDEX claims_text_hash ON claims(text_hash);

CREATE TABLE reviewers (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL DEFAULT 'checker' CHECK (role IN ('checker', 'editor')),
    created_at  TEXT NOT NULL
);

-- Append-only audit trail: who did what, when, with the row before and after (JSON).
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,            -- e.g. article.ingested, claim.created, claim.updated
    entity      TEXT NOT NULL,            -- table name
    entity_id   INTEGER,
    claim_id    INTEGER,                  -- set when the event concerns a claim (history view)
    article_id  INTEGER,
    before      TEXT,
    after       TEXT
);
CREATE INDEX events_claim ON events(claim_id, id);
CREATE INDEX events_entity ON events(entity, entity_id, id);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events is append-only'); END;
