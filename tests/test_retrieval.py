"""Retrieval methods on small synthetic corpora (fake embedder) and one real-model check."""

from __future__ import annotations

import hashlib
from datetime import date

import numpy as np
import pytest

from factcheck.match.rerank import FEATURES, LinearReranker, candidate_features, load_default
from factcheck.match.retrieval import (
    METHODS,
    Doc,
    Query,
    RetrievalConfig,
    Retriever,
    analyze,
    exact_top_k,
)
from factcheck.text import lead_snippet, parse_date, speaker_match


def fake_embed(texts):
    """Bag of stemmed words hashed into 64 dimensions, L2-normalised."""
    out = np.zeros((len(texts), 64), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in analyze(text):
            out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms > 0, norms, 1.0)


DOCS = [
    Doc(
        "d-vaccine",
        "The flu vaccine causes autism in children.",
        "Flu vaccine and autism",
        "Claims that vaccines cause autism are false.",
        "Facebook posts",
        date(2019, 3, 1),
    ),
    Doc(
        "d-wall",
        "Mexico will pay for the border wall.",
        "Who pays for the wall?",
        "The president said Mexico would pay.",
        "Donald Trump",
        date(2016, 9, 1),
    ),
    Doc(
        "d-jobs",
        "Unemployment fell to 3.5 percent in 2019.",
        "Jobless rate at a low",
        "The unemployment rate fell.",
        "Donald Trump",
        date(2019, 10, 4),
    ),
    Doc(
        "d-taxes",
        "Taxes on the middle class went up by 4,300 dollars.",
        "Middle-class taxes",
        "",
        "Joe Biden",
        date(2012, 10, 3),
    ),
    Doc(
        "d-climate",
        "Sea levels are rising faster than ever.",
        "Sea level rise",
        "Scientists measure sea levels.",
        "Bernie Sanders",
        date(2016, 2, 4),
    ),
]


def make_retriever(**kwargs) -> Retriever:
    kwargs.setdefault("reranker", False)
    return Retriever(DOCS, fake_embed, **kwargs)


@pytest.mark.parametrize("method", ["dense", "bm25", "hybrid"])
def test_each_method_ranks_the_matching_fact_check_first(method):
    retriever = make_retriever()
    queries = [
        Query("q1", "Does the flu vaccine cause autism?"),
        Query("q2", "Mexico is going to pay for that wall"),
        Query("q3", "Sea levels rising fast"),
    ]
    run = retriever.search(queries, method, k=3)
    assert [run[q][0].doc_id for q in ("q1", "q2", "q3")] == ["d-vaccine", "d-wall", "d-climate"]
    assert all(len(hits) == 3 and hits[0].method == method for hits in run.values())
    scores = [h.score for h in run["q1"]]
    assert scores == sorted(scores, reverse=True)


def test_rerank_without_weights_falls_back_to_hybrid():
    retriever = make_retriever()
    assert retriever.default_method() == "hybrid"
    hits = retriever.search([Query("q", "vaccine autism")], "rerank", k=2)["q"]
    assert hits[0].doc_id == "d-vaccine" and hits[0].method == "hybrid"


def test_unknown_method_and_empty_inputs():
    retriever = make_retriever()
    with pytest.raises(ValueError, match="unknown method"):
        retriever.search([Query("q", "x")], "magic")
    assert retriever.search([], "dense") == {}
    with pytest.raises(ValueError):
        Retriever([], fake_embed, reranker=False)


def test_query_with_no_known_words_still_gets_a_ranking():
    hits = make_retriever().search([Query("q", "zzzz qqqq")], "hybrid", k=5)["q"]
    assert len(hits) == 5


def test_precomputed_vectors_are_used_instead_of_embedding_documents():
    calls = []

    def counting_embed(texts):
        calls.append(list(texts))
        return fake_embed(texts)

    vectors = {f: fake_embed([getattr(d, f) for d in DOCS]) for f in ("claim", "title", "lead")}
    retriever = Retriever(DOCS, counting_embed, vectors=vectors, reranker=False)
    assert calls == []
    retriever.search([Query("q", "sea levels")], "dense")
    assert calls == [["sea levels"]]  # the query only, once


def test_candidate_hook_is_used():
    seen = []

    def hook(scores, k):
        seen.append((scores.shape, k))
        return exact_top_k(scores, k)

    make_retriever(candidate_fn=hook).search([Query("q", "wall")], "dense", k=2)
    assert seen == [((1, len(DOCS)), 2)]


def test_exact_top_k_orders_best_first():
    scores = np.array([[0.1, 0.9, 0.5, 0.7]])
    assert exact_top_k(scores, 3).tolist() == [[1, 3, 2]]
    assert exact_top_k(scores, 10).tolist() == [[1, 3, 2, 0]]


def _weights_for(**named) -> LinearReranker:
    coef = [named.get(f, 0.0) for f in FEATURES]
    n = len(FEATURES)
    return LinearReranker(coef, 0.0, [0.0] * n, [1.0] * n)


