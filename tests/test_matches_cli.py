"""`factcheck matches`: each claim's stored candidates as JSON or formula-safe CSV, filters by
article, claim and band, and one-line errors for what does not exist."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from factcheck.cli import cli
from factcheck.match import matcher as match
from factcheck.resources import examples_dir
from factcheck.storage import matches as store
from factcheck.storage import open_db

pytestmark = pytest.mark.model
FACTCHECKS = str(examples_dir() / "demo_corpus" / "factchecks.jsonl")
RISKY = {
    "id": "=HYPERLINK(1)",
    "verdict": "False",
    "publisher": "Test Desk",
    "title": "=cmd|' /C calc'!A0",
    "claim": "The world installed less renewable power in 2023 than in 2022.",
}


def run(*args):
    match.clear_cache()
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def matched(db_path, tmp_path):
    risky = tmp_path / "risky.jsonl"
    risky.write_text(json.dumps(RISKY) + "\n", encoding="utf-8")
    for corpus in (FACTCHECKS, str(risky)):
        assert run("corpus", "import", corpus, "--db", str(db_path)).exit_code == 0
    article = tmp_path / "a.txt"
    article.write_text(
        "Energy news\n\nThe world installed less renewable power in 2023 than "
        "in 2022, a columnist claimed on Monday.\n\nThe United Nations says the world's "
        "population reached eight billion people in November 2022.\n",
        encoding="utf-8",
    )
    assert run("ingest", str(article), "--db", str(db_path)).exit_code == 0
    return db_path


def test_json_lists_every_claims_candidates_by_rank(matched):
    out = run("matches", "--db", str(matched), "--format", "json")
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    db = open_db(matched)
    claims = store.check_worthy_ids(db)
    assert sorted({r["claim_id"] for r in rows}) == claims
    assert len(rows) == 5 * len(claims)
    for claim_id in claims:
        mine = [r for r in rows if r["claim_id"] == claim_id]
        assert [r["rank"] for r in mine] == [1, 2, 3, 4, 5]
        stored = store.for_claim(db, claim_id)
        assert [r["external_id"] for r in mine] == [s["external_id"] for s in stored]
        assert [r["confidence"] for r in mine] == [s["confidence"] for s in stored]
    assert set(rows[0]) >= {"claim_id", "rank", "band", "confidence", "similarity", "external_id"}
    assert {r["band"] for r in rows} <= {"strong", "suggested", "weak"}
    assert "<" not in out.stdout.replace("\\u003c", "")  # HTML-safe JSON


def test_filters_by_claim_article_and_band(matched):
    db = open_db(matched)
    claim_id = store.check_worthy_ids(db)[0]
    one = json.loads(run("matches", "--db", str(matched), "--claim", str(claim_id), "--format",
                         "json").stdout)  # fmt: skip
    assert {r["claim_id"] for r in one} == {claim_id} and len(one) == 5
    article = json.loads(
        run("matches", "--db", str(matched), "--article", "1", "--format", "json").stdout
    )
    assert {r["article_id"] for r in article} == {1}
    for band in ("strong", "suggested", "weak"):
        rows = json.loads(
            run("matches", "--db", str(matched), "--band", band, "--format", "json").stdout
        )
        assert all(r["band"] == band for r in rows)


def test_csv_is_formula_safe(matched):
    out = run("matches", "--db", str(matched), "--format", "csv")
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert rows and list(rows[0])[:6] == [
        "claim_id",
        "article_id",
        "rank",
        "band",
        "confidence",
        "similarity",
    ]
    risky = [r for r in rows if "HYPERLINK" in r["external_id"]]
    assert risky, "the risky fact-check is among the candidates"
    assert all(r["external_id"].startswith("'=") and r["title"].startswith("'=") for r in risky)


def test_errors_name_what_is_missing(matched):
    claim = run("matches", "--db", str(matched), "--claim", "9999")
    assert claim.exit_code == 1
    assert claim.output.strip() == ("Error: no claim 9999; list them with `factcheck claims`")
    article = run("matches", "--db", str(matched), "--article", "77")
    assert article.exit_code == 1 and "no article 77" in article.output
    band = run("matches", "--db", str(matched), "--band", "great")
    assert band.exit_code == 2 and "strong" in band.output
