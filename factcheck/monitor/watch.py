"""Watched feeds: add, list, pause, remove, poll one, run the poller.

A poll sends the feed's validators (ETag, Last-Modified) and stops at a 304. Otherwise each
entry, in the feed's order (at most :data:`MAX_ENTRIES` a poll), is recognised in turn:

1. by its GUID (the entry's id, else its link, else a hash of its title and text) among the
   items this feed already gave: seen before, nothing to do;
2. by its link among the items of every feed: the article exists, recorded as ``duplicate``;
3. otherwise its link is fetched under the URL rules (timeouts, size, redirects, public
   addresses) and goes through :func:`factcheck.pipeline.add_article` (extracted, stored,
   matched), whose content hash recognises a text already stored (``duplicate``). An entry
   without a link is ingested from its own content (HTML), source: the feed's URL.

An item that fails (its page cannot be fetched or read) is recorded ``failed`` with the reason
and, when it has a link, tried again on the next polls (also after a 304) until
:data:`MAX_ATTEMPTS` tries. A feed that fails (no answer, an HTTP error, too large, not a
feed) is recorded on its row (``last_status`` 'error', ``last_error``) and in its poll, and
never stops the other feeds. Every poll is a ``feed_polls`` row.

A feed that keeps failing backs off: after n failed polls in a row (``consecutive_failures``;
a poll that succeeds or answers 304 sets it back to 0) its next poll is due
:func:`retry_delay` later, its interval times 2^(n-1), at most :data:`MAX_BACKOFF`.

An article and its item row are two transactions (extraction and matching must not hold the
write lock): if the process stops between them, the next poll meets the entry again and the
content hash finds its article (recorded ``duplicate``); nothing is ingested twice.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from factcheck import pipeline
from factcheck.config import Settings
from factcheck.errors import FactcheckError, InputError, IntegrityError, NotFoundError
from factcheck.ingest import fetch
from factcheck.ingest import read as sources
from factcheck.monitor.feeds import FeedEntry, ParsedFeed, parse_feed, without_nul
from factcheck.storage import Database, utcnow
from factcheck.storage import feeds as store
from factcheck.text import http_url

MIN_EVERY = 60
MAX_EVERY = 7 * 86400
DEFAULT_EVERY = "15m"
MAX_ATTEMPTS = 3
MAX_ENTRIES = 100
MAX_SLEEP = 60.0
"""The long-running poller looks at the feeds at least this often (seconds), so a feed added
meanwhile is polled when due."""
MAX_BACKOFF = 86400
"""A failing feed's next poll is never put off by more than this (seconds), unless its own
interval is longer."""
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
EVERY_FORMS = "a number and a unit, e.g. 90s, 15m, 1h, 1h30m or 1d"
_PART = re.compile(r"(\d+)\s*([smhd])")

Progress = Callable[[str], None]


@dataclass
class PollResult:
    """The outcome of polling one feed (what its ``feed_polls`` row says)."""

    feed_id: int
    url: str
    status: str = "ok"
    http_status: int | None = None
    seen: int = 0
    new: int = 0
    duplicate: int = 0
    failed: int = 0
    error: str | None = None
    consecutive_failures: int = 0
    next_poll_at: str | None = None

    @property
    def message(self) -> str:
        where = f"feed {self.feed_id} {self.url}"
        if self.status == "error":
            tail = ""
            if self.consecutive_failures > 1 and self.next_poll_at:
                tail = (
                    f" ({self.consecutive_failures} failures in a row: next poll at "
                    f"{self.next_poll_at[:16].replace('T', ' ')} UTC)"
                )
            return f"{where}: error: {self.error}{tail}"
        if self.status == "not-modified":
            retried = self.new + self.duplicate + self.failed
            tail = f"; retried items: {self.new} new, {self.failed} failed" if retried else ""
            return f"{where}: not modified{tail}"
        return (
            f"{where}: {self.seen} items, {self.new} new, {self.duplicate} duplicates, "
            f"{self.failed} failed"
        )


# ---------------------------------------------------------------- intervals


def parse_every(value: str | int) -> int:
    """Seconds in an interval such as ``90s``, ``15m``, ``1h``, ``1h30m``, ``1d``
    (:class:`InputError` listing the forms otherwise; from 60 s to 7 days)."""
    text = str(value).strip().lower().replace(" ", "")
    if not text or _PART.sub("", text) or not _PART.search(text):
        raise InputError(f"interval {str(value)[:50]!r} not understood: use {EVERY_FORMS}")
    seconds = sum(int(number) * UNITS[unit] for number, unit in _PART.findall(text))
    if not MIN_EVERY <= seconds <= MAX_EVERY:
        raise InputError(
            f"interval {str(value)[:50]!r} is out of range: from {format_every(MIN_EVERY)} "
            f"to {format_every(MAX_EVERY)} ({EVERY_FORMS})"
        )
    return seconds


def retry_delay(every_seconds: int, failures: int) -> int:
    """Seconds to the next poll of a feed polled every ``every_seconds`` after ``failures``
    failed polls in a row: the interval, doubled for each failure after the first, at most
    :data:`MAX_BACKOFF` (never less than the interval)."""
    if failures <= 1:
        return every_seconds
    backed_off = every_seconds * 2 ** min(failures - 1, 32)
    return max(every_seconds, min(backed_off, MAX_BACKOFF))


def format_every(seconds: int) -> str:
    """``900`` -> ``15m``, ``5400`` -> ``1h30m``."""
    parts, rest = [], int(seconds)
    for unit in ("d", "h", "m", "s"):
        count, rest = divmod(rest, UNITS[unit])
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


# ---------------------------------------------------------------- the feeds


def add(
    db: Database,
    url: str,
    settings: Settings,
    *,
    actor: str,
    every: str | int = DEFAULT_EVERY,
    title: str | None = None,
) -> dict:
    """Watch the feed at ``url`` (http(s), on an address the settings allow), polled every
    ``every`` and first at the next run; the new feed's row."""
    url = http_url(url, "feed URL")
    fetch.check_url(url, allow_private=settings.allow_private_urls)
    seconds = parse_every(every)
    title = " ".join((title or "").split())[:500] or None
    existing = store.by_url(db, url)
    if existing is not None:
        raise InputError(f"already watching {url} (feed {existing['id']})")
    try:
        with db.write_transaction():
            feed_id = store.insert(
                db, url=url, title=title, every_seconds=seconds, actor=actor, next_poll_at=utcnow()
            )
    except IntegrityError:
        raise InputError(f"already watching {url}") from None
    return get(db, feed_id)


