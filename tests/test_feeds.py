"""Watched feeds (factcheck.monitor): adding one, polling RSS and Atom from a local server with
conditional requests, each new item ingested once and only once (GUID, link, content hash),
failing feeds and items recorded without stopping the others, the URL rules, the CLI, and
property-based runs of the parser and the poll over arbitrary bytes and feed-like XML."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from feed_server import atom, page, rss
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from factcheck import vocab
from factcheck.cli import cli
from factcheck.errors import FetchError, InputError, NotFoundError
from factcheck.ingest.fetch import Fetched
from factcheck.monitor import watch
from factcheck.monitor.feeds import parse_feed
from factcheck.storage import articles as article_store
from factcheck.storage import events

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = [
    "Unemployment in the region fell to 4.1% in March, the statistics office said.",
    "The city council approved a budget of 12 million euros on Monday.",
    "Officials said the new tram line will open in 2027 at a cost of 300 million euros.",
    "Hospital waiting lists grew by 8% last year, according to the health ministry.",
]


def publish(feed_site, name: str, count: int) -> list[dict]:
    """``count`` article pages under /name/; the items that link to them."""
    items = []
    for i in range(count):
        path = f"/{name}/{i}.html"
        feed_site.route(path, page(f"{name} story {i}", f"{SENTENCES[i % 4]} Story {name} {i}."))
        items.append(
            {"title": f"{name} story {i}", "link": feed_site.base + path, "guid": f"urn:{name}:{i}"}
        )
    return items


def counts(db) -> dict:
    return {
        "articles": len(article_store.list_with_counts(db)),
        "items": len(watch.items(db)),
        "polls": len(watch.recent_polls(db, limit=10_000)),
    }


def run_once(db, settings):
    return {r.url: r for r in watch.run(db, settings, actor="watcher", once=True)}


# ---------------------------------------------------------------- adding a feed


def test_the_schema_allows_exactly_the_vocabulary():
    for sql in (
        ROOT / "db/migrations/0010_feeds.sql",
        ROOT / "db/migrations/postgresql/0010_feeds.sql",
    ):
        lists = re.findall(r"status IN \(([^)]*)\)", sql.read_text(encoding="utf-8"))
        found = [tuple(v.strip().strip("'") for v in values.split(",")) for values in lists]
        assert found == [vocab.FEED_STATUSES, vocab.FEED_STATUSES, vocab.FEED_ITEM_STATUSES]


def test_intervals_are_read_and_refused_with_the_valid_forms():
    assert [watch.parse_every(v) for v in ("90s", "15m", "1h", "1h30m", "1d", " 2 H ")] == [
        90,
        900,
        3600,
        5400,
        86400,
        7200,
    ]
    assert [watch.format_every(s) for s in (900, 5400, 90)] == ["15m", "1h30m", "1m30s"]
    for bad in ("", "15", "soon", "15x", "-5m", "1h 30"):
        with pytest.raises(InputError, match="90s, 15m, 1h"):
            watch.parse_every(bad)
    for out_of_range in ("30s", "8d"):
        with pytest.raises(InputError, match="from 1m to 7d"):
            watch.parse_every(out_of_range)


def test_adding_a_feed_validates_it_and_records_who(db, local, settings, feed_site):
    url = feed_site.feed("/feed.xml", rss("Wire", []))
    feed = watch.add(db, url, local, actor="ed", every="1h", title="  The  wire ")
    assert (feed["url"], feed["every"], feed["title"], feed["added_by"]) == (
        url,
        "1h",
        "The wire",
        "ed",
    )
    assert feed["last_status"] is None and feed["active"]
    assert [e["action"] for e in events.for_entity(db, "feeds", feed["id"])] == ["feed.added"]
    before = counts(db), watch.list_feeds(db)
    with pytest.raises(InputError, match=f"already watching {url}"):
        watch.add(db, url, local, actor="ed")
    with pytest.raises(InputError, match="must start with http:// or https://"):
        watch.add(db, "file:///etc/passwd", local, actor="ed")
    with pytest.raises(InputError, match="interval"):
        watch.add(db, url + "?2", local, actor="ed", every="often")
    with pytest.raises(FetchError, match="private, loopback or reserved"):  # default rules
        watch.add(db, url + "?3", settings, actor="ed")
    assert (counts(db), watch.list_feeds(db)) == before  # a refusal changes nothing
    with pytest.raises(NotFoundError, match="no feed 99"):
        watch.get(db, 99)


def test_pause_resume_and_remove(db, local, feed_site):
    feed = watch.add(
        db, feed_site.feed("/f.xml", rss("F", publish(feed_site, "f", 1))), local, actor="ed"
    )
    assert not watch.set_active(db, feed["id"], False, actor="ed")["active"]
    assert watch.run(db, local, actor="w", once=True) == []  # a paused feed is not polled
    assert watch.set_active(db, feed["id"], True, actor="ed")["active"]
    assert [r.new for r in watch.run(db, local, actor="w", once=True)] == [1]
    watch.remove(db, feed["id"], actor="ed")
    assert watch.list_feeds(db) == [] and watch.items(db) == []
    assert len(article_store.list_with_counts(db)) == 1  # the article stays
    actions = [e["action"] for e in events.for_entity(db, "feeds", feed["id"])]
    assert actions == ["feed.added", "feed.paused", "feed.resumed", "feed.removed"]


# ---------------------------------------------------------------- polling


def test_run_once_twice_ingests_new_items_once_and_only_once(db, local, feed_site):
    rss_url = feed_site.feed("/news.rss", rss("News", publish(feed_site, "news", 3)), etag='"v1"')
    atom_items = [
        {"title": i["title"], "link": i["link"], "id": "urn:" + i["guid"]}
        for i in publish(feed_site, "wire", 2)
    ]
    atom_url = feed_site.feed(
        "/wire.atom", atom("Wire", atom_items), modified=True, content_type="application/atom+xml"
    )
    watch.add(db, rss_url, local, actor="ed")
    watch.add(db, atom_url, local, actor="ed")

    first = run_once(db, local)
    assert [(r.status, r.seen, r.new, r.duplicate, r.failed) for r in first.values()] == [
        ("ok", 3, 3, 0, 0),
        ("ok", 2, 2, 0, 0),
    ]
    stored = article_store.list_with_counts(db)
    assert len(stored) == 5 and {a["ingested_by"] for a in stored} == {"watcher"}
    assert {a["title"] for a in stored} >= {"news story 0", "wire story 1"}
    assert all(a["claims"] >= 1 for a in stored)  # extracted (and matched, with a corpus)

    second = run_once(db, local)
    assert [(r.status, r.http_status, r.new) for r in second.values()] == [
        ("not-modified", 304, 0),
        ("not-modified", 304, 0),
    ]
    assert feed_site.conditional == {"/news.rss": 1, "/wire.atom": 1}  # ETag and Last-Modified sent
    assert len(article_store.list_with_counts(db)) == 5

    feeds = {f["url"]: f for f in watch.list_feeds(db)}
    assert feeds[rss_url]["etag"] == '"v1"' and feeds[atom_url]["last_modified"]
    assert feeds[rss_url]["title"] == "News" and feeds[rss_url]["items_ingested"] == 3
    assert {f["last_status"] for f in feeds.values()} == {"not-modified"}
    polls = watch.recent_polls(db)
    assert [(p["status"], p["items_new"]) for p in polls] == [
        ("not-modified", 0),
        ("not-modified", 0),
        ("ok", 2),
        ("ok", 3),
    ]
    assert all(p["started_at"] <= p["finished_at"] for p in polls)


def test_without_validators_the_second_poll_finds_every_item_known(db, local, feed_site):
    items = publish(feed_site, "plain", 2)
    url = feed_site.feed("/plain.xml", rss("Plain", items))
    watch.add(db, url, local, actor="ed")
    assert run_once(db, local)[url].new == 2
    items += publish(feed_site, "more", 1)
    feed_site.feed("/plain.xml", rss("Plain", items))
    again = run_once(db, local)[url]
    assert (again.status, again.seen, again.new, again.duplicate) == ("ok", 3, 1, 0)
    assert feed_site.conditional == {}
    assert len(article_store.list_with_counts(db)) == 3


def test_an_item_in_two_feeds_or_the_same_text_twice_is_ingested_once(db, local, feed_site):
    shared = publish(feed_site, "shared", 1)
    feed_site.route("/copy.html", page("shared story 0", f"{SENTENCES[0]} Story shared 0."))
    copy = {"title": "copy", "link": feed_site.base + "/copy.html", "guid": "urn:copy"}
    first = feed_site.feed("/a.xml", rss("A", shared))
    other = feed_site.feed("/b.xml", rss("B", [dict(shared[0], guid="urn:other"), copy]))
    watch.add(db, first, local, actor="ed")
    results = run_once(db, local)
    watch.add(db, other, local, actor="ed")
    results = run_once(db, local)
    assert (results[other].new, results[other].duplicate) == (0, 2)
    (article,) = article_store.list_with_counts(db)
    rows = {(i["guid"], i["status"], i["article_id"]) for i in watch.items(db)}
    assert rows == {
        (shared[0]["guid"], "ingested", article["id"]),
        ("urn:other", "duplicate", article["id"]),  # by link, not fetched again
        ("urn:copy", "duplicate", article["id"]),  # fetched: the same text (content hash)
    }
    assert feed_site.requests.count("/shared/0.html") == 1


def test_an_entry_without_a_link_is_ingested_from_its_content(db, local, feed_site):
    body = f"<p>{SENTENCES[1]}</p><p>{SENTENCES[2]}</p>"
    url = feed_site.feed("/c.atom", atom("C", [{"title": "Budget", "content": body}]))
    watch.add(db, url, local, actor="ed")
    assert run_once(db, local)[url].new == 1
    (article,) = article_store.list_with_counts(db)
    assert (article["title"], article["source"]) == ("Budget", url)
    assert SENTENCES[1] in article_store.get(db, article["id"])["text"]
    assert run_once(db, local)[url].new == 0


def test_control_characters_in_a_feed_are_dropped_not_stored(db, local, feed_site):
    """NUL and other control characters (PostgreSQL's text refuses NUL) never reach a row."""
    body = f"<p>{SENTENCES[3]}\x00</p>"
    entry = {"title": "Wait\x00ing\x07 lists", "id": "urn:\x00x", "content": body}
    url = feed_site.feed("/nul.atom", atom("N\x00UL", [entry]))
    watch.add(db, url, local, actor="ed")
    result = run_once(db, local)[url]
    assert (result.status, result.new) == ("ok", 1), result.error
    (item,) = watch.items(db)
    assert (item["guid"], item["title"]) == ("urn: x", "Wait ing lists")
    assert watch.list_feeds(db)[0]["title"] == "N UL"


def test_failing_feeds_are_reported_on_their_rows_and_never_stop_the_others(db, local, feed_site):
    settings = local.with_overrides(fetch_timeout=1.0, max_input_bytes=20_000)
    good = feed_site.feed("/good.xml", rss("Good", publish(feed_site, "good", 2)))
    bad = {
        feed_site.route("/500.xml", "oops", status=500): "HTTP 500",
        feed_site.route("/garbage.xml", b"\x00\xff<<not xml", content_type="application/xml"): (
            "not an RSS or Atom feed"
        ),
        feed_site.route("/page.html", page("Hello", SENTENCES[0])): "not an RSS or Atom feed",
        feed_site.route("/slow.xml", rss("Slow", []), delay=1.5): "timed out",
        feed_site.route("/huge.xml", rss("Huge", [{"title": "x" * 30_000}])): "too large",
        feed_site.route("/cut.xml", rss("Cut", publish(feed_site, "cut", 1))[:60]): "feed",
        feed_site.route("/json", "{}", content_type="application/json"): "unsupported content type",
        "http://127.0.0.1:1/closed.xml": "could not connect",
    }
    for url in [*bad, good]:
        watch.add(db, url, settings, actor="ed")
    results = run_once(db, settings)
    assert (results[good].status, results[good].new) == ("ok", 2)
    rows = {f["url"]: f for f in watch.list_feeds(db)}
    for url, why in bad.items():
        assert results[url].status == "error", url
        assert rows[url]["last_status"] == "error"
        assert rows[url]["last_error"] == results[url].error
        assert any(w in results[url].error for w in why.split("|")), (url, results[url].error)
    polls = watch.recent_polls(db)
    assert len(polls) == len(bad) + 1
    assert {p["url"] for p in polls if p["status"] == "error"} == set(bad)
    assert len(article_store.list_with_counts(db)) == 2


def test_an_unexpected_failure_is_recorded_on_its_feed_only(db, local, feed_site, monkeypatch):
    from factcheck import pipeline

    broken = feed_site.feed("/broken.xml", rss("Broken", publish(feed_site, "broken", 1)))
    fine = feed_site.feed("/fine.xml", rss("Fine", publish(feed_site, "fine", 1)))
    for url in (broken, fine):
        watch.add(db, url, local, actor="ed")
    real = pipeline.add_article

    def add_article(db, settings, **kwargs):
        if "broken" in kwargs["document"].source:
            raise RuntimeError("a bug")
        return real(db, settings, **kwargs)

    monkeypatch.setattr(pipeline, "add_article", add_article)
    results = run_once(db, local)
    assert (results[broken].status, results[broken].error) == (
        "error",
        "unexpected RuntimeError: a bug",
    )
    assert (results[fine].status, results[fine].new) == ("ok", 1)
    rows = {f["url"]: f["last_status"] for f in watch.list_feeds(db)}
    assert rows == {broken: "error", fine: "ok"}


def test_a_failed_item_is_recorded_and_retried_until_it_works_or_gives_up(db, local, feed_site):
    items = publish(feed_site, "late", 2)
    del feed_site.routes["/late/1.html"]  # not published yet: 404
    url = feed_site.feed("/late.xml", rss("Late", items), etag='"1"')
    watch.add(db, url, local, actor="ed")
    first = run_once(db, local)[url]
    assert (first.new, first.failed) == (1, 1)
    failed = [i for i in watch.items(db) if i["status"] == "failed"]
    assert [(i["guid"], i["attempts"]) for i in failed] == [("urn:late:1", 1)]
    assert "HTTP 404" in failed[0]["error"]
    assert watch.list_feeds(db)[0]["items_failed"] == 1

    second = run_once(db, local)[url]  # the feed did not change: 304, the item is retried
    assert (second.status, second.failed) == ("not-modified", 1)
    assert "retried items: 0 new, 1 failed" in second.message
    feed_site.route("/late/1.html", page("late story 1", SENTENCES[3]))
    third = run_once(db, local)[url]
    assert (third.status, third.new) == ("not-modified", 1)
    assert {i["status"] for i in watch.items(db)} == {"ingested"}

    feed_site.feed("/late.xml", rss("Late", [{"title": "gone", "link": feed_site.base + "/gone"}]))
    for _ in range(watch.MAX_ATTEMPTS + 2):
        run_once(db, local)
    (gone,) = [i for i in watch.items(db) if i["status"] == "failed"]
    assert gone["attempts"] == watch.MAX_ATTEMPTS  # then left alone
    assert feed_site.requests.count("/gone") == watch.MAX_ATTEMPTS


def test_item_links_follow_the_url_rules(db, settings, feed_site):
    """Under the default rules an item that links to a loopback or private address is
    refused before any connection; the feed itself is handed over as fetched."""
    items = publish(feed_site, "private", 1) + [
        {"title": "meta", "link": "http://169.254.169.254/"}
    ]
    feed_site.requests.clear()
    feed = watch.add(
        db,
        "https://feeds.example.org/x.xml",
        settings.with_overrides(allow_private_urls=True),
        actor="ed",
    )
    fetched = Fetched(feed["url"], rss("X", items).encode(), "application/rss+xml", None)
    result = watch.ingest_feed(db, watch.get(db, feed["id"]), fetched, settings, actor="w")
    assert (result.status, result.new, result.failed) == ("ok", 0, 2)
    errors = [i["error"] for i in watch.items(db)]
    assert all("private, loopback or reserved" in e for e in errors), errors
    assert feed_site.requests == [] and article_store.list_with_counts(db) == []


def test_the_poller_polls_due_feeds_and_stops_when_told(db, local, feed_site):
    url = feed_site.feed("/due.xml", rss("Due", publish(feed_site, "due", 1)))
    watch.add(db, url, local, actor="ed")
    stop = threading.Event()
    heard = []

    def report(result):
        heard.append(result)
        stop.set()  # after the first poll

    assert watch.run(db, local, actor="w", stop=stop, report=report) == []
    assert [(r.url, r.new) for r in heard] == [(url, 1)]
    (feed,) = watch.list_feeds(db)
    assert feed["next_poll_at"] > feed["last_polled_at"]  # next due a full interval later
    assert watch.run(db, local, actor="w", stop=stop) == []  # already stopped: no poll


# ---------------------------------------------------------------- the CLI


def invoke(*args):
    return CliRunner().invoke(cli, list(args))


def test_the_watch_commands(db_path, feed_site):
    url = feed_site.feed("/cli.xml", rss("CLI", publish(feed_site, "cli", 2)), etag='"e"')
    refused = invoke("watch", "add", url, "--db", str(db_path))
    assert refused.exit_code == 1 and "private, loopback or reserved" in refused.output
    bad = invoke("watch", "add", url, "--every", "5", "--allow-private-urls", "--db", str(db_path))
    assert bad.exit_code == 1 and "90s, 15m, 1h" in bad.output
    added = invoke(
        "watch", "add", url, "--every", "30m", "--allow-private-urls", "--db", str(db_path)
    )
    assert added.exit_code == 0 and added.output == f"watching feed 1: {url} every 30m\n"

    ran = invoke("watch", "run", "--once", "--allow-private-urls", "--db", str(db_path))
    assert ran.exit_code == 0, ran.output
    assert f"feed 1 {url}: 2 items, 2 new, 0 duplicates, 0 failed" in ran.output
    assert "1 feed polled: 2 new articles" in ran.output
    again = invoke("watch", "run", "--once", "--allow-private-urls", "--db", str(db_path))
    assert f"feed 1 {url}: not modified" in again.output and "0 new articles" in again.output

    listed = json.loads(invoke("watch", "list", "--format", "json", "--db", str(db_path)).output)
    assert [(f["id"], f["every"], f["last_status"], f["items_ingested"]) for f in listed] == [
        (1, "30m", "not-modified", 2)
    ]
    assert "cli.xml" in invoke("watch", "list", "--db", str(db_path)).output

    feed_site.validators["/cli.xml"] = {}
    feed_site.route("/cli.xml", "gone", status=500)
    failing = invoke("watch", "run", "--once", "--allow-private-urls", "--db", str(db_path))
    assert failing.exit_code == 1 and "error: " in failing.output and "HTTP 500" in failing.output

    assert invoke("watch", "pause", "1", "--db", str(db_path)).output.startswith("feed 1 paused")
    removed = invoke("watch", "remove", "1", "--db", str(db_path))
    assert removed.exit_code == 0 and removed.output == f"removed feed 1: {url}\n"
    missing = invoke("watch", "remove", "1", "--db", str(db_path))
    assert missing.exit_code == 1 and "no feed 1" in missing.output


# ---------------------------------------------------------------- property-based


def _feed_for(db, feed_site, local, name: str) -> dict:
    url = f"{feed_site.base}/{name}.xml"
    return watch.get(db, watch.add(db, url, local, actor="ed")["id"])


def _check_poll(db, feed, data: bytes, local, content_type="application/rss+xml"):
    """Hand ``data`` to the poll as the feed's answer: either its entries are recorded, or one
    error is, and nothing else changes."""
    before = counts(db)
    items_before = {i["guid"] for i in watch.items(db, feed["id"])}
    fetched = Fetched(feed["url"], data, content_type, None)
    result = watch.ingest_feed(db, feed, fetched, local, actor="w")  # never raises
    after = counts(db)
    assert after["polls"] == before["polls"] + 1
    row = watch.get(db, feed["id"])
    assert row["last_status"] == result.status
    if result.status == "error":
        assert result.error and result.error.startswith(feed["url"])
        assert "Traceback" not in result.error and "\n" not in result.error
        assert row["last_error"] == result.error
        assert (after["articles"], after["items"]) == (before["articles"], before["items"])
        with pytest.raises(InputError):
            parse_feed(data, url=feed["url"], content_type=content_type)
        return result
    assert result.status == "ok" and row["last_error"] is None
    parsed = parse_feed(data, url=feed["url"], content_type=content_type)
    guids = {i["guid"] for i in watch.items(db, feed["id"])}
    assert guids >= {e.guid for e in parsed.entries[: watch.MAX_ENTRIES]}
    # new entries, and retries of failed items, each counted once
    assert len(guids - items_before) <= result.new + result.duplicate + result.failed
    assert after["articles"] - before["articles"] == result.new
    return result


PROPERTY = hypothesis_settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is reproducible
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


VALID = rss(
    "Valid", [{"title": "t", "guid": "urn:v", "description": f"<p>{SENTENCES[2]}</p>"}]
).encode()


def _spliced(at: int, junk: bytes, cut: int) -> bytes:
    """A valid feed with junk inserted and the rest cut from ``cut`` on."""
    at %= len(VALID) + 1
    return (VALID[:at] + junk + VALID[at:])[: cut or None]


BYTES = (
    st.binary(max_size=400)
    | st.text(max_size=200).map(str.encode)
    | st.builds(_spliced, st.integers(0, 10_000), st.binary(max_size=8), st.integers(0, 400))
)


@PROPERTY
@given(data=BYTES)
def test_arbitrary_bytes_give_entries_or_one_error_never_a_traceback(db, local, feed_site, data):
    feed = _feed_for(db, feed_site, local, f"bytes{len(watch.list_feeds(db))}")
    event(_check_poll(db, feed, data, local).status)


TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40
) | st.sampled_from(["<b>bold</b>", "a & b", "]]>", "<script>x</script>", SENTENCES[0], ""])
LINKS = st.none() | st.sampled_from(
    ["/cli/0.html", "/missing.html", "javascript:alert(1)", "mailto:a@b", "", "relative/page"]
)


