"""The CLI end to end: ingest (files, stdin, URLs), articles, claims, score, and bad input.

Bad input must give one clear ``Error:`` line, exit status 1 and an unchanged database.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from factcheck.cli import cli
from factcheck.storage import open_db

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = (
    "Unemployment fell to 4.2% in March, the statistics office said on Friday.\n\n"
    "The mayor promised to build 3,000 new homes by 2026.\n\n"
    "Critics called the plan unrealistic."
)
MARKDOWN = (
    "---\ntitle: Harbour plan approved\ndate: 2024-04-02\npublisher: Coast Herald\n---\n"
    "# Harbour plan\n\nThe council approved a **12 million euro** harbour plan on Tuesday.\n"
)
HTML = (
    "<html><head><title>Ferry fares | Island News</title>"
    "<meta property='og:site_name' content='Island News'></head><body>"
    "<nav><a href='/'>Home</a></nav><article><h1>Ferry fares to rise</h1>"
    "<p>Ferry fares will rise by 8% in June, the operator said, the second increase this "
    "year after a 5% rise in January.</p><script>steal()</script></article></body></html>"
)
ALL_SCRIPT_HTML = "<html><head><script>a()</script></head><body><script>b()</script></body></html>"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
INVALID_UTF8 = b"\xc3\x28\xa0\xa1\xe2\x28\xa1\xe2\x82\x28\xf0\x28\x8c\xbc\xf8\xa1\xa1\xa1" * 40


# ---------------------------------------------------------------- helpers


def factcheck(*args: str, stdin: bytes | None = None, env: dict | None = None):
    """Run the real entry point, ``python -m factcheck``, in a subprocess."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("FACTCHECK_")}
    environment.update({"HF_HUB_OFFLINE": "1", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "factcheck", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env=environment,
        timeout=300,
    )


def invoke(*args: str, stdin: bytes | None = None, env: dict | None = None):
    """Run the click command in this process (faster; same code path)."""
    return CliRunner().invoke(cli, list(args), input=stdin, env=env, catch_exceptions=False)


def counts(db_path: Path) -> dict[str, int]:
    db = open_db(db_path)
    try:
        return {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("articles", "claims", "events")
        }
    finally:
        db.close()


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


def assert_one_error(stderr: str, start: str) -> None:
    lines = error_lines(stderr)
    assert len(lines) == 1 and lines[0].startswith(start), stderr


def write(folder: Path, name: str, content: str | bytes) -> str:
    path = folder / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return str(path)


@pytest.fixture
def seeded(db_path, tmp_path) -> dict[str, int]:
    """A database with one article already in it; returns its row counts."""
    result = invoke("ingest", "--db", str(db_path), write(tmp_path, "first.txt", ARTICLE))
    assert result.exit_code == 0, result.output
    before = counts(db_path)
    assert before["articles"] == 1 and before["claims"] > 0 and before["events"] > 0
    return before


# ---------------------------------------------------------------- the happy paths


@pytest.mark.model  # scores with the bundled model
def test_ingest_then_list_articles_and_claims_through_the_entry_point(db_path, tmp_path):
    source = write(tmp_path, "jobs.txt", ARTICLE)
    ingested = factcheck("ingest", "--db", str(db_path), source)
    assert ingested.returncode == 0, ingested.stderr
    assert ingested.stdout.decode().startswith(f"{source}: article 1: ")

    listed = factcheck("articles", "--db", str(db_path), "--format", "json")
    articles = json.loads(listed.stdout)
    assert [(a["id"], a["source"], a["title"]) for a in articles] == [(1, source, None)]
    assert articles[0]["sentences"] >= 3

    as_json = json.loads(
        factcheck("claims", "--db", str(db_path), "--all", "--format", "json").stdout
    )
    texts = [row["text"] for row in as_json]
    assert all(text in ARTICLE for text in texts)  # sentences are spans of the article
    assert "Critics called the plan unrealistic." in texts
    assert all(row["article_id"] == 1 and 0.0 <= row["score"] <= 1.0 for row in as_json)

    as_csv = factcheck("claims", "--db", str(db_path), "--all", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(as_csv.decode())))
    assert [row["text"] for row in rows] == [row["text"] for row in as_json]
    assert {"id", "score", "check_worthy", "text", "reasons"} <= set(rows[0])

    table = factcheck("claims", "--db", str(db_path), "--all").stdout.decode()
    assert table.splitlines()[0].split()[:3] == ["id", "article_id", "score"]
    assert "Critics called the plan unrealistic." in table


