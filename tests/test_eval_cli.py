"""`factcheck eval` on a tiny hand-made corpus, queries and qrels: hand-computed metrics, the
JSON keys, the TREC run file, and no re-encoding on a second run (vectors cached)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from factcheck.cli import cli
from factcheck.match import matcher as match
from factcheck.models import embed
from factcheck.storage import open_db

pytestmark = pytest.mark.model
KEYS = ["map@1", "map@3", "map@5", "mrr", "recall@5", "recall@10", "recall@20", "queries"]
CORPUS = [
    {
        "id": "fc-fares",
        "claim": "The city council doubled bus fares last spring.",
        "verdict": "False",
    },
    {
        "id": "fc-wheat",
        "claim": "Wheat prices rose by a third after the Kansas drought.",
        "verdict": "True",
    },
    {
        "id": "fc-wolves",
        "claim": "Wolves have returned to every county of the state.",
        "verdict": "False",
    },
    {
        "id": "fc-bridge",
        "claim": "The new bridge cost twice its original budget.",
        "verdict": "Mostly true",
    },
]


@pytest.fixture
def files(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in CORPUS), encoding="utf-8")
    queries = tmp_path / "queries.tsv"
    queries.write_text(
        "id\ttext\n"
        "q1\tBus fares were doubled by the council last spring\n"
        "q2\tAfter the drought in Kansas wheat got a third more expensive\n"
        "q3\tThe bridge ended up costing double the budget\n"
        "q4\tThe mayor resigned on Tuesday\n",
        encoding="utf-8",
    )
    qrels = tmp_path / "qrels.tsv"
    # q4's relevant fact-check is not in the corpus: it scores 0 everywhere
    qrels.write_text(
        "q1 0 fc-fares 1\nq2 0 fc-wheat 1\nq3 0 fc-bridge 1\nq4 0 fc-missing 1\n", encoding="utf-8"
    )
    return corpus, queries, qrels


def run(*args):
    match.clear_cache()
    return CliRunner().invoke(cli, ["eval", *args])


def test_eval_prints_hand_computed_metrics_and_a_run_file(files, tmp_path, monkeypatch):
    corpus, queries, qrels = files
    cache = tmp_path / "cache.db"
    out = run(
        "--corpus",
        str(corpus),
        "--queries",
        str(queries),
        "--qrels",
        str(qrels),
        "--method",
        "dense",
        "--output",
        "json",
        "--run",
        str(tmp_path / "run.tsv"),
        "--db",
        str(cache),
    )
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    assert list(result) == KEYS
    # three queries find their fact-check first, the fourth cannot: 3/4 everywhere
    assert result == {**{k: 0.75 for k in KEYS[:-1]}, "queries": 4}
    lines = (tmp_path / "run.tsv").read_text().splitlines()
    assert lines[0].split("\t")[:4] == ["q1", "Q0", "fc-fares", "1"]
    assert len(lines) == 4 * len(CORPUS)

    stored = open_db(cache).execute("SELECT count(*) FROM embeddings").fetchone()[0]

    def no_encoding(*_args, **_kwargs):
        raise AssertionError("encoded again")

    monkeypatch.setattr(embed, "encode", no_encoding)
    again = run(
        "--corpus",
        str(corpus),
        "--queries",
        str(queries),
        "--qrels",
        str(qrels),
        "--db",
        str(cache),
    )
    assert again.exit_code == 0, again.output
    assert "map@5" in again.output and "0.75" in again.output
    assert open_db(cache).execute("SELECT count(*) FROM embeddings").fetchone()[0] == stored


def test_eval_bad_input_is_one_line(files, tmp_path):
    corpus, queries, _qrels = files
    empty = tmp_path / "empty.tsv"
    empty.write_text("", encoding="utf-8")
    out = run(
        "--corpus",
        str(corpus),
        "--queries",
        str(queries),
        "--qrels",
        str(empty),
        "--db",
        str(tmp_path / "c.db"),
    )
    assert out.exit_code == 1
    assert out.output.strip().splitlines() == [
        f"Error: {empty}: no judgements (expected TREC lines: qid 0 docid 1)"
    ]
