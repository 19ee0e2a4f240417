"""AppTest: the Monitor page — the watched feeds with their state, adding one (editors and
admins), polling them now with progress (checkers and above), the latest polls, refusals, and
feed titles and errors shown as plain text."""

import pytest
from app_seed import HOSTILE, add_article, open_app, texts
from feed_server import page, rss

from factcheck.config import load_settings
from factcheck.monitor import watch
from factcheck.storage import articles as article_store

MONITOR = "app_pages/monitor.py"
SUBMIT = "FormSubmitter:fc_feed_form-Watch"


@pytest.fixture
def desk(db, monkeypatch):
    """A database with an article (so the app loads no demo); loopback feeds allowed."""
    add_article(db, ["The new bridge cost 3 billion euros."])
    monkeypatch.setenv("FACTCHECK_ALLOW_PRIVATE_URLS", "1")
    return db


def feed_of(feed_site, name: str, count: int) -> str:
    items = []
    for i in range(count):
        path = f"/{name}/{i}.html"
        feed_site.route(
            path,
            page(f"{name} {i}", f"Unemployment fell to {i + 3}.1% in March, the office said."),
        )
        items.append({"title": f"{name} {i}", "link": feed_site.base + path, "guid": f"urn:{path}"})
    return feed_site.feed(f"/{name}.xml", rss(name.title(), items))


def test_a_checker_sees_the_feeds_and_polls_them_now(desk, feed_site):
    url = feed_of(feed_site, "wire", 2)
    watch.add(desk, url, load_settings(), actor="ed", every="30m")
    at = open_app("Carl", "checker", page=MONITOR)
    assert not at.exception
    assert texts(at.title) == ["Monitor"]
    assert not [w for w in at.text_input if w.key == "fc_feed_url"]  # only editors add feeds
    feeds = at.dataframe[0].value
    assert feeds.loc[0, "url"] == url and feeds.loc[0, "status"] == "not polled yet"
    assert feeds.loc[0, "every"] == "30m"

    at.button(key="fc_poll_now").click().run()
    assert not at.exception
    (status,) = at.status
    assert status.label == "Polled 1 feed: 2 new articles" and status.state == "complete"
    feeds = at.dataframe[0].value
    assert (feeds.loc[0, "status"], feeds.loc[0, "ingested"], feeds.loc[0, "title"]) == (
        "ok",
        2,
        "Wire",
    )
    polls = at.dataframe[1].value
    assert (polls.loc[0, "status"], polls.loc[0, "new"]) == ("ok", 2)
    assert {a["ingested_by"] for a in article_store.list_with_counts(desk)} == {"seed", "Carl"}


def test_an_editor_adds_a_feed_and_a_bad_one_is_refused(desk, feed_site):
    url = feed_of(feed_site, "news", 1)
    at = open_app("Eve", "editor", page=MONITOR)
    assert not at.exception
    assert any("No feeds watched yet" in t for t in texts(at.info))
    at.text_input(key="fc_feed_url").set_value(url)
    at.text_input(key="fc_feed_every").set_value("every day")
    at.button(key=SUBMIT).click().run()
    assert any("90s, 15m, 1h" in t for t in texts(at.error))
    assert watch.list_feeds(desk) == []

    at.text_input(key="fc_feed_every").set_value("1h")
    at.button(key=SUBMIT).click().run()
    assert not at.exception
    assert any("Watching feed 1" in t for t in texts(at.success))
    (feed,) = watch.list_feeds(desk)
    assert (feed["url"], feed["every"], feed["added_by"]) == (url, "1h", "Eve")
    assert at.dataframe[0].value.loc[0, "url"] == url


def test_a_viewer_reads_but_neither_adds_nor_polls(desk, feed_site):
    watch.add(desk, feed_of(feed_site, "wire", 1), load_settings(), actor="ed")
    at = open_app("Vic", "viewer", page=MONITOR)
    assert not at.exception
    assert len(at.dataframe[0].value) == 1
    assert not [b for b in at.button if b.key == "fc_poll_now"]
    assert not [w for w in at.text_input if w.key == "fc_feed_url"]


def test_feed_titles_and_errors_are_plain_text(desk, feed_site):
    hostile = feed_site.route("/hostile.xml", HOSTILE, status=500)
    watch.add(desk, hostile, load_settings(), actor="ed", title=HOSTILE)
    at = open_app("Carl", "checker", page=MONITOR)
    at.button(key="fc_poll_now").click().run()
    assert not at.exception
    (status,) = at.status
    assert status.state == "error" and status.label.endswith("1 failed")
    feeds = at.dataframe[0].value
    assert feeds.loc[0, "title"] == " ".join(HOSTILE.split())
    assert feeds.loc[0, "status"] == "error" and "HTTP 500" in feeds.loc[0, "last error"]
    assert "1 failing" in " ".join(texts(at.caption))
    shown = " ".join(texts(at.markdown))
    assert "<script>" not in shown and "](javascript:" not in shown


def test_a_failing_feed_shows_its_failures_in_a_row_and_next_poll(desk, feed_site):
    down = feed_site.route("/down.xml", "oops", status=500)
    feed = watch.add(desk, down, load_settings(), actor="ed", every="10m")
    settings = load_settings()
    for _ in range(2):
        watch.poll_safely(desk, watch.get(desk, feed["id"]), settings, actor="w")
    row = watch.get(desk, feed["id"])
    at = open_app("Vic", "viewer", page=MONITOR)
    assert not at.exception
    feeds = at.dataframe[0].value
    assert feeds.loc[0, "failures"] == 2
    assert feeds.loc[0, "next poll"] == row["next_poll_at"][:19].replace("T", " ")
    assert "1 backing off" in " ".join(texts(at.caption))
    watch.set_active(desk, feed["id"], False, actor="ed")
    at = open_app("Vic", "viewer", page=MONITOR)
    assert at.dataframe[0].value.loc[0, "next poll"] == "paused"


def test_an_editor_pauses_resumes_and_stops_watching_a_feed(desk, feed_site):
    first = watch.add(desk, feed_of(feed_site, "wire", 1), load_settings(), actor="ed")
    second = watch.add(desk, feed_of(feed_site, "news", 1), load_settings(), actor="ed")
    at = open_app("Eve", "editor", page=MONITOR)
    assert not at.exception
    at.selectbox(key="fc_feed_manage").set_value(first["id"]).run()
    at.button(key="fc_feed_toggle").click().run()
    assert not at.exception
    assert watch.get(desk, first["id"])["active"] == 0
    assert at.dataframe[0].value.loc[0, "next poll"] == "paused"
    at.selectbox(key="fc_feed_manage").set_value(first["id"]).run()
    assert at.button(key="fc_feed_toggle").label.startswith("Resume")
    at.button(key="fc_feed_toggle").click().run()
    assert watch.get(desk, first["id"])["active"] == 1
    at.selectbox(key="fc_feed_manage").set_value(second["id"]).run()
    at.button(key="fc_feed_remove").click().run()
    assert not at.exception
    assert [f["id"] for f in watch.list_feeds(desk)] == [first["id"]]


def test_a_checker_cannot_manage_feeds(desk, feed_site):
    watch.add(desk, feed_of(feed_site, "wire", 1), load_settings(), actor="ed")
    at = open_app("Carl", "checker", page=MONITOR)
    assert not at.exception
    assert not [b for b in at.button if b.key in ("fc_feed_toggle", "fc_feed_remove")]