def get(db: Database, feed_id: int) -> dict:
    """The feed with id ``feed_id`` and its item counts (:class:`NotFoundError` if none)."""
    feed = store.get(db, feed_id)
    if feed is None:
        known = ", ".join(str(f["id"]) for f in store.list_all(db)) or "none yet"
        raise NotFoundError(f"no feed {feed_id} (feeds: {known}; see `factcheck watch list`)")
    return _shown(feed)


def list_feeds(db: Database) -> list[dict]:
    """Every feed with its interval (``every``), state and item counts."""
    return [_shown(feed) for feed in store.list_all(db)]


def recent_polls(db: Database, feed_id: int | None = None, limit: int = 50) -> list[dict]:
    """The latest polls, newest first."""
    return store.polls(db, feed_id, limit)


def items(db: Database, feed_id: int | None = None) -> list[dict]:
    """The items recorded (of one feed, or all), oldest first."""
    return store.items(db, feed_id)


def remove(db: Database, feed_id: int, *, actor: str) -> dict:
    """Stop watching a feed (its polls and items go, its articles stay); the removed row."""
    feed = get(db, feed_id)
    with db.write_transaction():
        store.delete(db, feed, actor=actor)
    return feed


def set_active(db: Database, feed_id: int, active: bool, *, actor: str) -> dict:
    """Pause (``active=False``) or resume a feed; the row as it is now."""
    feed = get(db, feed_id)
    with db.write_transaction():
        store.set_active(db, feed, active, actor=actor)
    return get(db, feed_id)


def _shown(feed: dict) -> dict:
    return {**feed, "every": format_every(feed["every_seconds"]), "active": bool(feed["active"])}


# ---------------------------------------------------------------- polling


