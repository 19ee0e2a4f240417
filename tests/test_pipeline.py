"""pipeline.add_article: ingest, then match the new claims, with the outcome reported one way;
and the CLI's ingest, the app's workbench and the demo all go through it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from factcheck import demo, pipeline, workbench
from factcheck.cli import cli
from factcheck.config import DEFAULT_ACTOR
from factcheck.corpus.importer import ImportOptions, import_paths
from factcheck.errors import InputError, ModelError
from factcheck.match import matcher
from factcheck.storage import articles as article_store
from factcheck.types import AddResult, Document
from tests.stubs import FixedScorer

ARTICLE = (
    "The city council approved a budget of 12 million euros on Monday. "
    "Unemployment in the region fell to 4.1% in March, the statistics office said."
)


def document(text: str = ARTICLE) -> Document:
    return Document(text=text, source="paste", source_kind="paste")


def add_corpus(db, tmp_path, settings) -> None:
    path = tmp_path / "refs.jsonl"
    path.write_text(
        json.dumps({"claim": "Unemployment fell to 4.1% in March.", "verdict": "true"}) + "\n",
        encoding="utf-8",
    )
    import_paths(db, [path], ImportOptions(format="jsonl"), settings=settings)


def test_without_a_corpus_nothing_is_matched_and_nothing_said(db, settings, monkeypatch):
    monkeypatch.setattr(matcher, "match_article", pytest.fail)  # never called
    result = pipeline.add_article(db, settings, document=document(), actor="ann", title="News")
    assert isinstance(result, AddResult) and result.created
    assert (result.matched, result.match_error) == (None, None)
    assert result.message.startswith(f"article {result.article_id}: ")
    assert "match" not in result.message
    assert article_store.get(db, result.article_id)["title"] == "News"


def test_new_claims_are_matched_and_the_count_reported(db, settings, tmp_path, monkeypatch):
    add_corpus(db, tmp_path, settings)
    calls = []
    monkeypatch.setattr(
        matcher, "match_article", lambda db, article_id, settings, progress: calls.append(1) or 3
    )
    said = []
    result = pipeline.add_article(
        db, settings, document=document(), actor="ann", progress=said.append
    )
    assert (result.matched, result.match_error) == (3, None) and calls == [1]
    assert result.message.endswith("; 3 matches with the reference corpus")
    assert "matching claims against the reference corpus" in said
    again = pipeline.add_article(db, settings, document=document(), actor="ann")
    assert not again.created and again.matched is None and calls == [1]  # seen before
    assert again.message.endswith("nothing added")


def test_a_matching_failure_keeps_the_article_and_says_why(db, settings, tmp_path, monkeypatch):
    add_corpus(db, tmp_path, settings)

    def fail(*args, **kwargs):
        raise ModelError("no embedding model")

    monkeypatch.setattr(matcher, "match_article", fail)
    result = pipeline.add_article(db, settings, document=document(), actor="ann")
    assert result.created and result.matched is None
    assert result.match_error == "no embedding model"
    assert result.message.endswith("; claims not matched: no embedding model")
    assert article_store.get(db, result.article_id) is not None


def test_matching_can_be_skipped(db, settings, tmp_path, monkeypatch):
    add_corpus(db, tmp_path, settings)
    monkeypatch.setattr(matcher, "match_article", pytest.fail)
    result = pipeline.add_article(db, settings, document=document(), actor="ann", match=False)
    assert result.created and result.matched is None and "match" not in result.message


def test_a_source_or_a_document(db, settings):
    with pytest.raises(TypeError):
        pipeline.add_article(db, settings, actor="ann")
    with pytest.raises(TypeError):
        pipeline.add_article(db, settings, actor="ann", source="a.txt", document=document())


# --------------------------------------------------------------------------- read warnings


def test_a_decoding_fallback_is_reported_and_recorded(db, settings, tmp_path, monkeypatch):
    """A cp1252 file was read without a word; now every caller gets the warning, and the
    article's ingest event keeps it."""
    from factcheck.extract import claims as extract_claims
    from factcheck.storage import events

    monkeypatch.setattr(extract_claims, "_default_scorer", FixedScorer)
    path = tmp_path / "old.txt"
    path.write_bytes(ARTICLE.replace("said", "said “so”").encode("cp1252") + b" \x81")
    result = pipeline.add_article(db, settings, source=str(path), actor="ann", match=False)
    warning = (
        "not valid UTF-8: read as cp1252 "
        "(1 byte could not be mapped and was replaced with \ufffd, U+FFFD)"
    )
    assert result.created and result.warnings == [warning]
    assert warning not in result.message  # shown beside it, as a warning
    ingested = events.for_entity(db, "articles", result.article_id)[0]
    assert ingested["action"] == "article.ingested" and ingested["after"]["warnings"] == [warning]
    again = pipeline.add_article(db, settings, source=str(path), actor="ann", match=False)
    assert not again.created and again.warnings == [warning]  # still true of this input
    utf8 = tmp_path / "new.txt"
    utf8.write_text(ARTICLE + " “Quoted.”", encoding="utf-8")
    fresh = pipeline.add_article(db, settings, source=str(utf8), actor="ann", match=False)
    assert fresh.created and fresh.warnings == []
    assert "warnings" not in events.for_entity(db, "articles", fresh.article_id)[0]["after"]


