"""Back-off for watched feeds that keep failing: each failed poll in a row doubles the wait for
the next (the interval after the first, at most a day), a poll that works or answers 304 starts
again at the interval, the poller leaves a backing-off feed alone until it is due, `watch list`
shows it, and migration 0012 counts the failures of feeds already failing. Times are read from
the stored next_poll_at: nothing sleeps."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from click.testing import CliRunner
from feed_server import rss

from factcheck import resources
from factcheck.cli import cli
from factcheck.monitor import watch
from factcheck.storage import apply_migrations, open_db
from factcheck.storage import feeds as store


def wait_of(feed: dict) -> timedelta:
    """How long after its last poll the feed is due again."""
    return datetime.fromisoformat(feed["next_poll_at"]) - datetime.fromisoformat(
        feed["last_polled_at"]
    )


def poll(db, local, feed_id: int) -> tuple[watch.PollResult, dict]:
    result = watch.poll_safely(db, watch.get(db, feed_id), local, actor="w")
    return result, watch.get(db, feed_id)


def test_the_delay_doubles_after_the_first_failure_up_to_a_day():
    assert [watch.retry_delay(900, n) for n in range(7)] == [
        900,
        900,
        1800,
        3600,
        7200,
        14400,
        28800,
    ]
    assert watch.retry_delay(900, 8) == 86400 == watch.MAX_BACKOFF  # 900 * 128 capped
    assert watch.retry_delay(900, 10_000) == 86400
    assert watch.retry_delay(3 * 86400, 5) == 3 * 86400  # never shorter than the interval


def test_a_failing_feed_backs_off_and_resets_after_a_success(db, local, feed_site):
    url = feed_site.route("/flaky.xml", "oops", status=500)
    feed = watch.add(db, url, local, actor="ed", every="1h")
    assert feed["consecutive_failures"] == 0
    waits = []
    for expected in range(1, 9):
        result, row = poll(db, local, feed["id"])
        assert result.status == "error" and "HTTP 500" in result.error
        assert row["consecutive_failures"] == result.consecutive_failures == expected
        assert row["next_poll_at"] == result.next_poll_at
        waits.append(wait_of(row) / timedelta(hours=1))
    assert waits == [1, 2, 4, 8, 16, 24, 24, 24]  # hours: capped at a day
    assert "8 failures in a row: next poll at" in result.message
    assert [p["status"] for p in watch.recent_polls(db, feed["id"])] == ["error"] * 8

    feed_site.feed("/flaky.xml", rss("Flaky", []), etag='"v1"')
    result, row = poll(db, local, feed["id"])
    assert (result.status, row["consecutive_failures"], wait_of(row)) == (
        "ok",
        0,
        timedelta(hours=1),
    )
    assert "failures in a row" not in result.message

    feed_site.validators["/flaky.xml"] = {}  # fails twice, keeping the ETag it had
    feed_site.route("/flaky.xml", "down", status=503)
    for _ in range(2):
        _, row = poll(db, local, feed["id"])
    assert (row["consecutive_failures"], wait_of(row)) == (2, timedelta(hours=2))
    feed_site.feed("/flaky.xml", rss("Flaky", []), etag='"v1"')  # the same ETag: 304
    result, row = poll(db, local, feed["id"])
    assert (result.status, row["consecutive_failures"], wait_of(row)) == (
        "not-modified",
        0,
        timedelta(hours=1),
    )


def test_the_poller_leaves_a_backing_off_feed_alone_until_it_is_due(db, local, feed_site):
    url = feed_site.route("/down.xml", "oops", status=500)
    feed = watch.add(db, url, local, actor="ed", every="10m")
    for _ in range(3):
        _, row = poll(db, local, feed["id"])
    assert wait_of(row) == timedelta(minutes=40)
    last = datetime.fromisoformat(row["last_polled_at"])
    after_interval = (last + timedelta(minutes=10, seconds=1)).isoformat(timespec="microseconds")
    assert store.active(db, due_by=after_interval) == []  # not due at its plain interval
    assert [f["id"] for f in store.active(db, due_by=row["next_poll_at"])] == [feed["id"]]
    assert store.next_due(db) == row["next_poll_at"]


def test_an_unexpected_failure_counts_too(db, local, feed_site, monkeypatch):
    url = feed_site.feed(
        "/bug.xml", rss("Bug", [{"title": "t", "description": "<p>Prices rose.</p>"}])
    )
    feed = watch.add(db, url, local, actor="ed", every="5m")

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(watch, "ingest_feed", broken)
    for expected in (1, 2):
        result, row = poll(db, local, feed["id"])
        assert result.error == "unexpected RuntimeError: a bug"
        assert row["consecutive_failures"] == expected
    assert wait_of(row) == timedelta(minutes=10)


def test_watch_list_shows_the_failures_and_the_next_poll(db, db_path, local, feed_site):
    url = feed_site.route("/cli.xml", "oops", status=500)
    feed = watch.add(db, url, local, actor="ed", every="15m")
    for _ in range(2):
        poll(db, local, feed["id"])
    row = watch.get(db, feed["id"])
    runner = CliRunner()
    listed = runner.invoke(cli, ["watch", "list", "--format", "json", "--db", str(db_path)])
    assert listed.exit_code == 0, listed.output
    (shown,) = json.loads(listed.output)
    assert (shown["consecutive_failures"], shown["next_poll_at"]) == (2, row["next_poll_at"])
    table = runner.invoke(cli, ["watch", "list", "--db", str(db_path)])
    assert table.exit_code == 0
    header = table.output.splitlines()[0].split()
    assert "consecutive_failures" in header and "next_poll_at" in header
    assert row["next_poll_at"][:19] in table.output
    ran = runner.invoke(
        cli, ["watch", "run", "--once", "--allow-private-urls", "--db", str(db_path)]
    )
    assert ran.exit_code == 1 and "3 failures in a row: next poll at" in ran.output


def test_migration_0012_counts_the_failures_of_feeds_already_failing(tmp_path):
    old = tmp_path / "migrations"
    old.mkdir()
    for file in resources.migrations_dir().iterdir():
        if file.name.endswith(".sql") and file.name[:4] < "0012":
            (old / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "old.db"
    db = open_db(path, migrate=False)
    apply_migrations(db, old)
    history = {  # feed -> its polls, oldest first, and its last status
        "https://a.example/feed": ["ok", "error", "ok", "error", "error"],
        "https://b.example/feed": ["error", "error", "error"],
        "https://c.example/feed": ["error", "not-modified"],
        "https://d.example/feed": [],
    }
    with db.atomic():
        for url, polls in history.items():
            db.execute(
                "INSERT INTO feeds (url, every_seconds, added_by, added_at, next_poll_at, "
                "last_status) VALUES (?, 900, 'ed', 't', 't', ?)",
                [url, polls[-1] if polls else None],
            )
            feed_id = db.execute("SELECT id FROM feeds WHERE url = ?", [url]).fetchone()[0]
            for status in polls:
                db.execute(
                    "INSERT INTO feed_polls (feed_id, started_at, finished_at, status) "
                    "VALUES (?, 't', 't', ?)",
                    [feed_id, status],
                )
    db.close()

    db = open_db(path)  # applies 0012
    try:
        counted = {f["url"]: f["consecutive_failures"] for f in watch.list_feeds(db)}
    finally:
        db.close()
    assert counted == {
        "https://a.example/feed": 2,
        "https://b.example/feed": 3,
        "https://c.example/feed": 0,
        "https://d.example/feed": 0,
    }


def test_resuming_a_backing_off_feed_makes_it_due_now_and_keeps_its_count(db, local, feed_site):
    url = feed_site.route("/down.xml", "oops", status=500)
    feed = watch.add(db, url, local, actor="ed", every="1h")
    for _ in range(3):
        poll(db, local, feed["id"])
    watch.set_active(db, feed["id"], False, actor="ed")
    backing_off = watch.get(db, feed["id"])
    assert wait_of(backing_off) == timedelta(hours=4)
    watch.set_active(db, feed["id"], True, actor="ed")
    resumed = watch.get(db, feed["id"])
    assert resumed["next_poll_at"] < backing_off["next_poll_at"]
    assert datetime.fromisoformat(resumed["next_poll_at"]) <= datetime.fromisoformat(
        backing_off["last_polled_at"]
    ) + timedelta(minutes=5)
    assert resumed["consecutive_failures"] == 3
    result, row = poll(db, local, feed["id"])
    assert row["consecutive_failures"] == 4 and wait_of(row) == timedelta(hours=8)
