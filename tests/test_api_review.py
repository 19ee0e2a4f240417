"""Reviewing through the HTTP API, against a running server: the claim list and page as the
caller may see them (blind review: no other reviewer's verdicts or citations), citations,
verdicts with the version read (409 when stale), publishing (editors), exports and the
ClaimReview feed with the visibility of `factcheck export --as`."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from factcheck.review import workflow as review
from tests.api_server import error_of, running
from tests.test_review import _article, _match, _passages

SECRET_NOTE = "ZEBRA-NOTE of Ann"
SECRET_RATIONALE = "ZEBRA-RATIONALE of Ann"


@pytest.fixture
def desk(db_path, monkeypatch):
    """Ann and Bob (checkers), Eve (editor), Vic (viewer), each with a client; blind review on;
    two claims, the first matched to two passages."""
    with running(db_path, monkeypatch) as api:
        api.ann = api.as_new("Ann", "checker")
        api.bob = api.as_new("Bob", "checker")
        api.eve = api.as_new("Eve", "editor")
        api.vic = api.as_new("Vic", "viewer")
        review.set_blind_mode(api.db, "Eve", True)
        review.set_organisation(api.db, "Eve", "Desk <Org> & Co", "https://desk.example")
        _, (claim, other) = _article(
            api.db,
            "Budget",
            [
                ("The deficit <b>tripled</b> in 2023.", 0.9, "statistic", True),
                ("Jobs fell by 4%.", 0.7, None, True),
            ],
        )
        api.claim, api.other = claim, other
        api.passages = _passages(api.db, 2)
        _match(api.db, claim, api.passages[0], 0.8)
        _match(api.db, claim, api.passages[1], 0.6)
        yield api


def _ok(response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json()


def _claim(client, claim_id) -> dict:
    return _ok(client.get(f"/api/claims/{claim_id}"))


def _ann_reviews(desk) -> dict:
    """Ann cites the first passage with a note and saves False with a rationale."""
    read = _claim(desk.ann, desk.claim)
    cited = desk.ann.post(
        f"/api/claims/{desk.claim}/citations",
        json={"passage_id": desk.passages[0], "stance": "refutes", "note": SECRET_NOTE},
    )
    assert _ok(cited, 201)["created_by"] == "Ann"
    saved = desk.ann.post(
        f"/api/claims/{desk.claim}/verdicts",
        json={"label": "False", "version": read["claim"]["version"], "rationale": SECRET_RATIONALE},
    )
    return _ok(saved)


def test_a_blind_checker_sees_none_of_another_reviewers_work(desk):
    _ann_reviews(desk)
    page = _claim(desk.bob, desk.claim)
    assert page["blind"] is True and page["viewer"] == {"name": "Bob", "role": "checker"}
    assert page["verdicts"] == [] and page["other_citations"] == []
    assert page["final_verdict"] is None and page["assignees"] == []
    assert page["claim"]["status"] == "in_review"
    text = json.dumps(page)
    for trace in ("Ann", SECRET_NOTE, SECRET_RATIONALE):
        assert trace not in text
    listed = {row["id"]: row for row in _ok(desk.bob.get("/api/claims"))["rows"]}
    assert "Ann" not in json.dumps(listed[desk.claim])
    assert listed[desk.claim]["status"] == "in_review"
    assert "tripled" not in desk.bob.get("/api/export", params={"format": "csv"}).text

    # the editor sees everything; so does Bob once he has saved his own verdict
    editor = _claim(desk.eve, desk.claim)
    assert editor["blind"] is False and [v["reviewer"] for v in editor["verdicts"]] == ["Ann"]
    assert editor["other_citations"][0]["note"] == SECRET_NOTE
    saved = desk.bob.post(
        f"/api/claims/{desk.claim}/verdicts",
        json={"label": "False", "version": page["claim"]["version"]},
    )
    assert _ok(saved)["status"] == "verdict"  # both said False
    after = _claim(desk.bob, desk.claim)
    assert after["blind"] is False
    assert {v["reviewer"] for v in after["verdicts"]} == {"Ann", "Bob"}
    assert after["other_citations"][0]["created_by"] == "Ann"


def test_a_stale_version_gets_409_and_changes_nothing(desk):
    read = _claim(desk.ann, desk.claim)["claim"]["version"]
    first = desk.ann.post(
        f"/api/claims/{desk.claim}/verdicts", json={"label": "True", "version": read}
    )
    assert _ok(first)["version"] > read
    events = desk.db.execute("SELECT count(*) FROM events").fetchone()[0]
    stale = desk.ann.post(
        f"/api/claims/{desk.claim}/verdicts", json={"label": "False", "version": read}
    )
    assert "changed by someone else" in error_of(stale, 409, "conflict")
    assert _claim(desk.ann, desk.claim)["own_verdict"]["label"] == "True"
    assert desk.db.execute("SELECT count(*) FROM events").fetchone()[0] == events
    missing = desk.ann.post(f"/api/claims/{desk.claim}/verdicts", json={"label": "True"})
    assert "version" in error_of(missing, 422, "invalid_request")
    unknown = desk.ann.post(
        f"/api/claims/{desk.claim}/verdicts", json={"label": "Purple", "version": 99}
    )
    error_of(unknown, 409, "conflict")  # the version is checked first: nothing is read stale
    fresh = _claim(desk.ann, desk.claim)["claim"]["version"]
    unknown = desk.ann.post(
        f"/api/claims/{desk.claim}/verdicts", json={"label": "Purple", "version": fresh}
    )
    assert "Purple" in error_of(unknown, 400, "bad_input")


def test_citations_checked_and_owned(desk):
    url = f"/api/claims/{desk.claim}/citations"
    external = desk.ann.post(
        url,
        json={"url": "https://stats.example/deficit", "stance": "context", "title": "Stats"},
    )
    assert _ok(external, 201)["url"] == "https://stats.example/deficit"
    error_of(desk.ann.post(url, json={"passage_id": 1, "stance": "agrees"}), 422)
    both = {"passage_id": desk.passages[0], "url": "https://x.example", "stance": "mixed"}
    assert "one of them" in error_of(desk.ann.post(url, json=both), 400, "bad_input")
    error_of(desk.ann.post(url, json={"passage_id": 999_999, "stance": "mixed"}), 404)
    bad_url = desk.ann.post(url, json={"url": "javascript:alert(1)", "stance": "mixed"})
    error_of(bad_url, 400, "bad_input")
    error_of(desk.ann.post("/api/claims/999999/citations", json=both | {"url": None}), 404)
    viewer = desk.vic.post(url, json={"passage_id": desk.passages[0], "stance": "mixed"})
    assert "only checkers" in error_of(viewer, 403, "forbidden")
    own = _claim(desk.ann, desk.claim)["own_citations"]
    assert [c["url"] for c in own] == ["https://stats.example/deficit"]


def test_publishing_is_for_editors_and_feeds_the_claimreview(desk):
    saved = _ann_reviews(desk)
    refused = desk.ann.post(f"/api/claims/{desk.claim}/publish", json={"version": saved["version"]})
    assert "only editors can publish" in error_of(refused, 403, "forbidden")
    too_early = desk.eve.post(f"/api/claims/{desk.other}/publish", json={"version": 1})
    error_of(too_early, 409)
    stale = desk.eve.post(f"/api/claims/{desk.claim}/publish", json={"version": 1})
    error_of(stale, 409, "conflict")
    version = _claim(desk.eve, desk.claim)["claim"]["version"]
    published = desk.eve.post(f"/api/claims/{desk.claim}/publish", json={"version": version})
    assert _ok(published)["status"] == "published"
    again = desk.eve.post(
        f"/api/claims/{desk.claim}/publish", json={"version": _ok(published)["version"]}
    )
    assert "published" in error_of(again, 409, "invalid_state")

    feed = desk.vic.get("/api/claimreview")
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("application/ld+json")
    assert "<" not in feed.text and "&" not in feed.text  # HTML-safe JSON
    reviews = json.loads(feed.text)
    assert len(reviews) == 1
    assert reviews[0]["claimReviewed"] == "The deficit <b>tripled</b> in 2023."
    assert reviews[0]["author"]["name"] == "Desk <Org> & Co"
    assert reviews[0]["reviewRating"]["alternateName"] == "False"


def test_the_claim_list_filters_and_pages(desk):
    client = desk.ann
    everything = _ok(client.get("/api/claims"))
    assert everything["total"] == 2 and [r["id"] for r in everything["rows"]] == [
        desk.claim,
        desk.other,
    ]
    page = _ok(client.get("/api/claims", params={"limit": 1, "offset": 1}))
    assert [r["id"] for r in page["rows"]] == [desk.other] and page["total"] == 2
    assert _ok(client.get("/api/claims", params={"q": "jobs"}))["total"] == 1
    assert _ok(client.get("/api/claims", params={"min_score": 0.8}))["total"] == 1
    ascending = _ok(client.get("/api/claims", params={"descending": "false"}))
    assert ascending["rows"][0]["id"] == desk.other
    assert _ok(client.get("/api/claims", params={"status": ["published"]}))["total"] == 0
    error_of(client.get("/api/claims", params={"status": "finished"}), 422)
    error_of(client.get("/api/claims", params={"sort": "random"}), 422)
    error_of(client.get("/api/claims", params={"min_score": 0.9, "max_score": 0.1}), 400)


def test_exports_are_what_the_caller_may_see(desk):
    _ann_reviews(desk)
    for client, sees in ((desk.bob, False), (desk.eve, True), (desk.ann, True)):
        rows = _ok(client.get("/api/export", params={"format": "json"}))
        assert (desk.claim in [r["claim_id"] for r in rows]) is sees
    jsonl = desk.eve.get("/api/export", params={"format": "jsonl"})
    assert json.loads(jsonl.text.splitlines()[0])["claim_id"] == desk.claim
    assert "&lt;" not in jsonl.text and "\\u003c" in jsonl.text
    csv = desk.eve.get("/api/export", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert 'filename="factcheck.csv"' in csv.headers["content-disposition"]
    xlsx = desk.eve.get("/api/export", params={"format": "xlsx"})
    sheets = openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames
    assert sheets == ["Verdicts", "Sources", "Correction log"]
    error_of(desk.eve.get("/api/export", params={"format": "pdf"}), 422)
    error_of(desk.eve.get("/api/export", params={"from": "yesterday"}), 400, "bad_input")
