"""Fuzzing ingest (hypothesis): arbitrary bytes, odd text, broken markup and transcript-like
input either become a stored article whose claims sit at their offsets, or raise one
:class:`FactcheckError` with a one-line message and leave the database as it was.

Examples are derandomized (the same ones every run, so CI is reproducible; ``FUZZ_EXAMPLES=N``
hunts with N random ones instead) and the scorer is a stand-in, so no model loads: the
properties are about reading and storing, not scoring.
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import currently_in_test_context, event, example, given
from hypothesis import strategies as st

from factcheck import pipeline
from factcheck.cli import cli
from factcheck.errors import DatabaseError, FactcheckError
from factcheck.extract import claims as extract_claims
from factcheck.ingest.read import load_bytes
from factcheck.models import embed
from factcheck.storage import articles as article_store
from factcheck.storage import claims as claim_store
from factcheck.vocab import READ_AS
from tests.fuzzing import FUZZ
from tests.stubs import FixedScorer

TABLES = ("articles", "claims", "sources", "passages", "events")


def same_vector(texts, *args, **kwargs):
    """A stand-in embedding (all-MiniLM-L6-v2's 384 dimensions) for transcript scoring."""
    return np.full((len(texts), 384), 384**-0.5)


@pytest.fixture(autouse=True)
def no_model(monkeypatch):
    monkeypatch.setattr(extract_claims, "_default_scorer", FixedScorer)
    monkeypatch.setattr(embed, "encode", same_vector)


# ---------------------------------------------------------------- strategies

WORDS = st.sampled_from(
    "The minister said unemployment fell rose by percent in March 2024 million euros "
    "Dr. Smith U.S. e.g. “quoted” — – … ’ € £ ¥ café naïve İstanbul ß ﬁ 𝔘𝔫𝔦 🙂 👩‍👩‍👧 "
    "\u200b \u200f \u202e \ufeff \u0301 \u00ad \ufffd \u2028 \u2029 \x0c \x0b \x85 \t".split(" ")
)
NUMBERS = st.one_of(
    st.integers().map(str),
    st.integers(min_value=0, max_value=10**6).map(lambda n: f"{n:,}"),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=1, max_value=6000).map(lambda n: "9" * n),  # past int()'s digit limit
    st.sampled_from(["1e308", "1e999", "-0.0", "½", "٣٤", "10⁹", "5%", "$3bn", "3.5.6", "0x1F"]),
)
TOKENS = st.one_of(WORDS, NUMBERS, st.text(max_size=8))
SENTENCES = st.lists(TOKENS, min_size=1, max_size=25).map(lambda t: " ".join(t) + ".")
PROSE = st.lists(SENTENCES, min_size=1, max_size=8).map("\n\n".join)
ODD_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=400
)
MARKUP = st.sampled_from(
    [
        "<p>", "</p>", "<div>", "</div>", "<span>", "<br>", "<html>", "<body>", "</body>",
        "<script>", "</script>", "<style>", "<!--", "-->", "<![CDATA[", "]]>", "&amp;",
        "&#0;", "&#x110000;", "&#99999999;", "&nbsp", "<table><tr><td>", "</td></tr>",
        "<a href='javascript:x'>", "<title>", "</title>", "<meta charset='bogus'>",
        "<meta charset='utf-16'>", "<?xml version='1.0'?>", "<!DOCTYPE html>", "<svg>", "<",
        ">", "<p hidden>", "<template>", "<h1>", "<li>", "<article>", '<html lang="x-\x00">',
    ]
)  # fmt: skip
BROKEN_HTML = st.lists(st.one_of(MARKUP, SENTENCES), min_size=1, max_size=30).map("".join)
DEEP_HTML = st.tuples(st.integers(0, 300), st.sampled_from(["div", "b", "p", "span"])).map(
    lambda d: f"<{d[1]}>" * d[0] + "Prices rose 3% in May." + f"</{d[1]}>" * d[0]
)
FRONT_MATTER = st.tuples(
    st.sampled_from(
        [
            "title: Plain",
            'title: "a\\0b\\x07c"',  # YAML escapes make control characters after normalising
            "date: 2024-13-45",
            "date: [1, 2]",
            "title: {a: b}",
            "title: 123456789012345678901234567890",
            "publisher: !!binary aGVsbG8=",
            "- a list",
            "title: &a [*a]",
            ": :",
            "date: 99999-01-01",
            "lang: 5",
        ]
    ),
    PROSE,
).map(lambda t: f"---\n{t[0]}\n---\n# Head\n\n{t[1]}\n")
SPEAKER = st.sampled_from(
    ["ANNA", "Ben Smith", "MODERATOR", "Q", "A", "", "12", "http", "(LAUGHTER)"]
)
TURNS = st.lists(st.tuples(SPEAKER, st.one_of(SENTENCES, ODD_TEXT)), min_size=1, max_size=8).map(
    lambda turns: "\n".join(f"{who}: {said}" for who, said in turns)
)
TIMES = st.sampled_from(
    ["00:00:01,000", "00:00:02.500", "99:59:59,999", "00:61:00,000", "1", "", "-00:00:01,000"]
)
SRT = st.lists(
    st.tuples(st.integers(-1, 10**12), TIMES, TIMES, st.one_of(SENTENCES, TURNS, ODD_TEXT)),
    min_size=1,
    max_size=6,
).map(lambda cues: "\n\n".join(f"{n}\n{a} --> {b}\n{text}" for n, a, b, text in cues) + "\n")
VTT = SRT.map(lambda srt: "WEBVTT\n\n" + srt.replace(",", "."))
TSV = st.lists(
    st.tuples(st.one_of(st.integers().map(str), st.text(max_size=4)), SPEAKER, SENTENCES),
    min_size=1,
    max_size=8,
).map(lambda rows: "line\tspeaker\ttext\n" + "\n".join("\t".join(r) for r in rows) + "\n")
TEXTS = st.one_of(PROSE, ODD_TEXT, BROKEN_HTML, DEEP_HTML, FRONT_MATTER, TURNS, SRT, VTT, TSV)
ENCODED = st.one_of(
    TEXTS.map(str.encode),
    TEXTS.map(lambda text: text.encode("cp1252", errors="replace")),
    TEXTS.map(lambda text: text.encode("utf-16")),
    st.binary(max_size=600),
    st.tuples(TEXTS, st.binary(max_size=20)).map(lambda t: t[0].encode() + t[1]),
)
NAMES = st.sampled_from(
    [None, "a.txt", "a.md", "a.html", "a.srt", "a.vtt", "a.tsv", "a.csv", "a.xyz", "noext"]
)