def test_the_cli_prints_a_decoding_fallback_as_a_warning_line(db_path, tmp_path, monkeypatch):
    from factcheck.extract import claims as extract_claims

    monkeypatch.setattr(extract_claims, "_default_scorer", FixedScorer)
    path = tmp_path / "old.txt"
    path.write_bytes(ARTICLE.replace("said", "said “so”").encode("cp1252"))
    result = CliRunner().invoke(cli, ["ingest", str(path), "--db", str(db_path), "--no-match"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{path}: article 1: ")
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert warnings == [f"Warning: {path}: not valid UTF-8: read as cp1252"]


# --------------------------------------------------------------------------- every caller


@pytest.fixture
def recorded(monkeypatch):
    """pipeline.add_article replaced by a recorder; what each caller passed to it."""
    calls = []

    def fake(db, settings, **kwargs):
        calls.append(kwargs)
        return AddResult(
            article_id=7,
            created=True,
            source=kwargs.get("source"),
            title=None,
            sentences=2,
            claims=1,
            message="article 7: 1 claims from 2 sentences; claims not matched: no model",
            match_error="no model",
        )

    monkeypatch.setattr(pipeline, "add_article", fake)
    return calls


def test_the_cli_ingest_goes_through_add_article(db_path, tmp_path, recorded):
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(article), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{article}: article 7: 1 claims from 2 sentences; claims not matched: no model\n"
    )
    assert "Warning: claims not matched" in result.stderr
    assert "factcheck match --article 7" in result.stderr
    skipped = CliRunner().invoke(cli, ["ingest", str(article), "--db", str(db_path), "--no-match"])
    assert skipped.exit_code == 0
    assert [(c["source"], c["match"], c["actor"]) for c in recorded] == [
        (str(article), True, DEFAULT_ACTOR),
        (str(article), False, DEFAULT_ACTOR),
    ]


def test_the_workbench_goes_through_add_article(db, settings, recorded):
    from factcheck.errors import PermissionDeniedError
    from factcheck.review import accounts

    accounts.add_account(db, None, "ann", "checker")
    accounts.add_account(db, None, "vic", "viewer")
    with pytest.raises(PermissionDeniedError, match="only checkers"):
        workbench.add_article(db, settings, actor="vic", text=ARTICLE)
    assert recorded == []
    pasted = workbench.add_article(db, settings, actor="ann", text=ARTICLE, title=" Council ")
    fetched = workbench.add_article(db, settings, actor="ann", url=" https://example.org/a ")
    assert pasted.match_error == "no model" and fetched.article_id == 7
    paste, url = recorded
    assert paste["document"].source_kind == "paste" and paste["title"] == "Council"
    assert url["source"] == "https://example.org/a" and "document" not in url
    with pytest.raises(InputError, match="upload a .txt"):
        workbench.add_article(db, settings, actor="ann", data=b"x", filename="a.pdf")
    assert len(recorded) == 2


def test_the_demo_goes_through_add_article(db, settings, recorded):
    result = demo.load_demo(db, settings)
    (call,) = recorded
    assert call["actor"] == demo.DEMO_ACTOR and call["extractor"] == "default"
    assert call["source"].endswith(demo.DEMO_ARTICLE)
    assert call["corpus_name"] == "demo reference corpus"
    assert result.match_error == "no model"


def test_the_demo_reports_its_progress(db, settings, recorded, monkeypatch):
    """Each step of loading the demo is told (what, and how much of the load is done): the
    corpus files, the article's own steps, then done at 1.0; the bar only moves forward."""
    article_steps = ["extracting claims", "saving", "matching claims against the corpus"]
    adding = pipeline.add_article  # the recorder

    def add_article(db, settings, **kwargs):
        for message in article_steps:
            kwargs["progress"](message)
        return adding(db, settings, **kwargs)

    monkeypatch.setattr(pipeline, "add_article", add_article)
    heard = []
    demo.load_demo(db, settings, progress=lambda message, done: heard.append((message, done)))
    assert [message for message, _done in heard] == [
        "importing the demo fact-check sources",
        "importing the demo official sources",
        *article_steps,
        "demo loaded",
    ]
    fractions = [done for _message, done in heard]
    assert fractions[0] == 0 and fractions[-1] == 1.0
    assert all(a < b for a, b in zip(fractions, fractions[1:]))
    assert db.execute("SELECT count(*) FROM sources").fetchone()[0] > 0  # the corpus is in


def test_parallel_ingests_of_the_same_text_all_succeed(db, db_path, settings, monkeypatch):
    """Three ingests that all passed the first duplicate check: one stores the article, the
    others say where it is (they failed with a UNIQUE constraint error on content_hash)."""
    import threading

    from factcheck.storage import open_db

    extract_sentences = pipeline.run_extractor
    all_extracted = threading.Barrier(3, timeout=30)

    def extract_together(*args, **kwargs):
        sentences = extract_sentences(*args, **kwargs)
        all_extracted.wait()  # every thread is past the check outside the transaction
        return sentences

    monkeypatch.setattr(pipeline, "run_extractor", extract_together)
    results: list = []
    errors: list = []

    def ingest() -> None:
        database = open_db(db_path)
        try:
            results.append(pipeline.ingest_document(database, document(), settings, actor="ann"))
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)
        finally:
            database.close()

    threads = [threading.Thread(target=ingest) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    created = [r for r in results if r.created]
    assert len(created) == 1 and len(results) == 3
    stored = created[0].article_id
    for result in results:
        if not result.created:
            assert result.article_id == stored
            assert result.message == f"already ingested as article {stored}; nothing added"
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM claims").fetchone()[0] == created[0].sentences
