"""Watched feeds through the HTTP API, against a running server and a local feed server: listing
and reading feeds (any account), adding, pausing, resuming and removing them (editors and
admins), polling one now (checkers and above), its polls, a failing feed's back-off, and the
refusals: no token, the role, bad input, no such feed, a paused feed."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from feed_server import page, rss

from factcheck.monitor import watch
from factcheck.storage import articles as article_store
from factcheck.storage import events
from tests.api_server import error_of, running

STORIES = [
    "Unemployment in the region fell to 4.1% in March, the statistics office said.",
    "The city council approved a budget of 12 million euros on Monday.",
]


@pytest.fixture
def desk(db_path, monkeypatch):
    """A server that may fetch loopback URLs; Ann (checker), Eve (editor), Vic (viewer)."""
    with running(db_path, monkeypatch, allow_private_urls=True, fetch_timeout=2.0) as api:
        api.ann = api.as_new("Ann", "checker")
        api.eve = api.as_new("Eve", "editor")
        api.vic = api.as_new("Vic", "viewer")
        yield api


def wire(feed_site, count: int = 2) -> str:
    """A feed of ``count`` article pages, with an ETag; its URL."""
    items = []
    for i in range(count):
        path = f"/wire/{i}.html"
        feed_site.route(path, page(f"Wire {i}", STORIES[i % 2]))
        items.append({"title": f"Wire {i}", "link": feed_site.base + path, "guid": f"urn:wire:{i}"})
    return feed_site.feed("/wire.xml", rss("Wire", items), etag='"w1"')


def _ok(response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json()


def _add(desk, url: str, every: str = "30m") -> dict:
    return _ok(desk.eve.post("/api/feeds", json={"url": url, "every": every}), 201)


def test_an_editor_watches_pauses_resumes_and_removes_a_feed(desk, feed_site):
    url = wire(feed_site)
    feed = _ok(
        desk.eve.post("/api/feeds", json={"url": url, "every": "1h30m", "title": " The  wire "}),
        201,
    )
    assert (feed["url"], feed["every"], feed["every_seconds"], feed["title"]) == (
        url,
        "1h30m",
        5400,
        "The wire",
    )
    assert feed["active"] and feed["added_by"] == "Eve" and feed["last_status"] is None
    assert (feed["consecutive_failures"], feed["items_ingested"]) == (0, 0)
    assert set(feed) == set(_ok(desk.vic.get("/api/feeds"))[0])  # every account reads them
    assert _ok(desk.vic.get(f"/api/feeds/{feed['id']}")) == feed

    paused = _ok(desk.eve.post(f"/api/feeds/{feed['id']}/pause"))
    assert paused["active"] is False
    assert _ok(desk.eve.post(f"/api/feeds/{feed['id']}/pause"))["active"] is False  # no change
    assert _ok(desk.eve.post(f"/api/feeds/{feed['id']}/resume"))["active"] is True
    removed = _ok(desk.eve.delete(f"/api/feeds/{feed['id']}"))
    assert (removed["id"], removed["url"]) == (feed["id"], url)
    assert _ok(desk.vic.get("/api/feeds")) == []
    error_of(desk.vic.get(f"/api/feeds/{feed['id']}"), 404, "not_found")
    actions = [(e["action"], e["actor"]) for e in events.for_entity(desk.db, "feeds", feed["id"])]
    assert actions == [
        ("feed.added", "Eve"),
        ("feed.paused", "Eve"),
        ("feed.resumed", "Eve"),
        ("feed.removed", "Eve"),
    ]


def test_a_checker_polls_a_feed_now_and_reads_its_polls(desk, feed_site):
    feed = _add(desk, wire(feed_site))
    first = _ok(desk.ann.post(f"/api/feeds/{feed['id']}/poll"))
    assert (first["status"], first["http_status"], first["seen"], first["new"]) == (
        "ok",
        200,
        2,
        2,
    )
    assert first["message"].endswith("2 items, 2 new, 0 duplicates, 0 failed")
    state = first["feed"]
    assert (state["last_status"], state["items_ingested"], state["title"]) == ("ok", 2, "Wire")
    assert state["next_poll_at"] > state["last_polled_at"]
    assert {a["ingested_by"] for a in article_store.list_with_counts(desk.db)} == {"Ann"}

    again = _ok(desk.ann.post(f"/api/feeds/{feed['id']}/poll"))  # the ETag matches: 304
    assert (again["status"], again["http_status"], again["new"]) == ("not-modified", 304, 0)
    assert feed_site.conditional["/wire.xml"] == 1
    polls = _ok(desk.vic.get(f"/api/feeds/{feed['id']}/polls"))
    assert [(p["status"], p["items_new"]) for p in polls] == [("not-modified", 0), ("ok", 2)]
    assert [p["feed_id"] for p in polls] == [feed["id"]] * 2
    assert len(_ok(desk.vic.get(f"/api/feeds/{feed['id']}/polls", params={"limit": 1}))) == 1
    assert len(article_store.list_with_counts(desk.db)) == 2  # each item ingested once


def test_a_failing_feed_is_an_answer_not_an_error_and_backs_off(desk, feed_site):
    url = feed_site.route("/down.xml", "oops", status=500)
    feed = _add(desk, url, every="10m")
    seen = []
    for _ in range(3):
        polled = _ok(desk.ann.post(f"/api/feeds/{feed['id']}/poll"))  # back-off or not
        assert (polled["status"], polled["http_status"]) == ("error", None)
        assert "HTTP 500" in polled["error"]
        state = polled["feed"]
        waited = datetime.fromisoformat(state["next_poll_at"]) - datetime.fromisoformat(
            state["last_polled_at"]
        )
        seen.append((state["consecutive_failures"], waited))
    assert seen == [(n, timedelta(minutes=10 * 2 ** (n - 1))) for n in (1, 2, 3)]
    assert "3 failures in a row" in polled["message"]
    listed = _ok(desk.vic.get("/api/feeds"))[0]
    assert (listed["consecutive_failures"], listed["last_status"]) == (3, "error")

    feed_site.feed("/down.xml", rss("Back", []))
    healed = _ok(desk.ann.post(f"/api/feeds/{feed['id']}/poll"))["feed"]
    assert (healed["last_status"], healed["consecutive_failures"]) == ("ok", 0)


def test_roles_are_refused_what_they_may_not_do_and_nothing_changes(desk, feed_site):
    url = wire(feed_site)
    feed = _add(desk, url)
    before = _ok(desk.vic.get("/api/feeds"))
    for client, name in ((desk.ann, "checker"), (desk.vic, "viewer")):
        message = error_of(client.post("/api/feeds", json={"url": url + "?x"}), 403, "forbidden")
        assert "manage watched feeds" in message, (name, message)
        for action in ("pause", "resume"):
            error_of(client.post(f"/api/feeds/{feed['id']}/{action}"), 403, "forbidden")
        error_of(client.delete(f"/api/feeds/{feed['id']}"), 403, "forbidden")
    error_of(desk.vic.post(f"/api/feeds/{feed['id']}/poll"), 403, "forbidden")
    anonymous = desk.client()
    for response in (
        anonymous.get("/api/feeds"),
        anonymous.get(f"/api/feeds/{feed['id']}/polls"),
        anonymous.post(f"/api/feeds/{feed['id']}/poll"),
        anonymous.post("/api/feeds", json={"url": url + "?y"}),
        desk.client("not-a-token").delete(f"/api/feeds/{feed['id']}"),
    ):
        error_of(response, 401, "unauthenticated")
    assert _ok(desk.vic.get("/api/feeds")) == before
    assert feed_site.requests == [] and watch.recent_polls(desk.db) == []


def test_bad_input_and_missing_feeds_are_refused(desk, feed_site):
    url = wire(feed_site)
    feed = _add(desk, url)
    assert "90s, 15m, 1h" in error_of(
        desk.eve.post("/api/feeds", json={"url": url + "?2", "every": "often"}), 400, "bad_input"
    )
    assert "from 1m to 7d" in error_of(
        desk.eve.post("/api/feeds", json={"url": url + "?3", "every": "30s"}), 400, "bad_input"
    )
    assert f"already watching {url}" in error_of(
        desk.eve.post("/api/feeds", json={"url": url}), 400, "bad_input"
    )
    assert "http:// or https://" in error_of(
        desk.eve.post("/api/feeds", json={"url": "file:///etc/passwd"}), 400, "bad_input"
    )
    for body in ({}, {"url": url, "colour": "red"}, {"url": ""}, {"url": url, "every": ""}):
        error_of(desk.eve.post("/api/feeds", json=body), 422, "invalid_request")
    broken = desk.eve.post("/api/feeds", content=b"{", headers={"Content-Type": "application/json"})
    error_of(broken, 400, "bad_json")
    error_of(desk.eve.get("/api/feeds/0"), 422, "invalid_request")
    error_of(desk.eve.get("/api/feeds/x/polls"), 422, "invalid_request")
    error_of(desk.eve.post("/api/feeds/-1/poll"), 422, "invalid_request")
    error_of(desk.vic.get(f"/api/feeds/{feed['id']}/polls", params={"limit": 0}), 422)
    for response in (
        desk.vic.get("/api/feeds/99"),
        desk.vic.get("/api/feeds/99/polls"),
        desk.ann.post("/api/feeds/99/poll"),
        desk.eve.post("/api/feeds/99/pause"),
        desk.eve.post("/api/feeds/99/resume"),
        desk.eve.delete("/api/feeds/99"),
    ):
        assert "no feed 99" in error_of(response, 404, "not_found")
    _ok(desk.eve.post(f"/api/feeds/{feed['id']}/pause"))
    assert "paused" in error_of(desk.ann.post(f"/api/feeds/{feed['id']}/poll"), 400, "bad_input")
    assert [f["id"] for f in _ok(desk.vic.get("/api/feeds"))] == [feed["id"]]
    assert watch.recent_polls(desk.db) == [] and feed_site.requests == []


def test_the_server_keeps_the_url_rules(db_path, monkeypatch, feed_site):
    """Without FACTCHECK_ALLOW_PRIVATE_URLS a loopback feed is refused before any request."""
    with running(db_path, monkeypatch) as api:
        eve = api.as_new("Eve", "editor")
        message = error_of(
            eve.post("/api/feeds", json={"url": wire(feed_site)}), 422, "fetch_failed"
        )
        assert "private, loopback or reserved" in message
        assert _ok(eve.get("/api/feeds")) == [] and feed_site.requests == []