# ---------------------------------------------------------------- properties


def note(label: str) -> None:
    """Count outcomes for ``--hypothesis-show-statistics`` (also called outside hypothesis)."""
    if currently_in_test_context():
        event(label)


def row_counts(db) -> dict[str, int]:
    return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


def assert_one_clear_error(error: FactcheckError) -> None:
    message = str(error)
    assert message.strip() and "\n" not in message and "Traceback" not in message, message
    assert not isinstance(error, DatabaseError), message  # bad input is refused before the DB


def assert_stored(db, result) -> None:
    """The article is stored, and each anchored sentence is the text at its offsets."""
    article = article_store.get(db, result.article_id)
    assert article is not None and article["text"].strip()
    sentences = claim_store.list_claims(db, article_id=result.article_id, include_all=True)
    if result.created:
        assert len(sentences) == result.sentences
    for sentence in sentences:
        if sentence["anchored"]:
            where = article["text"][sentence["start"] : sentence["end"]]
            assert where == sentence["text"], (sentence["start"], sentence["end"])


def ingest(db, settings, data: bytes, name: str | None, read_as: str) -> None:
    """The property: stored and consistent, or one clear error and nothing changed."""
    before = row_counts(db)
    try:
        document = load_bytes(
            data,
            source="fuzz",
            source_kind="upload",
            settings=settings,
            name=name,
            read_as=read_as,
        )
        result = pipeline.add_article(db, settings, document=document, actor="fuzz", match=False)
    except FactcheckError as error:
        note(f"refused: {str(error).removeprefix('fuzz:').strip()[:40]}")  # for statistics
        assert_one_clear_error(error)
        assert row_counts(db) == before
        return
    note(f"stored ({document.format})" + (" with a warning" if result.warnings else ""))
    assert_stored(db, result)
    assert all(warning.startswith("not valid UTF-8") for warning in result.warnings)
    if is_utf8(data):
        assert result.warnings == []


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@FUZZ
@given(data=ENCODED, name=NAMES, read_as=st.sampled_from(READ_AS))
@example(data=b"1" * 5000 + b" people voted.", name="a.txt", read_as="article")
@example(data=b"\x81\x8d\x8f\x90\x9d", name=None, read_as="auto")
@example(data=b'---\ntitle: "a\\0b"\n---\nPrices rose 3%.', name="a.md", read_as="auto")
@example(data=b"---\nx: 0000-01-01\n---\nPrices rose 3%.", name="a.md", read_as="auto")
@example(data="A: “x” ".encode("cp1252") + b"\x81", name=None, read_as="auto")
def test_any_bytes_are_stored_or_refused_cleanly(db, settings, data, name, read_as):
    ingest(db, settings, data, name, read_as)


