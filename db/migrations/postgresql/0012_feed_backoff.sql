-- 0012 (PostgreSQL): back-off for feeds that keep failing. Mirrors ../0012_feed_backoff.sql
-- (the comments there say what the column means).
-- Append-only: never edit a migration that has landed; add a new numbered file instead.

ALTER TABLE feeds ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0
    CHECK (consecutive_failures >= 0);

UPDATE feeds SET consecutive_failures = (
    SELECT count(*) FROM feed_polls p
    WHERE p.feed_id = feeds.id AND p.status = 'error'
      AND p.id > coalesce((SELECT max(q.id) FROM feed_polls q
                           WHERE q.feed_id = feeds.id AND q.status <> 'error'), 0))
WHERE last_status = 'error';
