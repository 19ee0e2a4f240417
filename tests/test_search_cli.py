"""`factcheck search` and `factcheck match` on the command line: output formats and errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from factcheck.cli import cli
from factcheck.match import matcher as match
from factcheck.resources import examples_dir

pytestmark = pytest.mark.model
FACTCHECKS = str(examples_dir() / "demo_corpus" / "factchecks.jsonl")


def run(*args):
    match.clear_cache()
    return CliRunner().invoke(cli, list(args))


def test_search_prints_a_table_and_json(db_path):
    assert run("corpus", "import", FACTCHECKS, "--db", str(db_path)).exit_code == 0
    table = run(
        "search",
        "Did solar make up most new renewable capacity?",
        "--db",
        str(db_path),
        "--top-k",
        "2",
    )
    assert table.exit_code == 0, table.output
    assert "Solar panels" in table.output and "rank" in table.output
    out = run(
        "search",
        "world population of eight billion",
        "--db",
        str(db_path),
        "--format",
        "json",
        "--method",
        "hybrid",
    )
    rows = json.loads(out.stdout)
    assert len(rows) == 8  # top-k 10, eight fact-checks
    assert rows[0]["verdict"] == "mostly-true" and rows[0]["method"] == "hybrid"
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))


def test_search_errors_are_one_line(db_path):
    empty = run("search", "anything", "--db", str(db_path))
    assert empty.exit_code == 1
    assert empty.output.strip().splitlines() == [
        "Error: the reference corpus is empty: import one with `factcheck corpus import FILE`"
    ]
    bad = run("search", "x", "--method", "magic", "--db", str(db_path))
    assert bad.exit_code == 2


def test_match_command_and_ingest_match_automatically(db_path, tmp_path):
    assert run("corpus", "import", FACTCHECKS, "--db", str(db_path)).exit_code == 0
    article = tmp_path / "a.txt"
    article.write_text(
        "Energy news\n\nThe world installed less renewable power in 2023 than "
        "in 2022, a columnist claimed on Monday.\n",
        encoding="utf-8",
    )
    ingested = run("ingest", str(article), "--db", str(db_path))
    assert ingested.exit_code == 0, ingested.output
    assert "matches with the reference corpus" in ingested.output
    again = run("match", "--article", "1", "--db", str(db_path), "--top-k", "1")
    assert again.exit_code == 0 and "1 claims matched against 8 reference units" in again.output
    assert run("match", "--all", "--db", str(db_path)).exit_code == 0
    neither = run("match", "--db", str(db_path))
    assert neither.exit_code == 2 and "give --article ID or --all" in neither.output
    missing = run("match", "--article", "99", "--db", str(db_path))
    assert missing.exit_code == 1 and "no article 99" in missing.output


def test_an_unknown_model_is_one_line_without_a_download(db_path):
    assert run("corpus", "import", FACTCHECKS, "--db", str(db_path)).exit_code == 0
    out = run("search", "solar", "--db", str(db_path), "--model", "nobody/no-such-model")
    assert out.exit_code == 1
    (line,) = out.output.strip().splitlines()
    assert line.startswith(
        "Error: model 'nobody/no-such-model' is not a folder on disk and downloads are off"
    )


def test_an_unknown_model_is_named_even_when_the_corpus_has_vectors(db_path):
    assert run("corpus", "import", FACTCHECKS, "--db", str(db_path)).exit_code == 0
    assert run("corpus", "embed", "--db", str(db_path)).exit_code == 0
    out = run("search", "solar", "--db", str(db_path), "--model", "nobody/no-such-model")
    assert out.exit_code == 1
    (line,) = out.output.strip().splitlines()
    assert line.startswith("Error: model 'nobody/no-such-model' is not a folder on disk")


def test_match_all_with_a_corpus_but_no_claims_says_so(db_path):
    """It said "no reference corpus to match against" although one was imported."""
    assert run("corpus", "import", FACTCHECKS, "--db", str(db_path)).exit_code == 0
    result = run("match", "--all", "--db", str(db_path))
    assert result.exit_code == 0
    assert "no check-worthy claims to match (ingest an article first)" in result.output
    assert "no reference corpus" not in result.output