def test_markdown_and_html_files_keep_their_metadata(db_path, tmp_path):
    result = invoke(
        "ingest",
        "--db",
        str(db_path),
        write(tmp_path, "harbour.md", MARKDOWN),
        write(tmp_path, "ferry.html", HTML),
    )
    assert result.exit_code == 0, result.output
    articles = json.loads(invoke("articles", "--db", str(db_path), "--format", "json").stdout)
    found = {(a["title"], a["publisher"], a["published_date"]) for a in articles}
    assert found == {
        ("Harbour plan approved", "Coast Herald", "2024-04-02"),
        ("Ferry fares to rise", "Island News", None),
    }
    claims = invoke("claims", "--db", str(db_path), "--all", "--format", "json").stdout
    assert "**" not in claims and "steal()" not in claims and "Home" not in claims
    assert "12 million euro harbour plan" in claims


DEBATE = (
    'JOE BIDEN: We have lost 200,000 people to this virus. Rumsfeld said "it would be quick."\n\n'
    "DONALD TRUMP: That is not true. We built the greatest economy in history.\n\n"
    "JOE BIDEN: Unemployment reached 14.7% in April.\n\n"
    "DONALD TRUMP: Wrong, Joe.\n"
)


def stored_claims(db_path) -> list[dict]:
    db = open_db(db_path)
    try:
        return list(db.query("SELECT text, speaker, turn, attribution FROM claims ORDER BY id"))
    finally:
        db.close()


def test_a_debate_of_name_turns_is_read_as_a_transcript(db_path, tmp_path):
    source = write(tmp_path, "debate.txt", DEBATE)
    result = invoke("ingest", "--db", str(db_path), "--no-match", source)
    assert result.exit_code == 0, result.output
    assert "(a transcript: 4 turns, 2 speakers)" in result.stdout
    claims = stored_claims(db_path)
    assert {c["speaker"] for c in claims} == {"Joe Biden", "Donald Trump"}
    assert not any("BIDEN" in c["text"] or "TRUMP" in c["text"] for c in claims)
    rumsfeld = next(c for c in claims if c["text"].startswith("Rumsfeld"))
    assert (rumsfeld["speaker"], rumsfeld["turn"]) == ("Joe Biden", 0)
    listed = json.loads(invoke("articles", "--db", str(db_path), "--format", "json").stdout)
    assert [a["format"] for a in listed] == ["transcript"]


def test_format_article_reads_the_same_text_as_prose(db_path, tmp_path):
    source = write(tmp_path, "debate.txt", DEBATE)
    result = invoke("ingest", "--db", str(db_path), "--no-match", "--format", "article", source)
    assert result.exit_code == 0, result.output
    claims = stored_claims(db_path)
    assert all(c["turn"] is None for c in claims)
    assert any(c["text"].startswith("JOE BIDEN:") for c in claims)


def test_format_transcript_reads_subtitles_and_refuses_prose(db_path, tmp_path, seeded):
    prose = write(tmp_path, "prose.txt", "The council met on Monday. It approved the plan.")
    result = invoke("ingest", "--db", str(db_path), "--format", "transcript", prose)
    assert result.exit_code == 1
    assert_one_error(result.stderr, f"Error: {prose}: no speaker turns found")
    assert counts(db_path) == seeded
    bad = invoke("ingest", "--db", str(db_path), "--format", "speech", prose)
    assert bad.exit_code == 2 and "'auto', 'article', 'transcript'" in bad.stderr
    srt = write(tmp_path, "talk.srt", "1\n00:00:01,000 --> 00:00:03,000\nANN LEE: Taxes rose 5%.\n")
    result = invoke("ingest", "--db", str(db_path), "--no-match", "--format", "transcript", srt)
    assert result.exit_code == 0, result.output
    assert stored_claims(db_path)[-1] == {
        "text": "Taxes rose 5%.",
        "speaker": "Ann Lee",
        "turn": 0,
        "attribution": "transcript turn",
    }


@pytest.mark.model  # scores with the bundled model
def test_seed_article_is_ingested(db_path, seed_article):
    result = factcheck("ingest", "--db", str(db_path), str(seed_article))
    assert result.returncode == 0, result.stderr
    after = counts(db_path)
    assert after["articles"] == 1 and after["claims"] > 10