def _maybe_escape(text: str, raw: bool) -> str:
    from xml.sax.saxutils import escape

    return text if raw else escape(text)


@st.composite
def feed_documents(draw) -> tuple[bytes, str]:
    """RSS or Atom with arbitrary titles, ids, links and text, escaped or (sometimes) not."""
    raw = draw(st.integers(0, 4)) == 0  # now and then unescaped text: malformed XML
    kind = draw(st.sampled_from(["rss", "atom", "rdf-ish"]))
    entries = []
    for _ in range(draw(st.integers(0, 4))):
        parts = {}
        for key, strategy in (("title", TEXT), ("id", TEXT), ("link", LINKS), ("text", TEXT)):
            value = draw(st.none() | strategy) if key != "link" else draw(strategy)
            if value is not None:
                parts[key] = _maybe_escape(value, raw)
        entries.append(parts)
    title = _maybe_escape(draw(TEXT), raw)
    if kind == "atom":
        body = "".join(
            "<entry>"
            + (f"<title>{e['title']}</title>" if "title" in e else "")
            + (f'<link href="{e["link"]}"/>' if "link" in e else "")
            + (f"<id>{e['id']}</id>" if "id" in e else "")
            + (f'<content type="html">{e["text"]}</content>' if "text" in e else "")
            + "</entry>"
            for e in entries
        )
        xml = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title>{body}</feed>'
        return xml.encode("utf-8"), "application/atom+xml"
    tags = {"id": "guid", "text": "description", "title": "title", "link": "link"}
    body = "".join(
        "<item>" + "".join(f"<{tags[k]}>{v}</{tags[k]}>" for k, v in e.items()) + "</item>"
        for e in entries
    )
    version = ' version="2.0"' if kind == "rss" else ""
    xml = f"<rss{version}><channel><title>{title}</title>{body}</channel></rss>"
    cut = draw(st.integers(0, 3))
    data = xml.encode("utf-8")
    return (data[: len(data) * cut // 4] if cut else data), "application/rss+xml"


@hypothesis_settings(PROPERTY, max_examples=25)
@given(document=feed_documents())
def test_feed_like_xml_gives_stored_items_or_one_error(db, local, feed_site, document):
    publish(feed_site, "cli", 1)
    data, content_type = document
    feed = _feed_for(db, feed_site, local, f"xml{len(watch.list_feeds(db))}")
    first = _check_poll(db, feed, data, local, content_type)
    event(f"{first.status}: {first.new} new, {first.failed} failed")
    again = _check_poll(db, feed, data, local, content_type)  # the same answer again
    assert again.new == 0
