"""SQL for watched feeds (``feeds``, ``feed_polls``, ``feed_items``; migrations 0010 and 0012).
Adding, pausing and removing a feed record their events (call inside a transaction); polls are
their own record (``feed_polls``)."""

from __future__ import annotations

from factcheck.storage import Database, events, one_row, utcnow

FEED_COLUMNS = (
    "f.id, f.url, f.title, f.every_seconds, f.etag, f.last_modified, f.added_by, f.added_at, "
    "f.last_polled_at, f.last_status, f.last_error, f.next_poll_at, f.active, "
    "f.consecutive_failures"
)
COUNTS = (
    "(SELECT count(*) FROM feed_items i WHERE i.feed_id = f.id AND i.status = 'ingested') "
    "AS items_ingested, "
    "(SELECT count(*) FROM feed_items i WHERE i.feed_id = f.id AND i.status = 'duplicate') "
    "AS items_duplicate, "
    "(SELECT count(*) FROM feed_items i WHERE i.feed_id = f.id AND i.status = 'failed') "
    "AS items_failed"
)


def insert(
    db: Database, *, url: str, title: str | None, every_seconds: int, actor: str, next_poll_at: str
) -> int:
    """A new watched feed (due at ``next_poll_at``); its id."""
    feed_id = events.insert_id(
        db,
        "INSERT INTO feeds (url, title, every_seconds, added_by, added_at, next_poll_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [url, title, every_seconds, actor, utcnow(), next_poll_at],
    )
    events.record(
        db,
        actor=actor,
        action="feed.added",
        entity="feeds",
        entity_id=feed_id,
        after={"url": url, "title": title, "every_seconds": every_seconds},
    )
    return feed_id


def get(db: Database, feed_id: int) -> dict | None:
    """The feed with its item counts, or None."""
    return one_row(db, f"SELECT {FEED_COLUMNS}, {COUNTS} FROM feeds f WHERE f.id = ?", [feed_id])


def by_url(db: Database, url: str) -> dict | None:
    return one_row(db, f"SELECT {FEED_COLUMNS}, {COUNTS} FROM feeds f WHERE f.url = ?", [url])


def list_all(db: Database) -> list[dict]:
    """Every feed with its item counts, in the order they were added."""
    return list(db.query(f"SELECT {FEED_COLUMNS}, {COUNTS} FROM feeds f ORDER BY f.id"))


def active(db: Database, due_by: str | None = None) -> list[dict]:
    """The active feeds (only those due at ``due_by`` when given), soonest due first."""
    sql = f"SELECT {FEED_COLUMNS} FROM feeds f WHERE f.active = 1"
    params: list = []
    if due_by is not None:
        sql += " AND f.next_poll_at <= ?"
        params.append(due_by)
    return list(db.query(sql + " ORDER BY f.next_poll_at, f.id", params))


def next_due(db: Database) -> str | None:
    """When the next active feed is due (None: no active feed)."""
    row = one_row(db, "SELECT min(next_poll_at) AS due FROM feeds WHERE active = 1", [])
    return row["due"] if row else None


def set_active(db: Database, feed: dict, active: bool, *, actor: str) -> None:
    """Pause or resume ``feed`` (recorded when it changes); a resumed feed is due now, even
    one that was backing off (its failure count stays, so a new failure backs off further)."""
    due = "CASE WHEN ? = 1 THEN ? ELSE next_poll_at END"
    cursor = db.execute(
        f"UPDATE feeds SET active = ?, next_poll_at = {due} WHERE id = ? AND active <> ?",
        [int(active), int(active), utcnow(), feed["id"], int(active)],
    )
    if cursor.rowcount == 1:
        events.record(
            db,
            actor=actor,
            action="feed.resumed" if active else "feed.paused",
            entity="feeds",
            entity_id=feed["id"],
            after={"url": feed["url"]},
        )


def delete(db: Database, feed: dict, *, actor: str) -> None:
    """Stop watching ``feed``: its polls and items go; the articles stay."""
    db.execute("DELETE FROM feeds WHERE id = ?", [feed["id"]])
    events.record(
        db,
        actor=actor,
        action="feed.removed",
        entity="feeds",
        entity_id=feed["id"],
        before={"url": feed["url"], "title": feed["title"]},
    )


# ---------------------------------------------------------------- polls