def run(
    db: Database,
    settings: Settings,
    *,
    actor: str,
    once: bool = False,
    stop: threading.Event | None = None,
    report: Callable[[PollResult], None] | None = None,
    progress: Progress | None = None,
) -> list[PollResult]:
    """Poll the feeds. ``once``: every active feed now, then return their results. Otherwise
    run until ``stop`` is set: poll the feeds that are due, sleep until the next is due (at
    most :data:`MAX_SLEEP`), again; ``report`` hears each poll (nothing is kept)."""
    stop = stop or threading.Event()
    results: list[PollResult] = []
    while not stop.is_set():
        due = store.active(db) if once else store.active(db, due_by=utcnow())
        for feed in due:
            if stop.is_set():
                break
            result = poll_safely(db, feed, settings, actor=actor, progress=progress)
            if report:
                report(result)
            if once:
                results.append(result)
        if once:
            break
        stop.wait(_seconds_to_next(db))
    return results


def _seconds_to_next(db: Database) -> float:
    due = store.next_due(db)
    if due is None:
        return MAX_SLEEP
    wait = (datetime.fromisoformat(due) - datetime.now(UTC)).total_seconds()
    return min(MAX_SLEEP, max(1.0, wait))


def poll_safely(
    db: Database, feed: dict, settings: Settings, *, actor: str, progress: Progress | None = None
) -> PollResult:
    """:func:`poll`, with anything unexpected recorded as the feed's error, never raised."""
    try:
        return poll(db, feed, settings, actor=actor, progress=progress)
    except Exception as error:  # noqa: BLE001 - one feed's failure never stops the others
        result = PollResult(feed["id"], feed["url"], status="error")
        result.error = without_nul(f"unexpected {type(error).__name__}: {error}")
        try:
            _finish(db, feed, utcnow(), result, None)
        except Exception:  # noqa: BLE001 - e.g. the feed was removed meanwhile
            pass
        return result


def poll(
    db: Database, feed: dict, settings: Settings, *, actor: str, progress: Progress | None = None
) -> PollResult:
    """Poll one feed now: a conditional GET, then its new entries (see the module's
    docstring); the poll is recorded and returned. A feed's failure is in the result."""
    started = utcnow()
    if progress:
        progress(f"fetching {feed['url']}")
    try:
        fetched = fetch.fetch_feed(
            feed["url"], settings, etag=feed["etag"], last_modified=feed["last_modified"]
        )
    except FactcheckError as error:
        result = PollResult(feed["id"], feed["url"], status="error", error=without_nul(str(error)))
        _finish(db, feed, started, result, None)
        return result
    return ingest_feed(
        db, feed, fetched, settings, actor=actor, started_at=started, progress=progress
    )


def ingest_feed(
    db: Database,
    feed: dict,
    fetched: fetch.Fetched,
    settings: Settings,
    *,
    actor: str,
    started_at: str | None = None,
    progress: Progress | None = None,
) -> PollResult:
    """Record an answer to a feed's request (``fetched``): parse it, ingest its new entries,
    retry failed items, write the poll. Unreadable bytes are the poll's error, and then
    nothing but the poll and the feed's state is written."""
    started = started_at or utcnow()
    result = PollResult(feed["id"], feed["url"], http_status=fetched.status)
    parsed: ParsedFeed | None = None
    if fetched.status == 304:
        result.status = "not-modified"
    else:
        try:
            parsed = parse_feed(fetched.data, url=fetched.url, content_type=fetched.media_type)
        except InputError as error:
            result.status, result.error = "error", without_nul(str(error))
            _finish(db, feed, started, result, None)
            return result
    entries = parsed.entries[:MAX_ENTRIES] if parsed else []
    result.seen = len(entries)
    handled: set[str] = set()
    for entry in entries:
        if entry.guid in handled:
            continue
        handled.add(entry.guid)
        known = store.item(db, feed["id"], entry.guid)
        if known is not None and not _retry(known):
            continue
        _count(result, _ingest_entry(db, feed, entry, settings, actor=actor, progress=progress))
    for item in store.items_to_retry(db, feed["id"], MAX_ATTEMPTS):
        if item["guid"] not in handled:
            entry = FeedEntry(guid=item["guid"], link=item["link"], title=item["title"], html=None)
            _count(result, _ingest_entry(db, feed, entry, settings, actor=actor, progress=progress))
    _finish(db, feed, started, result, fetched, parsed)
    return result


