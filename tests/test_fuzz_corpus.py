"""Fuzzing ``corpus import`` (hypothesis): malformed CSV/TSV/JSON/JSONL, ClaimReview and
CheckThat! structures (wrong types, nested objects, huge numbers, control characters) and
arbitrary bytes either become stored sources whose passages sit at their offsets, or raise
one :class:`FactcheckError` with a one-line message and leave the database as it was.

Examples are derandomized (the same every run; ``FUZZ_EXAMPLES=N`` hunts with N random ones).
"""

from __future__ import annotations

import csv
import io
import itertools
import json

import pytest
from click.testing import CliRunner
from hypothesis import currently_in_test_context, event, example, given
from hypothesis import strategies as st

from factcheck.cli import cli
from factcheck.corpus.importer import FIELD_NAMES, ImportOptions, import_paths
from factcheck.errors import DatabaseError, FactcheckError, InputError
from factcheck.storage import corpus as corpus_store
from factcheck.vocab import CORPUS_FORMATS
from tests.fuzzing import FUZZ

TABLES = ("articles", "claims", "sources", "passages", "events")
SUFFIXES = (".json", ".jsonl", ".ndjson", ".jsonld", ".csv", ".tsv", ".tab", ".txt", ".xyz")
FILE_NUMBERS = itertools.count()

# ---------------------------------------------------------------- strategies

KNOWN_KEYS = sorted({name for names in FIELD_NAMES.values() for name in names}) + [
    "@type", "@graph", "@id", "@context", "claimReviewed", "reviewRating", "itemReviewed",
    "claims", "claimReview", "textualRating", "datePublished", "ratingValue", "bestRating",
    "worstRating", "alternateName", "name", "appearance", "firstAppearance", "inLanguage",
    "reviewBody", "identifier", "vclaim", "vclaim_id", "truth_label", "reviewDate",
]  # fmt: skip
KEYS = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=6))
ODD_STRINGS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "\u2028",
            "\ufeff",
            "\ud7ff",
            "\x1b[31m",
            "ClaimReview",
            "https://schema.org/ClaimReview",
            "2024-02-30",
            "9999-99-99",
            "False",
            "Pants on Fire!",
            "/factchecks/2020/jan/01/x",
            "x-pol-1",
            "x-sno-1",
            "NaN",
            "1e999",
        ]
    ),
)
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**400),  # past float's range
    st.floats(allow_nan=True, allow_infinity=True),
    ODD_STRINGS,
)
JSON = st.recursive(
    LEAVES,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=6)
    ),
    max_leaves=25,
)
OBJECTS = st.dictionaries(KEYS, JSON, max_size=8)
CLAIM_REVIEWS = st.builds(
    lambda extra, claim, kind: {**extra, "@type": kind, "claimReviewed": claim},
    OBJECTS,
    JSON,
    st.sampled_from(["ClaimReview", ["ClaimReview", "Thing"], "schema:ClaimReview", 5]),
)
CHECKTHAT = st.builds(
    lambda extra, vid, claim: {**extra, "vclaim_id": vid, "vclaim": claim}, OBJECTS, JSON, JSON
)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=True)


JSON_FILES = st.one_of(
    JSON.map(_dumps),
    st.lists(st.one_of(OBJECTS, CLAIM_REVIEWS), max_size=6).map(_dumps),
    st.lists(CLAIM_REVIEWS, max_size=4).map(lambda items: _dumps({"@graph": items})),
    st.lists(OBJECTS, max_size=4).map(lambda claims: _dumps({"claims": claims})),
)
JSONL_FILES = st.lists(
    st.one_of(OBJECTS, CLAIM_REVIEWS, CHECKTHAT, JSON).map(_dumps) | st.text(max_size=20),
    max_size=8,
).map("\n".join)
CELLS = st.one_of(ODD_STRINGS, st.sampled_from(['"', '""', "a,b", "a\tb", "a\nb", "\r"]))