def count_outcome(db: Database, feed_id: int, *, failed: bool) -> int:
    """One more consecutive failure of the feed (``failed``), else none: the count now (0 for
    a feed removed meanwhile). Call inside the poll's write transaction, before
    :func:`finish_poll`: the row is then locked, so concurrent polls count each failure."""
    db.execute(
        "UPDATE feeds SET consecutive_failures = "
        "CASE WHEN ? = 1 THEN consecutive_failures + 1 ELSE 0 END WHERE id = ?",
        [int(failed), feed_id],
    )
    row = one_row(db, "SELECT consecutive_failures FROM feeds WHERE id = ?", [feed_id])
    return int(row["consecutive_failures"]) if row else 0


def finish_poll(db: Database, feed_id: int, poll: dict, feed_changes: dict) -> int:
    """Record a poll (``poll``: the feed_polls columns) and the feed's new state
    (``feed_changes``: feeds columns), in the caller's transaction; the poll's id."""
    columns = list(poll)
    poll_id = events.insert_id(
        db,
        f"INSERT INTO feed_polls (feed_id, {', '.join(columns)}) "
        f"VALUES (?, {', '.join('?' for _ in columns)})",
        [feed_id, *poll.values()],
    )
    assignments = ", ".join(f"{column} = ?" for column in feed_changes)
    db.execute(f"UPDATE feeds SET {assignments} WHERE id = ?", [*feed_changes.values(), feed_id])
    return poll_id


def polls(db: Database, feed_id: int | None = None, limit: int = 50) -> list[dict]:
    """The latest polls (of one feed, or of all), newest first, with the feed's URL."""
    sql = (
        "SELECT p.*, f.url, f.title FROM feed_polls p JOIN feeds f ON f.id = p.feed_id"
        + (" WHERE p.feed_id = ?" if feed_id is not None else "")
        + " ORDER BY p.id DESC LIMIT ?"
    )
    params = [feed_id, limit] if feed_id is not None else [limit]
    return list(db.query(sql, params))


# ---------------------------------------------------------------- items


def item(db: Database, feed_id: int, guid: str) -> dict | None:
    """The feed's item with this guid, or None."""
    return one_row(db, "SELECT * FROM feed_items WHERE feed_id = ? AND guid = ?", [feed_id, guid])


def item_with_article_by_link(db: Database, link: str) -> dict | None:
    """An item of any feed with this link that has an article, or None."""
    return one_row(
        db,
        "SELECT * FROM feed_items WHERE link = ? AND article_id IS NOT NULL ORDER BY id LIMIT 1",
        [link],
    )


def items_to_retry(db: Database, feed_id: int, max_attempts: int) -> list[dict]:
    """The feed's failed items with a link and fewer than ``max_attempts`` tries."""
    return list(
        db.query(
            "SELECT * FROM feed_items WHERE feed_id = ? AND status = 'failed' "
            "AND link IS NOT NULL AND attempts < ? ORDER BY id",
            [feed_id, max_attempts],
        )
    )


def items(db: Database, feed_id: int | None = None) -> list[dict]:
    """The items (of one feed, or of all), oldest first."""
    if feed_id is None:
        return list(db.query("SELECT * FROM feed_items ORDER BY id"))
    return list(db.query("SELECT * FROM feed_items WHERE feed_id = ? ORDER BY id", [feed_id]))


def save_item(
    db: Database,
    *,
    feed_id: int,
    guid: str,
    link: str | None,
    title: str | None,
    status: str,
    article_id: int | None = None,
    content_hash: str | None = None,
    error: str | None = None,
) -> None:
    """Record what became of an entry: a new row, or (a retry) the failed row updated with one
    more attempt; a row that is not 'failed' is kept (a concurrent poll recorded it first)."""
    now = utcnow()
    db.execute(
        "INSERT INTO feed_items (feed_id, guid, link, title, content_hash, article_id, status, "
        "error, attempts, first_seen_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) "
        "ON CONFLICT (feed_id, guid) DO UPDATE SET link = excluded.link, "
        "title = excluded.title, content_hash = excluded.content_hash, "
        "article_id = excluded.article_id, status = excluded.status, error = excluded.error, "
        "attempts = feed_items.attempts + 1, updated_at = excluded.updated_at "
        "WHERE feed_items.status = 'failed'",
        [feed_id, guid, link, title, content_hash, article_id, status, error, now, now],
    )