def _retry(item: dict) -> bool:
    return item["status"] == "failed" and bool(item["link"]) and item["attempts"] < MAX_ATTEMPTS


def _count(result: PollResult, status: str) -> None:
    if status == "ingested":
        result.new += 1
    elif status == "duplicate":
        result.duplicate += 1
    else:
        result.failed += 1


def _ingest_entry(
    db: Database,
    feed: dict,
    entry: FeedEntry,
    settings: Settings,
    *,
    actor: str,
    progress: Progress | None,
) -> str:
    """Ingest one entry and record it; its status (ingested, duplicate, failed)."""
    record = {"feed_id": feed["id"], "guid": entry.guid, "link": entry.link, "title": entry.title}
    if entry.link:
        other = store.item_with_article_by_link(db, entry.link)
        if other is not None:
            with db.write_transaction():
                store.save_item(
                    db,
                    **record,
                    status="duplicate",
                    article_id=other["article_id"],
                    content_hash=other["content_hash"],
                )
            return "duplicate"
    if progress:
        progress(f"reading {entry.link or entry.title or entry.guid}")
    try:
        document = _document(feed, entry, settings)
        added = pipeline.add_article(db, settings, document=document, actor=actor)
    except FactcheckError as error:
        with db.write_transaction():
            store.save_item(db, **record, status="failed", error=without_nul(str(error))[:1000])
        return "failed"
    status = "ingested" if added.created else "duplicate"
    with db.write_transaction():
        store.save_item(
            db,
            **record,
            status=status,
            article_id=added.article_id,
            content_hash=pipeline.content_hash(document.text),
        )
    return status


def _document(feed: dict, entry: FeedEntry, settings: Settings):
    """The entry's article: its linked page, fetched under the URL rules, else its content."""
    if entry.link:
        document = sources.load_url(entry.link, settings)
    elif entry.html:
        document = sources.load_bytes(
            entry.html.encode("utf-8"),
            source=feed["url"],
            source_kind="url",
            settings=settings,
            content_type="text/html",
        )
    else:
        raise InputError("the entry has neither a link nor any text")
    document.title = document.title or entry.title
    return document


def _finish(
    db: Database,
    feed: dict,
    started: str,
    result: PollResult,
    fetched: fetch.Fetched | None,
    parsed: ParsedFeed | None = None,
) -> None:
    """Write the poll and the feed's new state (its failures in a row, and when it is due
    again: :func:`retry_delay`) in one transaction; the result learns both."""
    finished = datetime.now(UTC)
    changes: dict = {
        "last_polled_at": finished.isoformat(timespec="microseconds"),
        "last_status": result.status,
        "last_error": result.error,
    }
    if fetched is not None and fetched.status != 304:  # a new answer: its validators
        changes["etag"], changes["last_modified"] = fetched.etag, fetched.last_modified
    elif fetched is not None:  # a 304 may carry new validators
        changes["etag"] = fetched.etag or feed["etag"]
        changes["last_modified"] = fetched.last_modified or feed["last_modified"]
    if parsed is not None and parsed.title and not feed["title"]:
        changes["title"] = parsed.title
    poll = {
        "started_at": started,
        "finished_at": changes["last_polled_at"],
        "status": result.status,
        "http_status": result.http_status,
        "items_seen": result.seen,
        "items_new": result.new,
        "items_duplicate": result.duplicate,
        "items_failed": result.failed,
        "error": result.error,
    }
    with db.write_transaction():
        failures = store.count_outcome(db, feed["id"], failed=result.status == "error")
        delay = retry_delay(feed["every_seconds"], failures)
        changes["next_poll_at"] = (finished + timedelta(seconds=delay)).isoformat(
            timespec="microseconds"
        )
        store.finish_poll(db, feed["id"], poll, changes)
    result.consecutive_failures, result.next_poll_at = failures, changes["next_poll_at"]
