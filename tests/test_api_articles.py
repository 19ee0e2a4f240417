"""Scoring, adding articles and searching through the HTTP API, against a running server:
`POST /api/score` (ClaimBuster-style), `POST /api/articles` (text or URL, fetched under the
CLI's rules; claims extracted and matched) and `GET /api/search`. The check-worthiness scorer
is the real one; the embedder is the word-hashing fake of tests/api_server.py."""

from __future__ import annotations

import json
import re

import pytest

from factcheck.api import schemas
from factcheck.corpus.importer import ImportOptions, import_paths
from factcheck.storage import matches as match_store
from tests.api_server import error_of, running

ARTICLE = (
    "The city council approved a budget of 12 million euros on Monday. "
    "Unemployment in the region fell to 4.1% in March, the statistics office said. "
    "It was a sunny day."
)
PAGE = f"<html><head><title>Council news</title></head><body><p>{ARTICLE}</p></body></html>"


@pytest.fixture
def api(db_path, monkeypatch):
    with running(db_path, monkeypatch) as server:
        server.ann = server.as_new("Ann", "checker")
        yield server


@pytest.fixture
def corpus(api, tmp_path):
    path = tmp_path / "refs.jsonl"
    rows = [
        {"claim": "Unemployment fell to 4.1% in March.", "verdict": "true", "title": "Jobs"},
        {"claim": "The moon is made of cheese.", "verdict": "false", "title": "Moon"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    import_paths(api.db, [path], ImportOptions(format="jsonl"), settings=api.settings)
    return api


def test_score_gives_each_sentence_a_score_and_reasons(api):
    sentences = ["Unemployment fell to 4.1% in March.", "Hello there!"]
    answer = api.ann.post("/api/score", json={"sentences": sentences})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["threshold"] == 0.5
    first, second = body["results"]
    assert (first["index"], first["text"]) == (0, sentences[0])
    assert first["check_worthy"] and first["score"] > second["score"]
    assert not second["check_worthy"]
    assert first["reasons"][0].startswith("model score") and "quantity: 4.1%" in first["reasons"]
    strict = api.ann.post("/api/score", json={"sentences": sentences, "threshold": 1.0})
    assert not any(r["check_worthy"] for r in strict.json()["results"])
    error_of(api.ann.post("/api/score", json={"sentences": []}), 422)
    error_of(api.ann.post("/api/score", json={"sentences": ["x"] * 1001}), 422)
    error_of(api.ann.post("/api/score", json={"sentences": ["x"], "threshold": 2}), 422)
    viewer = api.as_new("Vic", "viewer")  # scoring stores nothing: any account may
    assert viewer.post("/api/score", json={"sentences": sentences}).status_code == 200


def test_an_article_text_is_extracted_matched_and_stored_once(corpus):
    api = corpus
    answer = api.ann.post("/api/articles", json={"text": ARTICLE, "title": "Council"})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["created"] and body["title"] == "Council" and body["sentences"] == 3
    texts = [claim["text"] for claim in body["claims"]]
    assert any("4.1%" in text for text in texts) and not any("sunny" in t for t in texts)
    jobs = next(claim for claim in body["claims"] if "4.1%" in claim["text"])
    assert jobs["matches"] and jobs["matches"][0]["title"] == "Jobs"
    assert body["matched"] >= 1 and body["match_error"] is None
    stored = api.db.execute("SELECT count(*) FROM claims WHERE check_worthy = 1").fetchone()[0]
    assert stored == len(body["claims"])
    events = {
        e["actor"] for e in api.db.query("SELECT actor FROM events WHERE entity = 'articles'")
    }
    assert events == {"Ann"}

    again = api.ann.post("/api/articles", json={"text": ARTICLE})
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["article_id"] == body["article_id"]
    assert api.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


def test_an_articles_matches_are_read_in_a_bounded_number_of_queries(corpus, monkeypatch):
    """The claims' matches are each claim's stored candidates (as storage's for_claim gives
    them), read in as many queries for six claims as for two: no query per claim."""
    api = corpus
    engine = type(api.db)  # the server's connections are of the same class
    reads: list[str] = []
    for name in ("query", "execute"):
        original = getattr(engine, name)

        def counted(self, sql, *args, _original=original, **kwargs):
            if re.search(r"\bSELECT\b[\s\S]*\bFROM matches\b", sql):
                reads.append(sql)
            return _original(self, sql, *args, **kwargs)

        monkeypatch.setattr(engine, name, counted)

    def post(text: str) -> tuple[dict, int]:
        reads.clear()
        answer = api.ann.post("/api/articles", json={"text": text})
        assert answer.status_code == 201, answer.text
        return answer.json(), len(reads)

    short, short_reads = post(ARTICLE)
    long, long_reads = post(
        " ".join(f"Unemployment in region {i} fell to {i + 2}.1% in March." for i in range(6))
    )
    assert (len(short["claims"]), len(long["claims"])) == (2, 6)
    assert long_reads == short_reads <= 2
    monkeypatch.undo()
    for claim in short["claims"] + long["claims"]:
        stored = match_store.for_claim(api.db, claim["id"])
        assert claim["matches"] == [
            {key: row[key] for key in schemas.Match.model_fields} for row in stored
        ]
    assert any(claim["matches"] for claim in long["claims"])


def test_a_transcript_keeps_each_claims_speaker_and_turn(api):
    debate = (
        "JOE BIDEN: Unemployment reached 14.7% in April.\n\n"
        "DONALD TRUMP: We built the greatest economy, 3% growth.\n"
    )
    answer = api.ann.post("/api/articles", json={"text": debate, "format": "transcript"})
    assert answer.status_code == 201, answer.text
    claims = answer.json()["claims"]
    assert [(c["speaker"], c["turn"], c["text"]) for c in claims] == [
        ("Joe Biden", 0, "Unemployment reached 14.7% in April."),
        ("Donald Trump", 1, "We built the greatest economy, 3% growth."),
    ]
    refused = api.ann.post("/api/articles", json={"text": debate, "format": "srt"})
    assert "'auto', 'article' or 'transcript'" in error_of(refused, 422, "invalid_request")


def test_an_article_needs_exactly_one_of_text_and_url(api):
    both = api.ann.post("/api/articles", json={"text": ARTICLE, "url": "https://x.example/a"})
    assert "give one of" in error_of(both, 400, "bad_input")
    error_of(api.ann.post("/api/articles", json={}), 400, "bad_input")
    error_of(api.ann.post("/api/articles", json={"text": "   "}), 400, "bad_input")


def test_urls_are_fetched_under_the_cli_rules(api, site, db_path, monkeypatch, tmp_path):
    url = site.route("/news", PAGE)
    refused = api.ann.post("/api/articles", json={"url": url})
    assert "allow-private-urls" in error_of(refused, 422, "fetch_failed")
    assert site.requests == []  # refused before connecting
    secret = tmp_path / "secret.txt"
    secret.write_text("The treasury holds 5 tonnes of gold.", encoding="utf-8")
    for local in (str(secret), f"file://{secret}", "-"):
        answer = api.ann.post("/api/articles", json={"url": local})
        assert "http:// or https://" in error_of(answer, 400, "bad_input")
    assert api.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    api.close()

    with running(db_path, monkeypatch, allow_private_urls=True) as allowed:
        client = allowed.client(allowed.account("Bo", "checker"))
        answer = client.post("/api/articles", json={"url": url})
        assert answer.status_code == 201, answer.text
        assert answer.json()["source"] == url and answer.json()["title"] == "Council news"
        missing = client.post("/api/articles", json={"url": site.base + "/gone"})
        assert "404" in error_of(missing, 422, "fetch_failed")


def test_a_page_read_as_cp1252_is_added_with_a_warning(api, site, db_path, monkeypatch):
    page = PAGE.replace("said", "said “so”").encode("cp1252")
    url = site.route("/old", page, content_type="text/html")  # no charset, not UTF-8
    pasted = api.ann.post("/api/articles", json={"text": ARTICLE})
    assert pasted.status_code == 201 and pasted.json()["warnings"] == []
    api.close()
    with running(db_path, monkeypatch, allow_private_urls=True) as allowed:
        client = allowed.client(allowed.account("Bo", "checker"))
        answer = client.post("/api/articles", json={"url": url})
        assert answer.status_code == 201, answer.text
        assert answer.json()["warnings"] == ["not valid UTF-8: read as cp1252"]


def test_search_ranks_the_reference_corpus(corpus):
    api = corpus
    answer = api.ann.get("/api/search", params={"q": "unemployment fell in March", "top_k": 1})
    assert answer.status_code == 200, answer.text
    (best,) = answer.json()
    assert best["title"] == "Jobs" and best["rank"] == 1 and 0 < best["score"] <= 1
    error_of(api.ann.get("/api/search", params={"q": ""}), 422)
    error_of(api.ann.get("/api/search", params={"q": "x", "method": "magic"}), 422)


def test_search_without_a_corpus_says_how_to_make_one(api):
    answer = api.ann.get("/api/search", params={"q": "anything"})
    assert "corpus import" in error_of(answer, 400, "bad_input")
