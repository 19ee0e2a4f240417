"""Trending through the HTTP API, against a running server: `GET /api/trending` gives the
near-duplicate groups of `factcheck trending --as CALLER` (window, minimum articles, limit),
their verdicts as blind review lets the caller see them, and refuses bad input."""

from __future__ import annotations

import json

import pytest
from trending_seed import SAID, seed_spread

from factcheck.match import trending
from factcheck.review import workflow as review
from tests.api_server import error_of, running


@pytest.fixture
def desk(db_path, monkeypatch):
    """Ann and Bob (checkers), Eve (editor), Vic (viewer); the same claim in two articles."""
    with running(db_path, monkeypatch) as api:
        api.ann = api.as_new("Ann", "checker")
        api.bob = api.as_new("Bob", "checker")
        api.eve = api.as_new("Eve", "editor")
        api.vic = api.as_new("Vic", "viewer")
        api.spread = seed_spread(api.db, api.settings)
        yield api


def _trending(client, **params) -> dict:
    answer = client.get("/api/trending", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_same_claim_in_two_articles_is_one_group(desk):
    page = _trending(desk.vic)
    assert (page["since"], page["min_articles"], page["limit"]) == (None, 2, 20)
    (group,) = page["groups"]
    assert (group["claim"], group["articles"], group["claims"]) == (SAID, 2, 2)
    assert (group["first_seen"], group["last_seen"]) == ("2026-12-01", "2026-12-04")
    assert sorted(group["speakers"]) == ["Ann Minister", "Bob Senator"]
    assert group["best_match"] == "Fact-check number 0" and group["best_match_band"] == "strong"
    members = [m["claim_id"] for m in group["members"]]
    assert members == [desk.spread["said"], desk.spread["repeated"]]
    assert [m["article_title"] for m in group["members"]] == ["Morning paper", "Evening news"]
    assert _trending(desk.vic, min_articles=3)["groups"] == []
    window = _trending(desk.vic, since="2026-12-03", min_articles=1, limit=1)
    assert window["since"] == "2026-12-03"
    (alone,) = window["groups"]
    assert alone["claims"] == 1 and alone["first_seen"] == "2026-12-04"
    spans = _trending(desk.vic, since="7d")
    assert spans["since"] == trending.since_date("7d")


def test_verdicts_follow_blind_review_as_in_the_cli(desk):
    review.set_blind_mode(desk.db, "Eve", True)
    review.save_verdict(desk.db, "Ann", desk.spread["said"], "False", rationale="never raised")

    def verdicts(client) -> tuple[list, list]:
        (group,) = _trending(client)["groups"]
        return group["verdicts"], [m["label"] for m in group["members"]]

    assert verdicts(desk.ann) == (["False"], ["False", None])
    assert verdicts(desk.eve) == (["False"], ["False", None])
    assert verdicts(desk.bob) == ([], [None, None]), "Bob is blinded on Ann's claim"
    (seen,) = _trending(desk.bob)["groups"]
    assert {m["status"] for m in seen["members"]} <= {"new", "in_review"}
    assert "False" not in json.dumps(seen)
    for name, client in (("Ann", desk.ann), ("Bob", desk.bob), ("Vic", desk.vic)):
        expected = json.loads(json.dumps(trending.trending(desk.db, name), default=str))
        assert _trending(client)["groups"] == expected, name  # exactly the library's view
    review.set_blind_mode(desk.db, "Eve", False)
    assert verdicts(desk.bob)[0] == ["False"]


def test_bad_input_is_refused(desk):
    message = error_of(desk.vic.get("/api/trending", params={"since": "soon"}), 400, "bad_input")
    assert "24h, 7d, 2w" in message
    for params in (
        {"min_articles": 0},
        {"limit": 0},
        {"limit": 1001},
        {"min_articles": "many"},
        {"since": "x" * 41},
    ):
        error_of(desk.vic.get("/api/trending", params=params), 422, "invalid_request")
    error_of(desk.client().get("/api/trending"), 401, "unauthenticated")
