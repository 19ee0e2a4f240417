-- 0012: back-off for feeds that keep failing. A failed poll counts one more consecutive
-- failure; a poll that succeeds (or answers 304) sets the count back to 0. After n failures
-- in a row the next poll is due every_seconds * 2^(n-1) later, at most a day (or the feed's
-- own interval when that is longer): see factcheck.monitor.watch.retry_delay.
-- Append-only: never edit a migration that has landed; add a new numbered file instead.

ALTER TABLE feeds ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0
    CHECK (consecutive_failures >= 0);

-- Feeds failing when this runs: their error polls since the last poll that did not fail.
UPDATE feeds SET consecutive_failures = (
    SELECT count(*) FROM feed_polls p
    WHERE p.feed_id = feeds.id AND p.status = 'error'
      AND p.id > coalesce((SELECT max(q.id) FROM feed_polls q
                           WHERE q.feed_id = feeds.id AND q.status <> 'error'), 0))
WHERE last_status = 'error';
