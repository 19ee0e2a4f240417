"""Ranking metrics against hand-computed values, and the TREC readers/writers."""

from __future__ import annotations

import pytest

from factcheck.research.metrics import (
    average_precision,
    evaluate,
    map_at_k,
    mrr,
    precision_at_k,
    read_qrels,
    read_queries,
    read_run,
    recall_at_k,
    reciprocal_rank,
    write_run,
)


def test_average_precision_one_relevant_is_reciprocal_rank_within_k():
    assert average_precision(["a", "b", "c"], {"b"}, k=5) == pytest.approx(1 / 2)
    assert average_precision(["a", "b", "c", "d", "e", "f"], {"f"}, k=5) == 0.0
    assert average_precision(["f"], {"f"}, k=1) == 1.0


def test_average_precision_divides_by_all_relevant_documents():
    # relevant at ranks 1 and 3 of 2 relevant: (1/1 + 2/3) / 2
    assert average_precision(["a", "x", "b"], {"a", "b"}, k=5) == pytest.approx((1 + 2 / 3) / 2)
    # CheckThat!/trec_eval map_cut: the denominator is not capped at k
    assert average_precision(["a", "b"], {"a", "b"}, k=1) == pytest.approx(0.5)
    # three relevant, only one retrieved at rank 2
    assert average_precision(["x", "a"], {"a", "b", "c"}, k=5) == pytest.approx((1 / 2) / 3)


def test_duplicate_documents_in_a_run_count_once():
    assert average_precision(["a", "a", "b"], {"a", "b"}, k=3) == pytest.approx((1 + 2 / 3) / 2)


def test_map_mrr_recall_over_queries_missing_query_counts_zero():
    run = {"q1": ["a", "b", "c"], "q2": ["x", "y", "z"], "q4": ["n"]}
    qrels = {"q1": {"b"}, "q2": {"z", "y"}, "q3": {"k"}, "q5": set()}
    # q1: 1/2; q2: (1/2 + 2/3)/2 = 7/12; q3 missing: 0; q5 has nothing relevant: skipped
    assert map_at_k(run, qrels, 5) == pytest.approx((1 / 2 + 7 / 12 + 0) / 3)
    assert map_at_k(run, qrels, 1) == 0.0
    assert mrr(run, qrels) == pytest.approx((1 / 2 + 1 / 2 + 0) / 3)
    assert recall_at_k(run, qrels, 2) == pytest.approx((1 + 1 / 2 + 0) / 3)
    assert precision_at_k(run, qrels, 2) == pytest.approx((1 / 2 + 1 / 2 + 0) / 3)


def test_reciprocal_rank_cut_at_k():
    assert reciprocal_rank(["a", "b", "c"], {"c"}) == pytest.approx(1 / 3)
    assert reciprocal_rank(["a", "b", "c"], {"c"}, k=2) == 0.0


def test_evaluate_row_has_the_table_columns():
    row = evaluate({"q": ["a", "b"]}, {"q": {"b"}})
    assert list(row) == ["MAP@1", "MAP@3", "MAP@5", "MRR", "R@5", "R@10", "R@20"]
    assert row["MAP@1"] == 0.0 and row["MAP@5"] == pytest.approx(0.5) and row["R@5"] == 1.0


def test_read_qrels_without_final_newline_and_with_header(tmp_path):
    path = tmp_path / "qrels.tsv"
    path.write_text("qid\t0\tdocid\trelevance\nq1\t0\td1\t1\nq1\t0\td2\t0\nq2\t0\td3\t1", "utf-8")
    assert read_qrels(path) == {"q1": {"d1"}, "q2": {"d3"}}


def test_read_queries_with_and_without_header(tmp_path):
    path = tmp_path / "q.tsv"
    path.write_text("tweet-1\tFirst claim.\ntweet-2\tSecond\tclaim with a tab", "utf-8")
    assert read_queries(path) == {"tweet-1": "First claim.", "tweet-2": "Second\tclaim with a tab"}
    path.write_text("iclaim_id\ticlaim\ntweet-1\tFirst claim.\n", "utf-8")
    assert read_queries(path) == {"tweet-1": "First claim."}


def test_run_file_round_trip(tmp_path):
    path = tmp_path / "run.tsv"
    write_run(path, {"q1": [("d2", 0.9), ("d1", 0.5)], "q2": [("d3", 2.0)]}, tag="t")
    lines = path.read_text("utf-8").splitlines()
    assert lines[0] == "q1\tQ0\td2\t1\t0.900000\tt"
    assert read_run(path) == {"q1": ["d2", "d1"], "q2": ["d3"]}
