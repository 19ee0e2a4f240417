-- 0010: watched feeds (`factcheck watch`, the Monitor page): RSS and Atom feeds polled for new
-- items, every poll, and every item seen with what became of it.
-- Append-only: never edit a migration that has landed; add a new numbered file instead.

-- A watched feed. `etag` and `last_modified` are the validators of its last 200 answer, sent
-- back as If-None-Match / If-Modified-Since. `last_status` is the last poll's outcome
-- ('ok', 'not-modified' for a 304, 'error' with `last_error`); NULL before the first poll. A
-- feed is due when `next_poll_at` <= now (ISO 8601 UTC strings compare in time order).
-- `active` = 0: paused, never polled.
CREATE TABLE feeds (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL UNIQUE,
    title           TEXT,                 -- given when added, else the feed's own
    every_seconds   INTEGER NOT NULL CHECK (every_seconds >= 60),
    etag            TEXT,
    last_modified   TEXT,
    added_by        TEXT NOT NULL,
    added_at        TEXT NOT NULL,
    last_polled_at  TEXT,
    last_status     TEXT CHECK (last_status IS NULL
                                OR last_status IN ('ok', 'not-modified', 'error')),
    last_error      TEXT,
    next_poll_at    TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE INDEX feeds_due ON feeds(active, next_poll_at);

-- One row per poll of a feed, written when it ends (with the feed's new state, one
-- transaction). `items_seen`: entries in the answer; `items_new`: new articles;
-- `items_duplicate`: new entries whose article was already stored (same link in another
-- feed, or the same text); `items_failed`: entries that could not be ingested. Entries seen
-- on an earlier poll count only in `items_seen`.
CREATE TABLE feed_polls (
    id               INTEGER PRIMARY KEY,
    feed_id          INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    started_at       TEXT NOT NULL,
    finished_at      TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('ok', 'not-modified', 'error')),
    http_status      INTEGER,
    items_seen       INTEGER NOT NULL DEFAULT 0,
    items_new        INTEGER NOT NULL DEFAULT 0,
    items_duplicate  INTEGER NOT NULL DEFAULT 0,
    items_failed     INTEGER NOT NULL DEFAULT 0,
    error            TEXT
);
CREATE INDEX feed_polls_feed ON feed_polls(feed_id, id);

-- Every entry of a feed, once: `guid` is the entry's id, else its link, else a hash of its
-- title and text. `content_hash` is the article's (articles.content_hash) once read.
-- 'ingested': this entry made `article_id`; 'duplicate': the article already existed;
-- 'failed': `error` says why, retried on later polls while `attempts` < 3 and it has a link.
CREATE TABLE feed_items (
    id             INTEGER PRIMARY KEY,
    feed_id        INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    guid           TEXT NOT NULL,
    link           TEXT,
    title          TEXT,
    content_hash   TEXT,
    article_id     INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    status         TEXT NOT NULL CHECK (status IN ('ingested', 'duplicate', 'failed')),
    error          TEXT,
    attempts       INTEGER NOT NULL DEFAULT 1,
    first_seen_at  TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (feed_id, guid)
);
CREATE INDEX feed_items_link ON feed_items(link);
CREATE INDEX feed_items_article ON feed_items(article_id);