@pytest.mark.model  # scores with the bundled model
def test_stdin_is_ingested(db_path):
    result = factcheck("ingest", "--db", str(db_path), "-", stdin=ARTICLE.encode("cp1252"))
    assert result.returncode == 0, result.stderr
    articles = json.loads(invoke("articles", "--db", str(db_path), "--format", "json").stdout)
    assert articles[0]["source"] == "stdin" and articles[0]["source_kind"] == "stdin"


def test_the_same_content_twice_adds_nothing_and_says_so(db_path, tmp_path, seeded):
    again = write(tmp_path, "copy.txt", "  " + ARTICLE.replace("\n\n", "\n\n\n") + "\n")
    result = invoke("ingest", "--db", str(db_path), again)
    assert result.exit_code == 0
    assert result.stdout == f"{again}: already ingested as article 1; nothing added\n"
    assert counts(db_path) == seeded


def test_url_is_ingested_with_the_allowance(db_path, site):
    url = site.route("/ferry.html", HTML)
    result = invoke("ingest", "--db", str(db_path), "--allow-private-urls", url)
    assert result.exit_code == 0, result.output
    articles = json.loads(invoke("articles", "--db", str(db_path), "--format", "json").stdout)
    assert (articles[0]["source"], articles[0]["source_kind"]) == (url, "url")
    assert articles[0]["publisher"] == "Island News"


# ---------------------------------------------------------------- bad input

BAD_FILES = [
    ("empty.txt", b"", "the input is empty"),
    ("blank.txt", b"  \n\t\n   \r\n", "the input contains only whitespace"),
    ("image.png", PNG, "looks like a PNG image, not text"),
    ("photo.txt", PNG, "looks like a PNG image, not text"),
    ("garbage.txt", INVALID_UTF8, "not valid text in any supported encoding"),
    ("scripts.html", ALL_SCRIPT_HTML.encode(), "no readable text found in this HTML page"),
]


@pytest.mark.parametrize("name, content, message", BAD_FILES)
def test_bad_files_are_refused_and_change_nothing(
    db_path, tmp_path, seeded, name, content, message
):
    source = write(tmp_path, name, content)
    result = invoke("ingest", "--db", str(db_path), source)
    assert result.exit_code == 1
    assert_one_error(result.stderr, f"Error: {source}: {message}")
    assert counts(db_path) == seeded


def test_missing_file_and_directory_are_refused(db_path, tmp_path, seeded):
    for source, message in (
        (str(tmp_path / "absent.txt"), "no such file"),
        (str(tmp_path), "is a directory, not a file"),
    ):
        result = invoke("ingest", "--db", str(db_path), source)
        assert result.exit_code == 1
        assert error_lines(result.stderr) == [f"Error: {source}: {message}"]
    assert counts(db_path) == seeded


def test_50_mb_file_is_refused_by_the_entry_point(db_path, tmp_path, seeded):
    big = tmp_path / "huge.txt"
    with big.open("wb") as handle:  # sparse: quick to make, 50 MB by its size
        handle.truncate(50 * 1024 * 1024)
    result = factcheck("ingest", "--db", str(db_path), str(big))
    assert result.returncode == 1
    assert error_lines(result.stderr.decode()) == [
        f"Error: {big}: too large (50 MB; the limit is 10 MB; "
        "set FACTCHECK_MAX_INPUT_BYTES to change it)"
    ]
    assert counts(db_path) == seeded


def test_the_size_limit_is_configurable(db_path, tmp_path, seeded):
    source = write(tmp_path, "two_kb.txt", "Prices rose by 3% last year. " * 70)
    refused = invoke(
        "ingest", "--db", str(db_path), source, env={"FACTCHECK_MAX_INPUT_BYTES": "1000"}
    )
    assert refused.exit_code == 1
    assert "the limit is 1000 bytes" in error_lines(refused.stderr)[0]
    assert counts(db_path) == seeded
    accepted = invoke(
        "ingest", "--db", str(db_path), source, env={"FACTCHECK_MAX_INPUT_BYTES": "5000"}
    )
    assert accepted.exit_code == 0 and counts(db_path)["articles"] == 2


