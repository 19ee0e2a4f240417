"""Claim matching end to end on real SQLite files and the real bundled model: the demo corpus,
the seed article with a planted reference, thresholds, replacement, near-duplicate claims and
prior verdicts, the approximate index, and bad input (unknown model, another model's vectors)."""

from __future__ import annotations

import json

import pytest

from factcheck.config import load_settings
from factcheck.corpus.importer import ImportOptions, import_paths
from factcheck.demo import ensure_demo
from factcheck.errors import ConfigError, InputError, ModelError
from factcheck.match import matcher as match
from factcheck.pipeline import ingest_source
from factcheck.review import workflow as review
from factcheck.storage import matches as store
from factcheck.storage import open_db

pytestmark = [pytest.mark.model, pytest.mark.usefixtures("fresh_match_cache")]

PLANTED = {
    "id": "planted-1",
    "verdict": "Mostly true",
    "publisher": "Test Desk",
    "date": "2021-07-07",
    "url": "https://factcheck.example.org/planted",
    "claim": "The Pentagon says the Taliban now hold over 100 of the 419 district "
    "centres in Afghanistan.",
    "title": "How many Afghan districts has the Taliban taken?",
}
DISTRACTORS = [
    {
        "id": "d-1",
        "verdict": "False",
        "publisher": "Test Desk",
        "date": "2020-01-01",
        "claim": "The city council doubled the bus fares last spring.",
    },
    {
        "id": "d-2",
        "verdict": "True",
        "publisher": "Test Desk",
        "date": "2020-02-01",
        "claim": "Wheat prices rose by a third after the drought in Kansas.",
    },
    {
        "id": "d-3",
        "verdict": "Half true",
        "publisher": "Test Desk",
        "date": "2020-03-01",
        "claim": "Russia held military exercises with helicopters near the Tajik border.",
    },
]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def claim_with(db, words: str) -> int:
    row = db.execute(
        "SELECT id FROM claims WHERE text LIKE ? AND check_worthy = 1", [f"%{words}%"]
    ).fetchone()
    assert row, f"no check-worthy claim with {words!r}"
    return row[0]


def test_the_demo_loads_with_matches_and_a_strong_match(db, settings):
    result = ensure_demo(db, settings)
    assert "matches with the demo reference corpus" in result.message
    claim_id = claim_with(db, "eight billion")
    found = store.for_claim(db, claim_id)
    assert found and found[0]["rank"] == 1
    assert "eight billion" in found[0]["text"].lower()
    assert found[0]["strength"] == found[0]["band"] == "strong" and found[0]["score"] >= 0.75
    assert found[0]["confidence"] >= settings.match_strong
    assert len(found) == settings.match_top_k  # weak candidates are kept too
    assert {
        "passage_id",
        "text",
        "source_id",
        "title",
        "url",
        "publisher",
        "date",
        "verdict",
        "verdict_raw",
        "kind",
        "score",
        "rank",
        "method",
        "model",
        "strength",
        "band",
        "confidence",
        "external_id",
    } <= set(found[0])
    kinds = {r[0] for r in db.execute("SELECT DISTINCT kind FROM sources")}
    assert kinds == {"fact-check", "official"}
    assert ensure_demo(db, settings) is None  # not twice


def test_the_seed_article_puts_the_planted_reference_first(db, settings, seed_article, tmp_path):
    corpus = write_jsonl(tmp_path / "refs.jsonl", [PLANTED, *DISTRACTORS])
    import_paths(db, [corpus], ImportOptions(), settings=settings)
    result = ingest_source(db, str(seed_article), settings, actor="test")
    stored = match.match_article(db, result.article_id, settings)
    assert stored > 0
    claim_id = claim_with(db, "419 district")
    best = store.for_claim(db, claim_id)[0]
    assert best["url"] == PLANTED["url"] and best["verdict"] == "mostly-true"
    assert best["method"] == "rerank" and best["model"]


def test_matching_replaces_and_bands_by_the_thresholds(db, tmp_path, monkeypatch):
    settings = load_settings(db_path=tmp_path / "x.db")
    ensure_demo(db, settings)
    before = store.count(db)
    match.match_all(db, settings)
    assert store.count(db) == before  # replaced, not added twice
    strict = load_settings(match_suggested=0.8, match_strong=0.9)
    result = match.match_all(db, strict, top_k=2)
    rows = db.execute("SELECT claim_id, confidence, band, rank FROM matches").fetchall()
    assert result.matches == len(rows) == 2 * result.claims  # weak ones stored too
    expected = [
        "strong" if c >= 0.9 else "suggested" if c >= 0.8 else "weak" for _i, c, _b, _r in rows
    ]
    assert [b for _i, _c, b, _r in rows] == expected
    assert result.weak == expected.count("weak") and result.strong == expected.count("strong")
    assert all(rank <= 2 for *_x, rank in rows)
    monkeypatch.setenv("FACTCHECK_MATCH_SUGGESTED", "0.9")
    monkeypatch.setenv("FACTCHECK_MATCH_STRONG", "0.8")
    with pytest.raises(ConfigError, match="above the strong-match threshold"):
        load_settings()