def _table(rows: list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


HEADERS = st.lists(st.one_of(st.sampled_from(KNOWN_KEYS), CELLS), min_size=1, max_size=5)
TABLES_WRITTEN = st.tuples(
    HEADERS, st.lists(st.lists(CELLS, max_size=6), max_size=6), st.sampled_from([",", "\t"])
).map(lambda t: _table([t[0], *t[1]], t[2]))
TABLES_RAW = st.lists(
    st.lists(CELLS, max_size=5).map(lambda cells: ",".join(cells)), max_size=6
).map("\n".join)  # unquoted: broken quoting, ragged rows
DEEP_JSON = st.tuples(
    st.integers(1, 1500), st.sampled_from(["[", '{"claim": ', '{"@graph": ['])
).map(
    lambda t: (
        t[1] * t[0]
        + '"x"'
        + "".join(
            reversed(t[1].replace("[", "]").replace('{"claim": ', "}").replace('{"@graph": ', "}"))
        )
        * t[0]
    )
)
LONG_NUMBERS = st.integers(4000, 6000).map(lambda n: f'[{{"claim": "x", "id": 1{"0" * n}}}]')
CONTENT = st.one_of(
    DEEP_JSON.map(str.encode),
    LONG_NUMBERS.map(str.encode),
    JSON_FILES.map(str.encode),
    JSONL_FILES.map(str.encode),
    TABLES_WRITTEN.map(str.encode),
    TABLES_RAW.map(str.encode),
    JSON_FILES.map(lambda text: text.encode("utf-16")),
    JSON_FILES.map(lambda text: text.encode("cp1252", errors="replace")),
    st.binary(max_size=300),
)
OPTIONS = st.builds(
    ImportOptions,
    format=st.sampled_from(CORPUS_FORMATS),
    fields=st.one_of(
        st.just({}),
        st.dictionaries(st.sampled_from(["text", "title", "id", "date"]), KEYS, max_size=2),
    ),
    skip_bad=st.booleans(),
    on_existing=st.sampled_from(["update", "refuse"]),
    actor=st.just("fuzz"),
)


# ---------------------------------------------------------------- the property


def note(label: str) -> None:
    """Count outcomes for ``--hypothesis-show-statistics`` (also called outside hypothesis)."""
    if currently_in_test_context():
        event(label)


def row_counts(db) -> dict[str, int]:
    return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


def import_file(db, settings, folder, content: bytes, suffix: str, options: ImportOptions):
    """Stored with passages at their offsets, or one clear error and nothing changed."""
    path = folder / f"fuzz{next(FILE_NUMBERS)}{suffix}"
    path.write_bytes(content)
    before = row_counts(db)
    try:
        results = import_paths(db, [path], options, settings=settings)
    except FactcheckError as error:
        message = str(error)
        note(f"refused: {message.removeprefix(str(path)).strip(' :')[:40]}")
        assert message.strip() and "\n" not in message and "Traceback" not in message, message
        assert not isinstance(error, DatabaseError), message  # refused before the database
        assert row_counts(db) == before
        return
    note(f"imported as {results[0].format}")
    after = row_counts(db)
    stored = [i for result in results for i in result.source_ids + result.corrected_ids]
    assert after["sources"] - before["sources"] == sum(r.new for r in results)
    for source_id in stored:
        source = corpus_store.get_source(db, source_id)
        assert source is not None and source["text"].strip()
        passages = corpus_store.passages_of(db, source_id)
        assert passages
        for passage in passages:
            assert source["text"][passage["start"] : passage["end"]] == passage["text"]


@FUZZ
@given(content=CONTENT, suffix=st.sampled_from(SUFFIXES), options=OPTIONS)
@example(
    content=b'[{"claim": "a\\u0000b", "verdict": "false"}]', suffix=".json", options=ImportOptions()
)
@example(content=b'{"claim": 1e999}', suffix=".jsonl", options=ImportOptions())
@example(
    content=b'[{"claim": {"x": [1]}, "date": [1, 2]}]', suffix=".json", options=ImportOptions()
)
@example(
    content=b'{"@type": "ClaimReview", "claimReviewed": 5, "reviewRating": [3]}',
    suffix=".json",
    options=ImportOptions(),
)
@example(content=b'{"a\\nb": "x"}', suffix=".jsonl", options=ImportOptions())
@example(  # OverflowError: int too large to convert to float
    content=b'{"@type": "ClaimReview", "claimReviewed": "x", "reviewRating": {"ratingValue": 1'
    + b"0" * 400
    + b"}}",
    suffix=".json",
    options=ImportOptions(),
)
@example(
    content=b'[{"claim": "x", "id": 1' + b"0" * 5000 + b"}]",
    suffix=".json",
    options=ImportOptions(),
)
@example(content=b"[" * 900 + b"]" * 900, suffix=".json", options=ImportOptions())
@example(
    content=b'{"claim": "x", "y": ' + b"[" * 900 + b"]" * 900 + b"}",
    suffix=".jsonl",
    options=ImportOptions(),
)
@example(content=b'claim,verdict\n"unclosed,true\n', suffix=".csv", options=ImportOptions())
def test_any_corpus_file_is_imported_or_refused_cleanly(
    db, settings, tmp_path, content, suffix, options
):
    import_file(db, settings, tmp_path, content, suffix, options)


@FUZZ
@given(items=st.lists(st.one_of(CLAIM_REVIEWS, CHECKTHAT, OBJECTS), min_size=1, max_size=6))
def test_structured_rows_with_wrong_types_are_imported_or_refused(db, settings, tmp_path, items):
    content = "\n".join(_dumps(item) for item in items).encode()
    for fmt, suffix in (("auto", ".jsonl"), ("claimreview", ".json"), ("checkthat", ".jsonl")):
        body = _dumps(items).encode() if suffix == ".json" else content
        import_file(db, settings, tmp_path, body, suffix, ImportOptions(format=fmt, actor="fuzz"))


def test_the_cli_refuses_a_broken_corpus_file_with_one_error_line(db_path, tmp_path):
    path = tmp_path / "refs.json"
    path.write_text('[{"claim": "ok", "verdict": "true"}, {"claim": ', encoding="utf-8")
    result = CliRunner().invoke(cli, ["corpus", "import", str(path), "--db", str(db_path)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: {path}: broken JSON at line 1, column 48: Expecting value"]


# ---------------------------------------------------------------- what the fuzzing found


@pytest.mark.parametrize(
    "body, suffix, message",
    [  # each was a traceback (RecursionError, ValueError) or a multi-line message
        ("[" * 900 + "]" * 900, ".json", "unreadable JSON: it is nested more than 100 levels"),
        ('[{"claim": "x", "id": 1' + "0" * 5000 + "}]", ".json", "more than 4300 digits"),
        ('{"claim": "x", "y": ' + "[" * 900 + "]" * 900 + "}", ".jsonl", "line 1: unreadable"),
        ('{"a\\nb": "x"}', ".jsonl", "fields found: 'a\\nb'"),
    ],
)
def test_unreadable_json_is_refused_saying_why(db, settings, tmp_path, body, suffix, message):
    path = tmp_path / f"refs{suffix}"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as refused:
        import_paths(db, [path], ImportOptions(), settings=settings)
    assert message in str(refused.value) and "\n" not in str(refused.value)
    assert row_counts(db)["sources"] == 0


def test_odd_values_are_stored_as_nothing_rather_than_refused_by_one_engine(db, settings, tmp_path):
    """A NUL in a text (PostgreSQL refused it, SQLite stored it) is dropped; a rating that is
    no finite number (an OverflowError for 1e400 written as an integer) is no rating."""
    path = tmp_path / "refs.jsonl"
    rows = [
        '{"@type": "ClaimReview", "claimReviewed": "Tax \\u0000rose.", "reviewRating": '
        '{"ratingValue": 1' + "0" * 400 + ', "bestRating": NaN, "alternateName": "False"}}',
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    (result,) = import_paths(db, [path], ImportOptions(), settings=settings)
    source = corpus_store.get_source(db, result.source_ids[0])
    assert source["text"] == "Tax rose." and source["verdict"] == "false"
    assert (source["rating_value"], source["best_rating"]) == (None, None)