@FUZZ
@given(text=TEXTS, name=NAMES, read_as=st.sampled_from(READ_AS))
def test_any_text_is_stored_or_refused_cleanly(db, settings, text, name, read_as):
    ingest(db, settings, text.encode(), name, read_as)


@FUZZ
@given(text=st.one_of(TURNS, SRT, VTT, TSV))
def test_transcript_like_text_read_as_a_transcript(db, settings, text):
    for name in (None, "a.srt", "a.tsv"):
        ingest(db, settings, text.encode(), name, "transcript")


@pytest.mark.parametrize(
    "data, name",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "a.txt"),
        (b"", "a.txt"),
        (b"<div>" * 400 + b"x" + b"</div>" * 400, "a.html"),
        (b"\xc3\x28\xa0\xa1\xe2\x28\xa1\xe2\x82\x28\xf0\x28\x8c\xbc\xf8\xa1" * 40, "a.txt"),
        (b"<script>only()</script>", "a.html"),
    ],
)
def test_the_cli_refuses_bad_files_with_one_error_line(db_path, tmp_path, data, name):
    path = tmp_path / name
    path.write_bytes(data)
    result = CliRunner().invoke(cli, ["ingest", str(path), "--db", str(db_path)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no other exception
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and errors[0].startswith(f"Error: {path}: "), result.stderr


# ---------------------------------------------------------------- what the fuzzing found


@pytest.mark.parametrize("line", ["date: 2024-13-45", "x: 0000-01-01", "a: " + "[" * 5000])
def test_front_matter_yaml_cannot_read_is_ignored(settings, line):
    """A YAML timestamp that is no date raised ValueError ("year 0 is out of range")."""
    data = f"---\n{line}\n---\n# Budget\n\nPrices rose 3%.".encode()
    document = load_bytes(data, source="fuzz", source_kind="upload", settings=settings, name="a.md")
    assert (document.text, document.title) == ("Budget\n\nPrices rose 3%.", "Budget")


def test_metadata_control_characters_are_dropped_on_every_engine(db, settings):
    """YAML escapes put a NUL in the title: SQLite stored it, PostgreSQL refused the article."""
    data = b'---\ntitle: "Tax\\0 plan\\x07\\nnow"\npublisher: "\\x1b[31mDaily"\n---\nTax rose 3%.'
    document = load_bytes(data, source="fuzz", source_kind="upload", settings=settings, name="a.md")
    result = pipeline.add_article(db, settings, document=document, actor="fuzz", match=False)
    stored = article_store.get(db, result.article_id)
    assert (stored["title"], stored["publisher"]) == ("Tax plan now", "[31mDaily")


@pytest.mark.parametrize("line", ["41332870875", "²"])
def test_a_tsv_line_column_past_integer_or_not_ascii_is_refused(db, settings, line):
    """A "²" passed isdigit() and crashed int(); 41332870875 was stored by SQLite and refused
    by PostgreSQL's INTEGER column as a DatabaseError."""
    data = f"line\tspeaker\ttext\n{line}\tANNA\tPrices rose 3%.\n".encode()
    ingest(db, settings, data, "a.tsv", "auto")
    with pytest.raises(FactcheckError, match=f"line 2: the line column holds '{line}', not a"):
        load_bytes(data, source="fuzz", source_kind="upload", settings=settings, name="a.tsv")