def test_bad_urls_are_refused_and_change_nothing(db_path, site, seeded):
    missing = site.route("/gone", status=404)
    slow = site.route("/slow", HTML, delay=1.5)
    cases = [
        ([missing, "--allow-private-urls"], {}, "HTTP 404 Not Found"),
        (
            [slow, "--allow-private-urls"],
            {"FACTCHECK_FETCH_TIMEOUT": "0.2"},
            "timed out after 0.2 s",
        ),
        ([site.route("/ok", HTML)], {}, "is a private, loopback or reserved address"),
        (["http://10.11.12.13/story"], {}, "is a private, loopback or reserved address"),
    ]
    for args, env, message in cases:
        result = invoke("ingest", "--db", str(db_path), *args, env=env)
        assert result.exit_code == 1, args
        lines = error_lines(result.stderr)
        assert len(lines) == 1 and message in lines[0] and args[0] in lines[0]
    assert counts(db_path) == seeded


def test_env_allowance_for_private_urls(db_path, site):
    result = invoke(
        "ingest",
        "--db",
        str(db_path),
        site.route("/ok", HTML),
        env={"FACTCHECK_ALLOW_PRIVATE_URLS": "1"},
    )
    assert result.exit_code == 0, result.output


@pytest.mark.model  # scores with the bundled model
def test_one_failing_source_does_not_stop_the_others(db_path, tmp_path):
    good = write(tmp_path, "good.txt", ARTICLE)
    bad = write(tmp_path, "bad.png", PNG)
    also_good = write(tmp_path, "harbour.md", MARKDOWN)
    result = factcheck("ingest", "--db", str(db_path), good, bad, also_good)
    assert result.returncode == 1
    stdout = result.stdout.decode().splitlines()
    assert stdout[0].startswith(f"{good}: article 1:")
    assert stdout[1].startswith(f"{also_good}: article 2:")
    assert error_lines(result.stderr.decode()) == [
        f"Error: {bad}: looks like a PNG image, not text",
        f"Error: 1 of 3 sources failed: {bad}",
    ]
    assert counts(db_path)["articles"] == 2


# ---------------------------------------------------------------- score


@pytest.mark.model  # scores with the bundled model
def test_score_reads_one_sentence_a_line(tmp_path):
    source = write(
        tmp_path,
        "lines.txt",
        "Inflation hit 9.1% in June.\n\n  The weather was nice.  \nGDP grew 2%.\n",
    )
    result = factcheck("score", source)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["text"] for row in rows] == [
        "Inflation hit 9.1% in June.",
        "The weather was nice.",
        "GDP grew 2%.",
    ]
    assert all(0.0 <= row["score"] <= 1.0 and isinstance(row["check_worthy"], bool) for row in rows)
    as_csv = invoke("score", "--format", "csv", "-", stdin=b"Inflation hit 9.1% in June.\n")
    assert as_csv.stdout.splitlines()[0] == "text,score,check_worthy,reasons"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("image.png", PNG, "looks like a PNG image"),
        ("blank.txt", b"\n \n", "the input contains only whitespace"),
        ("garbage.txt", INVALID_UTF8, "not valid text in any supported encoding"),
    ],
)
def test_score_refuses_bad_input(tmp_path, name, content, message):
    source = write(tmp_path, name, content)
    result = invoke("score", source)
    assert result.exit_code == 1
    assert_one_error(result.stderr, f"Error: {source}: {message}")


def test_score_warns_when_a_file_is_read_as_cp1252(tmp_path, monkeypatch):
    from factcheck.extract import claims as extract_claims

    class Fixed:
        def score(self, texts):
            return [0.5] * len(texts)

    monkeypatch.setattr(extract_claims, "_default_scorer", Fixed)
    source = write(tmp_path, "old.txt", "Prices rose 5 € — “a record”.\n".encode("cp1252"))
    result = invoke("score", source)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["text"] == "Prices rose 5 € — “a record”."
    assert result.stderr.splitlines() == [f"Warning: {source}: not valid UTF-8: read as cp1252"]
    utf8 = invoke("score", write(tmp_path, "new.txt", "Prices rose 5 €.\n"))
    assert utf8.exit_code == 0 and utf8.stderr == ""


def test_score_missing_file(tmp_path):
    result = invoke("score", str(tmp_path / "none.txt"))
    assert result.exit_code == 1
    assert error_lines(result.stderr) == [f"Error: {tmp_path / 'none.txt'}: no such file"]
