-- 0002: the reference corpus (sources and their passages), the embedding cache, and matches.
-- Append-only: never edit a migration that has landed; add a new numbered file instead.

-- A reference document: a published fact-check, an article, an official document.
CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL DEFAULT 'fact-check'
                    CHECK (kind IN ('fact-check', 'article', 'official', 'other')),
    external_id     TEXT,                 -- the id in the imported file (e.g. a CheckThat vclaim_id)
    title           TEXT,
    url             TEXT,
    publisher       TEXT,                 -- e.g. Snopes, PolitiFact
    author          TEXT,                 -- who wrote the fact-check or article
    date            TEXT,                 -- publication date, ISO 8601 (YYYY-MM-DD) when parseable
    date_raw        TEXT,                 -- the date as written in the file
    claim_date      TEXT,                 -- when the reviewed claim was made, ISO 8601 when parseable
    claim_date_raw  TEXT,
    claimant        TEXT,                 -- who made the reviewed claim (speaker)
    verdict         TEXT,                 -- the published rating as a slug: false, mostly-true, pants-fire
    verdict_raw     TEXT,                 -- the rating as published: "Pants on Fire!"
    rating_value    REAL,                 -- schema.org reviewRating, when given
    best_rating     REAL,
    worst_rating    REAL,
    text            TEXT NOT NULL,        -- claim, title, lead and body joined by blank lines
    extra           TEXT NOT NULL DEFAULT '{}',   -- JSON: further fields kept from the file
    content_hash    TEXT NOT NULL UNIQUE, -- sha256 of the imported content: re-import adds nothing
    import_file     TEXT,
    import_format   TEXT,
    imported_at     TEXT NOT NULL,
    imported_by     TEXT NOT NULL DEFAULT 'cli'
);
CREATE INDEX sources_external_id ON sources(external_id);
CREATE INDEX sources_kind_verdict ON sources(kind, verdict);

-- The pieces of a source that get embedded: one per short field, sentence windows for a body.
CREATE TABLE passages (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,         -- order within the source
    field       TEXT NOT NULL CHECK (field IN ('claim', 'title', 'lead', 'body')),
    text        TEXT NOT NULL,
    start       INTEGER NOT NULL,         -- character offsets into sources.text
    "end"       INTEGER NOT NULL,
    text_hash   TEXT NOT NULL,            -- sha256 of the stripped text: the embedding cache key
    UNIQUE (source_id, idx),
    CHECK (start >= 0 AND "end" > start)
);
CREATE INDEX passages_text_hash ON passages(text_hash);
CREATE INDEX passages_field ON passages(field, source_id);

-- The embedding cache: one float32 vector per (text, model); never encode a text twice.
CREATE TABLE embeddings (
    text_hash   TEXT NOT NULL,
    model       TEXT NOT NULL,
    dim         INTEGER NOT NULL CHECK (dim > 0),
    vector      BLOB NOT NULL,            -- dim little-endian float32 values, L2-normalised
    created_at  TEXT NOT NULL,
    PRIMARY KEY (text_hash, model),
    CHECK (length(vector) = 4 * dim)
) WITHOUT ROWID;
CREATE INDEX embeddings_model ON embeddings(model);

-- Claim -> passage candidates; recomputable. model is '' for methods without one (lexical).
CREATE TABLE matches (
    id          INTEGER PRIMARY KEY,
    claim_id    INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    passage_id  INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
    score       REAL NOT NULL,
    rank        INTEGER NOT NULL CHECK (rank >= 1),
    method      TEXT NOT NULL,            -- dense, lexical, hybrid, ...
    model       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    UNIQUE (claim_id, passage_id, method, model)
);
CREATE INDEX matches_claim ON matches(claim_id, method, model, rank);
CREATE INDEX matches_passage ON matches(passage_id);
