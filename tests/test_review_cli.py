"""`factcheck review ... --as NAME`: show, cite, verdict, publish, settings, assign and queue
from the command line, with exactly the app's permissions and blind review."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from factcheck.cli import cli
from factcheck.review import accounts
from factcheck.review import workflow as review
from tests.test_review import _article, _match, _passages


def _review(db_path, *args):
    return CliRunner().invoke(cli, ["review", *map(str, args), "--db", str(db_path)])


def _as(db_path, name, *args):
    """``factcheck review ARGS --as NAME``."""
    return _review(db_path, *args, "--as", name)


def _ok(result) -> str:
    assert result.exit_code == 0, (result.output, result.stderr)
    return result.stdout


def _one_error(result, *words: str) -> str:
    assert result.exit_code != 0, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def _show(db_path, claim_id, name) -> dict:
    return json.loads(_ok(_as(db_path, name, "show", claim_id, "--format", "json")))


def _settings(db_path, name, *args) -> dict:
    return json.loads(_ok(_as(db_path, name, "settings", *args, "--format", "json")))


@pytest.fixture
def desk(db, db_path):
    """Ann and Bob (checkers), Eve (editor), Vic (viewer); one claim matched to two passages."""
    for name, role in (
        ("Ann", "checker"),
        ("Bob", "checker"),
        ("Eve", "editor"),
        ("Vic", "viewer"),
    ):
        accounts.add_account(db, None, name, role)
    _, (claim_id, other_id) = _article(
        db,
        "Budget",
        [("The deficit tripled.", 0.9, "statistic", True), ("Jobs fell.", 0.7, None, True)],
    )
    first, second = _passages(db, 2)
    _match(db, claim_id, first, 0.8)
    _match(db, claim_id, second, 0.6)
    return db_path, claim_id, other_id, first, second


def test_checkers_cannot_publish_or_change_settings(desk):
    db_path, claim_id, _, first, _ = desk
    _ok(_as(db_path, "Ann", "cite", claim_id, "--passage", first, "--stance", "refutes"))
    _ok(_as(db_path, "Ann", "verdict", claim_id, "False"))
    _one_error(_as(db_path, "Ann", "publish", claim_id), "only editors can publish", "Ann")
    _one_error(
        _as(db_path, "Ann", "settings", "--blind", "on", "--reviews-needed", "2"),
        "only editors can change the desk's settings",
    )
    _one_error(_as(db_path, "Ann", "assign", claim_id, "--to", "Bob"), "only editors")
    current = _settings(db_path, "Ann")
    assert (current["scope"], current["blind"], current["reviews_needed"], current["scale"]) == (
        "global",
        False,
        1,
        "politifact",
    )
    assert {"organisation", "organisation_url"} <= set(current)
    assert _show(db_path, claim_id, "Ann")["claim"]["status"] == "verdict"
    external = ("--url", "https://example.org/x", "--stance", "context")
    _one_error(_as(db_path, "Vic", "cite", claim_id, *external), "only checkers", "Vic is a viewer")
    _one_error(_as(db_path, "Nobody", "show", claim_id), "unknown account 'Nobody'")


def test_blind_review_hides_everything_of_others_until_the_own_verdict(desk):
    db_path, claim_id, _, first, _ = desk
    _ok(_as(db_path, "Eve", "settings", "--blind", "on"))
    assigned = _ok(_as(db_path, "Eve", "assign", claim_id, "--to", "Ann", "--to", "Bob"))
    assert assigned.strip() == "2 new assignments"
    ann = ("--as", "Ann")
    _ok(
        _review(
            db_path,
            "cite",
            claim_id,
            "--passage",
            first,
            "--stance",
            "refutes",
            "--quote",
            "Ann's secret quote",
            *ann,
        )
    )
    _ok(
        _review(
            db_path,
            "cite",
            claim_id,
            "--url",
            "https://ann.example.org/proof",
            "--stance",
            "refutes",
            "--title",
            "Ann's secret source",
            *ann,
        )
    )
    _ok(
        _review(
            db_path,
            "verdict",
            claim_id,
            "Pants on Fire",
            "--rationale",
            "Ann's secret rationale",
            "--confidence",
            "0.85",
            *ann,
        )
    )

    bob = _show(db_path, claim_id, "Bob")
    assert "Pants on Fire!" in bob.pop("labels")  # the scale's labels, not Ann's verdict
    shown = json.dumps(bob)
    for word in ("Ann", "secret", "refutes", "Pants", "0.85", "ann.example.org"):
        assert word not in shown, word
    assert bob["blind"] is True and bob["own_verdict"] is None and bob["verdicts"] == []
    assert bob["final_verdict"] is None and bob["other_citations"] == []
    assert bob["needs_adjudication"] is False
    assert bob["assignees"] == ["Bob"] and bob["claim"]["status"] == "in_review"
    assert [card["stance"] for card in bob["evidence"]] == [None, None]
    assert bob["history"] and all(event["actor"] != "Ann" for event in bob["history"])
    text = _ok(_as(db_path, "Bob", "show", claim_id))
    assert "Ann" not in text and "secret" not in text and "blind review" in text
    queue = _ok(_as(db_path, "Bob", "queue", "--format", "json"))
    assert "Ann" not in queue and "Pants" not in queue
    assert "Ann" in _ok(_as(db_path, "Eve", "queue"))

    version = bob["claim"]["version"]
    _ok(_as(db_path, "Bob", "verdict", claim_id, "False", "--version", version))
    after = _show(db_path, claim_id, "Bob")
    assert after["blind"] is False and after["own_verdict"]["label"] == "False"
    others = {v["reviewer"]: v for v in after["verdicts"]}
    assert others["Ann"]["label"] == "Pants on Fire!"
    assert others["Ann"]["rationale"] == "Ann's secret rationale"
    assert others["Ann"]["confidence"] == 0.85
    cited = [(c["created_by"], c["stance"], c["quote"], c["url"]) for c in after["other_citations"]]
    assert cited == [
        ("Ann", "refutes", "Ann's secret quote", "https://fc.example.org/1"),
        ("Ann", "refutes", None, "https://ann.example.org/proof"),
    ]
    assert after["other_citations"][1]["title"] == "Ann's secret source"
    assert after["needs_adjudication"] is True and set(after["assignees"]) == {"Ann", "Bob"}
    assert any(event["actor"] == "Ann" for event in after["history"])
    assert "Ann: Pants on Fire!" in _ok(_as(db_path, "Bob", "show", claim_id))


def test_two_reviewers_citing_one_passage_keep_two_citations(desk):
    db_path, claim_id, _, first, _ = desk
    for name, stance in (("Ann", "refutes"), ("Bob", "supports")):
        out = _ok(_as(db_path, name, "cite", claim_id, "--passage", first, "--stance", stance))
        assert f"cited passage {first} as {stance}" in out
    # citing again changes one's own stance, never the other's
    _ok(_as(db_path, "Ann", "cite", claim_id, "--passage", first, "--stance", "mixed"))
    eve = _show(db_path, claim_id, "Eve")
    every = eve["own_citations"] + eve["other_citations"]
    assert sorted((c["created_by"], c["stance"]) for c in every) == [
        ("Ann", "mixed"),
        ("Bob", "supports"),
    ]
    for name, own, other in (("Ann", "mixed", "supports"), ("Bob", "supports", "mixed")):
        seen = _show(db_path, claim_id, name)
        assert [c["stance"] for c in seen["own_citations"]] == [own]
        assert [c["stance"] for c in seen["other_citations"]] == [other]
        card = next(card for card in seen["evidence"] if card["passage_id"] == first)
        assert card["stance"] == own  # the card shows one's own stance


def test_a_disabled_account_is_refused(desk, db):
    db_path, claim_id, _, first, _ = desk
    accounts.set_disabled(db, None, "Bob")
    cite = ("cite", claim_id, "--passage", first, "--stance", "refutes")
    _one_error(_as(db_path, "Bob", *cite), "the account Bob is disabled")
    _one_error(_as(db_path, "Bob", "verdict", claim_id, "False"), "disabled")
    _one_error(_as(db_path, "Bob", "show", claim_id), "disabled")
    _one_error(_as(db_path, "Bob", "queue"), "disabled")
    _one_error(_as(db_path, "Bob", "settings"), "disabled")
    assert review.claim_detail(db, claim_id, "Eve")["citations"] == []


def test_a_stale_version_is_a_conflict(desk):
    db_path, claim_id, _, _, _ = desk
    version = _show(db_path, claim_id, "Ann")["claim"]["version"]
    _ok(_as(db_path, "Bob", "verdict", claim_id, "Mostly True", "--version", version))
    line = _one_error(
        _as(db_path, "Ann", "verdict", claim_id, "False", "--version", version),
        "changed by someone else",
        "reload",
    )
    assert f"you had {version}" in line
    assert _show(db_path, claim_id, "Ann")["own_verdict"] is None
    _one_error(_as(db_path, "Ann", "verdict", claim_id, "Nonsense"), "Nonsense")
    _one_error(_as(db_path, "Ann", "verdict", claim_id, "False", "--confidence", "2"), "confidence")


def test_editors_publish_with_the_citations_they_choose(desk):
    db_path, claim_id, _, first, second = desk
    ids = []
    for passage in (first, second):
        out = _ok(
            _as(db_path, "Ann", "cite", claim_id, "--passage", passage, "--stance", "refutes")
        )
        ids.append(int(out.rsplit("citation ", 1)[1].rstrip(")\n")))
    _ok(_as(db_path, "Ann", "verdict", claim_id, "False"))
    _one_error(_as(db_path, "Eve", "publish", claim_id, "--citation", 999), "not a citation")
    out = _ok(_as(db_path, "Eve", "publish", claim_id, "--citation", ids[1]))
    assert out.startswith(f"claim {claim_id}: published")
    shown = _show(db_path, claim_id, "Vic")
    assert shown["claim"]["status"] == "published" and shown["final_verdict"]["label"] == "False"
    assert {c["id"]: c["in_final"] for c in shown["other_citations"]} == {
        ids[0]: False,
        ids[1]: True,
    }
    _one_error(_as(db_path, "Bob", "verdict", claim_id, "True"), "published")


def test_cite_needs_one_source_and_checks_it(desk):
    db_path, claim_id, _, first, _ = desk
    both = _as(
        db_path,
        "Ann",
        "cite",
        claim_id,
        "--passage",
        first,
        "--url",
        "https://x.example",
        "--stance",
        "refutes",
    )
    assert both.exit_code == 2 and "one of them" in both.output
    assert _as(db_path, "Ann", "cite", claim_id, "--stance", "refutes").exit_code == 2
    bad = _as(db_path, "Ann", "cite", claim_id, "--passage", first, "--stance", "agrees")
    assert bad.exit_code == 2 and "supports" in bad.output
    ftp = ("--url", "ftp://x.example", "--stance", "context")
    _one_error(_as(db_path, "Ann", "cite", claim_id, *ftp), "http")
    missing = ("--passage", 999, "--stance", "context")
    _one_error(_as(db_path, "Ann", "cite", claim_id, *missing), "no passage with id 999")
    out = _ok(
        _as(
            db_path,
            "Ann",
            "cite",
            claim_id,
            "--url",
            "https://x.example/a",
            "--title",
            "A report",
            "--stance",
            "context",
        )
    )
    assert "cited https://x.example/a as context" in out
    (external,) = _show(db_path, claim_id, "Ann")["own_citations"]
    assert (external["url"], external["title"], external["passage_id"]) == (
        "https://x.example/a",
        "A report",
        None,
    )


def test_settings_are_shown_and_changed_all_or_nothing(desk):
    db_path, claim_id, _, _, _ = desk
    text = _ok(_as(db_path, "Vic", "settings"))
    for word in ("blind", "off", "reviews_needed", "scale", "politifact", "organisation"):
        assert word in text
    changed = _settings(
        db_path,
        "Eve",
        "--blind",
        "on",
        "--reviews-needed",
        "2",
        "--scale",
        "ordinal-1-5",
        "--org-name",
        "Desk Org",
    )
    assert (changed["blind"], changed["reviews_needed"], changed["scale"]) == (
        True,
        2,
        "ordinal-1-5",
    )
    assert changed["organisation"] == "Desk Org"
    _one_error(
        _as(db_path, "Eve", "settings", "--blind", "off", "--scale", "nonsense"),
        "unknown verdict scale",
    )
    assert _settings(db_path, "Vic")["blind"] is True  # the valid part was not applied either
    _one_error(_as(db_path, "Eve", "settings", "--blind", "off", "--article", 999), "no article")
    _one_error(_as(db_path, "Eve", "settings", "--article", 999), "no article")
    article = _show(db_path, claim_id, "Eve")["claim"]["article_id"]
    scoped = _settings(db_path, "Eve", "--blind", "off", "--article", article)
    assert scoped["scope"] == f"article {article}" and scoped["blind"] is False
    assert _settings(db_path, "Eve")["blind"] is True
    assert _show(db_path, claim_id, "Ann")["scale"] == "ordinal-1-5"
    assert _as(db_path, "Eve", "settings", "--reviews-needed", "3").exit_code == 2


def test_assign_and_the_queue_as_each_account_sees_it(desk):
    db_path, claim_id, other_id, _, _ = desk
    _one_error(_as(db_path, "Eve", "assign", claim_id, "--to", "Vic"), "Vic is a viewer")
    _ok(_as(db_path, "Eve", "assign", claim_id, other_id, "--to", "Ann"))
    again = _ok(_as(db_path, "Eve", "assign", claim_id, "--to", "Ann"))
    assert again.strip() == "0 new assignments"
    rows = json.loads(_ok(_as(db_path, "Vic", "queue", "--format", "json")))["rows"]
    assert [(r["id"], r["assignees"]) for r in rows] == [(claim_id, "Ann"), (other_id, "Ann")]
    _ok(_as(db_path, "Ann", "verdict", claim_id, "False"))
    done = json.loads(_ok(_as(db_path, "Ann", "queue", "--status", "verdict", "--format", "json")))
    assert [r["id"] for r in done["rows"]] == [claim_id] and done["counts"]["verdict"] == 1
    table = _ok(_as(db_path, "Ann", "queue", "--status", "new"))
    assert "Jobs fell." in table and "The deficit tripled." not in table