def test_features_speaker_date_numbers_and_context():
    retriever = make_retriever()
    query = Query(
        "q",
        "Taxes went up by $4,300 for the middle class",
        context="Jobs and wall.",
        speaker="MR. BIDEN",
        date=date(2012, 10, 3),
    )
    signals = next(retriever.batches([query]))[1]
    cand = np.arange(len(DOCS))
    feats = candidate_features(retriever, [query], signals, [cand])[0]
    column = {name: feats[:, i] for i, name in enumerate(FEATURES)}
    taxes, wall = 3, 1
    assert column["speaker_agree"][taxes] == 1.0 and column["speaker_agree"][wall] == -1.0
    assert column["date_near"][taxes] == pytest.approx(1.0) and column["date_near"][wall] < 0.01
    assert column["date_after"][wall] == 1.0 and column["date_after"][taxes] == 0.0
    assert column["has_speaker"].tolist() == [1.0] * 5 and column["has_numbers"][0] == 1.0
    assert column["numbers_shared"][taxes] == 1.0 and column["numbers_shared"][wall] == 0.0
    assert column["hybrid_gap"].max() == pytest.approx(0.0)
    # the context sentence mentions the wall: the context score rises above the plain one
    assert column["ctx_claim"][wall] > column["dense_claim"][wall]


def test_missing_metadata_is_neutral():
    docs = [
        Doc("a", "Crime is at a record high.", speaker="Joe Biden", date=date(2016, 1, 1)),
        Doc("b", "Crime is at a record high.", date=date(2016, 1, 31)),
        Doc("c", "Crime is at a record high.", speaker="Donald Trump"),
    ]
    retriever = Retriever(docs, fake_embed, reranker=False)
    query = Query("q", "crime record high", speaker="TRUMP", date=date(2016, 1, 1))
    signals = next(retriever.batches([query]))[1]
    feats = candidate_features(retriever, [query], signals, [np.arange(3)])[0]
    column = {name: feats[:, i] for i, name in enumerate(FEATURES)}
    assert column["speaker_agree"].tolist() == [-1.0, 0.0, 1.0]  # b has no claimant
    near = column["date_near"]
    assert near[0] == pytest.approx(1.0) and near[2] == pytest.approx((near[0] + near[1]) / 2)


def test_learned_speaker_weight_breaks_a_tie_between_identical_claims():
    docs = [
        Doc("a", "Crime is at a record high.", speaker="Joe Biden"),
        Doc("b", "Crime is at a record high.", speaker="Donald Trump"),
    ]
    retriever = Retriever(docs, fake_embed, reranker=_weights_for(speaker_agree=2.0))
    hits = retriever.search([Query("q", "crime record high", speaker="TRUMP")], k=2)["q"]
    assert [h.doc_id for h in hits] == ["b", "a"] and hits[0].method == "rerank"
    assert hits[0].score == pytest.approx(1 / (1 + np.exp(-2.0)))  # sigmoid(2 * agree)
    assert hits[1].score == pytest.approx(1 / (1 + np.exp(2.0)))


def test_shipped_weights_load_and_rank_the_planted_match_first():
    model = load_default()
    assert model is not None, "factcheck/data/reranker.json is missing or stale"
    weights = dict(zip(model.features, model.coef / model.scale))
    # without context the plain and context similarities are equal: their sum is what counts
    assert weights["dense_claim"] + weights["ctx_claim"] > 0
    assert weights["speaker_agree"] > 0 and weights["date_after"] < 0
    hits = Retriever(DOCS, fake_embed).search(
        [Query("q", "Unemployment fell to 3.5 percent", speaker="TRUMP", date=date(2019, 10, 5))],
        k=3,
    )["q"]
    assert hits[0].doc_id == "d-jobs" and hits[0].method == "rerank"


def test_weights_for_other_features_are_refused():
    with pytest.raises(ValueError, match="retrain"):
        LinearReranker([1.0], 0.0, [0.0], [1.0], features=["something_else"])


def test_text_helpers():
    assert parse_date("stated on October 22, 2019 in a mailer") == date(2019, 10, 22)
    assert parse_date("6 March 2021") == date(2021, 3, 6)
    assert parse_date("20160926") == date(2016, 9, 26) and parse_date("no date") is None
    assert speaker_match("MR. ROMNEY", "Mitt Romney") == 1.0
    assert speaker_match("CLINTON", "Donald Trump") == 0.0 and speaker_match("", "X") is None
    lead = lead_snippet("First sentence here. " * 40, limit=100)
    assert len(lead) <= 100 and lead.endswith(".")


@pytest.mark.model
def test_real_model_ranks_a_paraphrase_first(bundled_model):
    from factcheck.models.embed import encode

    docs = DOCS + [
        Doc(
            "d-moon",
            "NASA faked the 1969 Moon landing in a film studio.",
            "Was the Moon landing staged?",
        )
    ]
    retriever = Retriever(docs, lambda texts: encode(texts), reranker=False)
    query = Query("q", "the apollo astronauts never went to the moon, it was shot on a set")
    for method in ("dense", "hybrid"):
        assert retriever.search([query], method, k=3)["q"][0].doc_id == "d-moon"
    assert set(METHODS) == {"dense", "bm25", "hybrid", "rerank"}
    assert isinstance(RetrievalConfig().candidates, int)