def test_search_every_method(db, settings):
    ensure_demo(db, settings)
    for method in ("dense", "bm25", "hybrid", "rerank"):
        rows = match.search(
            db, "How many people live on Earth? Eight billion.", 3, method, settings
        )
        assert len(rows) == 3 and rows[0]["method"] == method
        assert "billion" in rows[0]["text"]
        assert {r["strength"] for r in rows} <= {"strong", "suggested", "weak"}
    with pytest.raises(InputError, match="nothing to search"):
        match.search(db, "  ", 3, None, settings)


def test_a_repeated_claim_shows_the_earlier_verdict(db, settings, tmp_path):
    ensure_demo(db, settings)
    first = claim_with(db, "eight billion")
    review.ensure_reviewer(db, "Ann", "checker")
    label = review.claim_detail(db, first, "Ann")["labels"][0]
    review.save_verdict(db, "Ann", first, label, rationale="UN estimate")
    repeat = tmp_path / "repeat.txt"
    repeat.write_text(
        "Population milestone\n\nThe United Nations estimates that the world's "
        "population reached eight billion people on 15 November 2022, a "
        "spokesperson said.\n",
        encoding="utf-8",
    )
    result = ingest_source(db, str(repeat), settings, actor="test")
    match.match_article(db, result.article_id, settings)
    second = db.execute(
        "SELECT id FROM claims WHERE article_id = ? AND check_worthy = 1", [result.article_id]
    ).fetchone()[0]
    prior = match.prior_verdicts(db, second)
    assert [p["claim_id"] for p in prior] == [first]
    assert prior[0]["label"] == label and prior[0]["similarity"] >= 0.9
    groups = store.groups(db)
    assert groups[second] == groups[first]
    from factcheck import workbench

    view = workbench.claim_view(db, second, "Ann")
    assert view["prior_verdicts"][0]["claim_id"] == first and view["duplicates"] == 1


def test_the_approximate_index_is_used_and_kept_in_step(
    db, settings, tmp_path, monkeypatch, engine
):
    settings = settings.with_overrides(ann_threshold=1)
    ensure_demo(db, settings)
    index = match.corpus_index(db, settings)
    assert index.ann_index is not None and index.ann_index.kind == "usearch"
    files = list(tmp_path.glob("test.db.*.index"))
    if engine == "sqlite":
        assert files, "the approximate index is saved beside the database"
    else:  # a server has no folder to save it in: kept in the process's memory
        assert files == [] and len(index.ann_index) == len(index)
    rows = match.search(db, "world population eight billion", 2, "dense", settings)
    assert "billion" in rows[0]["text"]
    extra = write_jsonl(tmp_path / "more.jsonl", DISTRACTORS)
    import_paths(db, [extra], ImportOptions(), settings=settings)
    match.clear_cache()
    grown = match.corpus_index(db, settings)
    assert len(grown.ann_index) == len(grown) == len(index) + len(DISTRACTORS)


def test_a_model_that_does_not_exist_says_how_to_fix_it(db, tmp_path):
    settings = load_settings(db_path=tmp_path / "x.db", model="no-such-org/no-such-model-xyz")
    corpus = write_jsonl(tmp_path / "refs.jsonl", DISTRACTORS)
    import_paths(db, [corpus], ImportOptions(), settings=settings)
    with pytest.raises(ModelError, match="downloads are off"):
        match.search(db, "bus fares", 3, None, settings)
    assert store.count(db) == 0


def test_vectors_of_another_model_stop_matching_with_an_offer_to_re_encode(db, settings, db_path):
    ensure_demo(db, settings)
    before = store.count(db)
    other = open_db(db_path)
    other.execute("UPDATE embeddings SET model = 'some-other-model'")
    other.close()
    match.clear_cache()
    with pytest.raises(ModelError, match="factcheck corpus embed"):
        match.match_all(db, settings)
    assert store.count(db) == before > 0  # nothing half-written


def test_the_corpus_is_encoded_once_with_progress_and_the_index_encodes_nothing_more(
    db, settings, tmp_path, monkeypatch
):
    long_lead = " ".join(f"Sentence {i} of a long lead about district centres." for i in range(20))
    corpus = write_jsonl(tmp_path / "refs.jsonl", [PLANTED | {"lead": long_lead}, *DISTRACTORS])
    import_paths(db, [corpus], ImportOptions(), settings=settings)
    monkeypatch.setattr(match, "REPORT_FROM", 1)  # this small corpus reports too
    heard: list[str] = []
    encoded = match.encode_corpus(db, settings, progress=heard.append)
    # each fact-check's claim, the planted one's title and the start of its lead (not the
    # whole lead, which no search uses)
    assert encoded == len(DISTRACTORS) + 3
    assert heard and heard[-1].startswith(f"encoding texts: {encoded:,} of {encoded:,}")
    assert match.encode_corpus(db, settings, progress=heard.append) == 0
    from factcheck.models import embed

    calls: list[list[str]] = []
    real = embed.encode
    monkeypatch.setattr(
        embed, "encode", lambda texts, **kw: calls.append(texts) or real(texts, **kw)
    )
    index = match.corpus_index(db, settings)
    assert index is not None and len(index) == len(DISTRACTORS) + 1
    assert calls == []  # everything the index needs was encoded above
