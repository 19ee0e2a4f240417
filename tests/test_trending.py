"""Claims across articles: the Trending view (library and `factcheck trending`), its verdicts
under blind review, and the queue's sort by spread."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from trending_seed import SAID, seed_spread

from factcheck import workbench
from factcheck.cli import cli
from factcheck.errors import InputError
from factcheck.match import trending
from factcheck.review import workflow as review


@pytest.fixture
def spread(db, settings):
    return seed_spread(db, settings)


def test_the_same_claim_in_two_articles_is_one_trending_group(db, spread) -> None:
    (group,) = trending.trending(db)
    assert group["claim"] == SAID and group["group_id"] == spread["said"]
    assert (group["articles"], group["claims"]) == (2, 2)
    assert (group["first_seen"], group["last_seen"]) == ("2026-12-01", "2026-12-04")
    assert sorted(group["speakers"]) == ["Ann Minister", "Bob Senator"]
    assert group["best_match"] == "Fact-check number 0" and group["best_match_band"] == "strong"
    assert [m["claim_id"] for m in group["members"]] == [spread["said"], spread["repeated"]]
    assert [m["article_title"] for m in group["members"]] == ["Morning paper", "Evening news"]
    assert trending.trending(db, min_articles=3) == []
    # one article in the window: not spread any more, unless one article is enough
    assert trending.trending(db, since="2026-12-03") == []
    (alone,) = trending.trending(db, since="2026-12-03", min_articles=1, limit=1)
    assert alone["claims"] == 1 and alone["first_seen"] == "2026-12-04"


def test_since_takes_spans_and_dates() -> None:
    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    assert trending.since_date("7d", now) == "2026-11-29"
    assert trending.since_date("2w", now) == "2026-11-22"
    assert trending.since_date("36h", now) == "2026-12-05"
    assert trending.since_date("2026-12-01") == "2026-12-01"
    assert trending.since_date("") is None
    with pytest.raises(InputError, match=r"24h, 7d, 2w"):
        trending.since_date("last week")


def test_bad_limits_are_refused(db) -> None:
    with pytest.raises(InputError, match="min articles"):
        trending.trending(db, min_articles=0)
    with pytest.raises(InputError, match="limit"):
        trending.trending(db, limit=0)


def test_the_cli_lists_the_group(db, db_path, spread) -> None:
    runner = CliRunner()
    ran = runner.invoke(cli, ["trending", "--db", str(db_path), "--format", "json"])
    assert ran.exit_code == 0, ran.output
    (group,) = json.loads(ran.output)
    assert group["articles"] == 2 and group["claim"] == SAID
    assert {m["claim_id"] for m in group["members"]} == {spread["said"], spread["repeated"]}
    table = runner.invoke(cli, ["trending", "--db", str(db_path)])
    assert table.exit_code == 0 and "minimum wage" in table.output and "Bob Senator" in table.output
    empty = runner.invoke(cli, ["trending", "--db", str(db_path), "--min-articles", "3"])
    assert empty.exit_code == 0 and "(none)" in empty.output
    bad = runner.invoke(cli, ["trending", "--db", str(db_path), "--since", "soon"])
    assert bad.exit_code != 0 and "7d" in bad.output


def test_verdicts_in_a_group_follow_blind_review(db, db_path, spread) -> None:
    for name, role in (("Ann", "checker"), ("Bob", "checker"), ("Eve", "editor")):
        review.ensure_reviewer(db, name, role)
    review.set_blind_mode(db, "Eve", True)
    review.save_verdict(db, "Ann", spread["said"], "False", rationale="never raised")

    def verdicts(viewer):
        (group,) = trending.trending(db, viewer)
        return group["verdicts"], [m["label"] for m in group["members"]]

    assert verdicts("Ann") == (["False"], ["False", None])
    assert verdicts("Eve") == (["False"], ["False", None])
    assert verdicts(None) == (["False"], ["False", None])
    assert verdicts("Bob") == ([], [None, None]), "Bob is blinded on Ann's claim"
    (seen,) = trending.trending(db, "Bob")
    assert {m["status"] for m in seen["members"]} <= {"new", "in_review"}
    ran = CliRunner().invoke(
        cli, ["trending", "--db", str(db_path), "--format", "json", "--as", "Bob"]
    )
    assert ran.exit_code == 0 and json.loads(ran.output)[0]["verdicts"] == []
    review.set_blind_mode(db, "Eve", False)
    assert verdicts("Bob")[0] == ["False"]


def test_the_queue_sorts_by_spread(db, spread) -> None:
    rows = workbench.queue_view(db, sort="spread", viewer=None)["rows"]
    assert {r["id"] for r in rows[:2]} == {spread["said"], spread["repeated"]}
    assert {r["id"] for r in rows[2:]} == set(spread["others"])
    ascending = workbench.queue_view(db, sort="spread", descending=False)["rows"]
    assert {r["id"] for r in ascending[-2:]} == {spread["said"], spread["repeated"]}


def test_claims_added_without_a_corpus_are_grouped_when_trending_is_asked(db, settings):
    """Articles ingested while no reference corpus existed were never matched, so never grouped,
    and Trending stayed empty; with the settings it groups them first."""
    import numpy as np
    from trending_seed import REPEATED, add_article, near, unit

    rng = np.random.default_rng(5)
    wage = unit(rng.standard_normal(384))
    add_article(db, "Morning paper", [(SAID, wage, "Ann Minister")], settings, date="2026-12-01")
    add_article(
        db, "Evening news", [(REPEATED, near(wage, 0.95, rng), "Bob")], settings, date="2026-12-02"
    )
    assert trending.trending(db) == []  # nothing grouped yet: no matching ran
    (group,) = trending.trending(db, settings=settings)
    assert (group["articles"], group["claims"], group["claim"]) == (2, 2, SAID)
    assert trending.group_ungrouped(db, settings) == 0  # grouped once


def test_the_cli_groups_claims_added_without_a_corpus(db, db_path, settings):
    import numpy as np
    from trending_seed import REPEATED, add_article, near, unit

    rng = np.random.default_rng(6)
    wage = unit(rng.standard_normal(384))
    add_article(db, "Morning paper", [(SAID, wage, "Ann")], settings, date="2026-12-01")
    add_article(db, "Evening news", [(REPEATED, near(wage, 0.95, rng), "Bob")], settings)
    out = CliRunner().invoke(cli, ["trending", "--db", str(db_path), "--format", "json"])
    assert out.exit_code == 0, out.output
    assert [g["articles"] for g in json.loads(out.output)] == [2]
