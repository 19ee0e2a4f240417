"""Reference corpus import: every format, field mapping, passages, idempotence, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from factcheck.cli import cli
from factcheck.corpus.importer import (
    ImportOptions,
    import_paths,
    split_passages,
    verdict_slug,
)
from factcheck.errors import InputError
from factcheck.storage import corpus as store
from factcheck.storage import events
from factcheck.text import iso_date


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def sources(db) -> list[dict]:
    return [store.get_source(db, row["id"]) for row in store.list_sources(db)]


def fields(db, source_id: int) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for passage in store.passages_of(db, source_id):
        out.setdefault(passage["field"], []).append(passage["text"])
    return out


def assert_offsets(db, source_id: int) -> None:
    text = store.get_source(db, source_id)["text"]
    for passage in store.passages_of(db, source_id):
        assert text[passage["start"] : passage["end"]] == passage["text"]


def snapshot(db) -> tuple:
    events_count = db.execute("SELECT count(*) FROM events").fetchone()[0]
    return tuple(store.counts(db).values()) + (events_count,)


CSV = (
    "id,claim,title,rating,url,published,speaker\n"
    "c1,The moon is made of cheese.,Moon cheese claim,Pants on Fire!,https://ex.org/1,2020-03-04,Bob\n"
    'c2,"Vaccines contain microchips, a post says.",Microchips?,False,https://ex.org/2,"May 8, 2018",\n'
)


# --------------------------------------------------------------------------- formats


def test_csv_with_common_names(db, tmp_path):
    [result] = import_paths(db, [write(tmp_path / "checks.csv", CSV)])
    assert (result.format, result.new, result.present) == ("csv", 2, 0)
    first, second = sources(db)
    assert first["kind"] == "fact-check"
    assert first["external_id"] == "c1" and first["url"] == "https://ex.org/1"
    assert first["verdict"] == "pants-on-fire" and first["verdict_raw"] == "Pants on Fire!"
    assert first["date"] == "2020-03-04" and first["claimant"] == "Bob"
    assert second["date"] == "2018-05-08" and second["date_raw"] == "May 8, 2018"
    assert fields(db, first["id"]) == {
        "claim": ["The moon is made of cheese."],
        "title": ["Moon cheese claim"],
    }
    assert_offsets(db, first["id"])


def test_field_options_override_detection(db, tmp_path):
    path = write(
        tmp_path / "odd.csv",
        "statement_text,heading,verdict_label,when,extra_col\n"
        "Taxes rose 40%.,Tax rise,Mostly True,2019-01-02,x\n",
    )
    options = ImportOptions(
        fields={
            "text": "statement_text",
            "title": "heading",
            "verdict": "verdict_label",
            "date": "when",
        }
    )
    import_paths(db, [path], options)
    [source] = sources(db)
    assert source["verdict"] == "mostly-true" and source["title"] == "Tax rise"
    assert source["date"] == "2019-01-02" and source["extra"] == {"extra_col": "x"}
    assert fields(db, source["id"])["claim"] == ["Taxes rose 40%."]


def test_tsv_is_read_without_quoting(db, tmp_path):
    path = write(
        tmp_path / "checks.tsv",
        'text\tlabel\n"Quoted" start of a claim.\ttrue\nA second claim.\tfalse\n',
    )
    [result] = import_paths(db, [path])
    assert result.format == "tsv" and result.new == 2
    assert fields(db, sources(db)[0]["id"])["claim"] == ['"Quoted" start of a claim.']


def test_json_list_wrapper_and_dotted_fields(db, tmp_path):
    rows = {
        "data": [
            {"claim": "Crime fell 10% last year.", "review": {"rating": "Half True"}, "link": "u1"},
            {"claim": "Unemployment doubled.", "review": {"rating": "False"}, "link": "u2"},
        ]
    }
    path = write(tmp_path / "checks.json", json.dumps(rows))
    import_paths(db, [path], ImportOptions(fields={"verdict": "review.rating"}))
    got = sources(db)
    assert [s["verdict"] for s in got] == ["half-true", "false"]
    assert [s["url"] for s in got] == ["u1", "u2"]


def test_jsonl_without_verdict_is_an_article_with_a_body(db, tmp_path):
    body = " ".join(f"Sentence number {i} says something about the budget." for i in range(40))
    path = write(
        tmp_path / "docs.jsonl",
        json.dumps({"title": "Budget report", "body": body})
        + "\n\n"
        + json.dumps({"title": "Short", "body": "One short text."})
        + "\n",
    )
    [result] = import_paths(db, [path])
    assert result.format == "jsonl" and result.new == 2
    long, short = sources(db)
    assert long["kind"] == "article"
    got = fields(db, long["id"])
    assert got["title"] == ["Budget report"] and len(got["body"]) > 1
    assert all(len(p) <= 800 for p in got["body"])
    assert_offsets(db, long["id"])
    assert fields(db, short["id"]) == {"title": ["Short"], "body": ["One short text."]}


def test_folder_of_documents(db, tmp_path, settings):
    folder = tmp_path / "refs"
    (folder / "sub").mkdir(parents=True)
    write(folder / "a.txt", "Official figures show 20,000 reservists were called up.\n")
    write(folder / "sub" / "b.md", "# Border report\n\nSeventy per cent of the border is held.\n")
    write(
        folder / "c.html",
        "<html><head><title>Drills</title></head><body><article>"
        "<p>Russia held drills near the border in July.</p></article></body></html>",
    )
    write(folder / "ignored.csv", "a,b\n1,2\n")
    [result] = import_paths(db, [folder], settings=settings)
    assert (result.format, result.new) == ("folder", 3)
    got = {s["external_id"]: s for s in sources(db)}
    assert set(got) == {"a.txt", "sub/b.md", "c.html"}
    assert all(s["kind"] == "article" for s in got.values())
    assert "20,000 reservists" in fields(db, got["a.txt"]["id"])["body"][0]
    assert "drills" in got["c.html"]["text"]


CLAIMREVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.example/moon",
    "claimReviewed": "The moon landing was filmed in a studio.",
    "headline": "No, the moon landing was not staged",
    "datePublished": "2021-07-20T09:00:00Z",
    "author": {"@type": "Organization", "name": "Example Checks"},
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": "1",
        "bestRating": "5",
        "worstRating": "1",
        "alternateName": "False",
    },
    "itemReviewed": {
        "@type": "Claim",
        "datePublished": "2021-07-01",
        "author": {"@type": "Person", "name": "A Blogger"},
        "appearance": [{"@type": "CreativeWork", "url": "https://blog.example/p"}],
    },
}


def test_claimreview_single_object(db, tmp_path):
    [result] = import_paths(db, [write(tmp_path / "cr.json", json.dumps(CLAIMREVIEW))])
    assert (result.format, result.new) == ("claimreview", 1)
    [source] = sources(db)
    assert source["verdict"] == "false" and source["rating_value"] == 1.0
    assert (source["best_rating"], source["worst_rating"]) == (5.0, 1.0)
    assert source["publisher"] == "Example Checks" and source["author"] is None
    assert source["claimant"] == "A Blogger" and source["claim_date"] == "2021-07-01"
    assert source["date"] == "2021-07-20"
    assert source["extra"]["appearances"] == ["https://blog.example/p"]
    assert fields(db, source["id"])["claim"] == ["The moon landing was filmed in a studio."]


@pytest.mark.parametrize(
    ("rating", "verdict", "value"),
    [
        ("False", "false", None),  # imported with no verdict, silently, before
        ("Pants on Fire!", "pants-on-fire", None),
        (2, None, 2.0),
        ([{"@type": "Rating", "alternateName": "Mostly True"}], "mostly-true", None),
    ],
)
def test_claimreview_rating_given_as_text_number_or_list(db, tmp_path, rating, verdict, value):
    item = dict(CLAIMREVIEW, reviewRating=rating)
    import_paths(db, [write(tmp_path / "cr.json", json.dumps(item))])
    [source] = sources(db)
    assert (source["verdict"], source["rating_value"]) == (verdict, value)


def test_claimreview_list_graph_and_api_shapes(db, tmp_path):
    second = dict(
        CLAIMREVIEW,
        claimReviewed="Another claim.",
        url="https://factcheck.example/2",
        author={"@type": "Person", "name": "Jane Checker"},
        publisher={"@type": "Organization", "name": "Example Checks"},
    )
    graph = {
        "@context": "https://schema.org",
        "@graph": [{"@type": "WebPage", "name": "page"}, dict(second, claimReviewed="Third.")],
    }
    api = {
        "claims": [
            {
                "text": "Fourth claim.",
                "claimant": "Someone",
                "claimDate": "2020-01-01",
                "claimReview": [
                    {
                        "publisher": {"name": "PolitiFact"},
                        "url": "https://p/4",
                        "title": "Fourth",
                        "reviewDate": "2020-02-02",
                        "textualRating": "Mostly False",
                    }
                ],
            }
        ]
    }
    paths = [
        write(tmp_path / "list.json", json.dumps([CLAIMREVIEW, second])),
        write(tmp_path / "graph.jsonld", json.dumps(graph)),
        write(tmp_path / "api.json", json.dumps(api)),
    ]
    results = import_paths(db, paths)
    assert [(r.format, r.new) for r in results] == [
        ("claimreview", 2),
        ("claimreview", 1),
        ("claimreview", 1),
    ]
    got = {s["title"] if s["url"] != "https://p/4" else "api": s for s in sources(db)}
    assert sources(db)[1]["author"] == "Jane Checker"
    assert got["api"]["verdict"] == "mostly-false" and got["api"]["claimant"] == "Someone"
    assert got["api"]["publisher"] == "PolitiFact" and got["api"]["claim_date"] == "2020-01-01"


def real_lines(shared_data: Path, task: str, count: int = 5) -> list[str]:
    with open(shared_data / task / "vclaims.jsonl", encoding="utf-8") as handle:
        return [next(handle) for _ in range(count)]


def test_checkthat_snopes_shape(db, tmp_path, shared_data):
    lines = real_lines(shared_data, "checkthat2021-2a")
    [result] = import_paths(db, [write(tmp_path / "vclaims.jsonl", "".join(lines))])
    assert (result.format, result.new) == ("checkthat", 5)
    row = json.loads(lines[0])
    source = sources(db)[0]
    assert source["external_id"] == row["vclaim_id"] and source["publisher"] == "Snopes"
    assert source["author"] == row["author"] and source["date"] is not None
    got = fields(db, source["id"])
    assert got["claim"] == [row["vclaim"].strip()] and got["title"] == [row["title"].strip()]
    assert got["lead"] == [row["subtitle"].strip()]
    assert_offsets(db, source["id"])


def test_checkthat_politifact_shape(db, tmp_path, shared_data):
    lines = real_lines(shared_data, "checkthat2021-2b")
    import_paths(db, [write(tmp_path / "vclaims.jsonl", "".join(lines))])
    row = json.loads(lines[0])
    source = sources(db)[0]
    assert source["publisher"] == "PolitiFact" and source["verdict"] == row["truth_label"]
    assert source["url"] == "https://www.politifact.com" + row["url"]
    assert source["claimant"] == row["speaker"] and source["claim_date_raw"] == row["date"]
    assert source["claim_date"] is not None and source["date"] is not None
    assert source["date"] >= source["claim_date"]  # reviewed after it was stated
    assert source["extra"] == {"text_chars": row["text_chars"]}
    assert set(fields(db, source["id"])) == {"claim", "title", "lead"}


# --------------------------------------------------------------------------- idempotence


def test_reimport_adds_nothing(db, tmp_path):
    path = write(tmp_path / "checks.csv", CSV)
    import_paths(db, [path])
    before = store.counts(db)
    [again] = import_paths(db, [path])
    assert (again.new, again.present) == (0, 2)
    assert again.message == "0 new, 2 already present"
    assert store.counts(db) == before
    imports = [e for e in events.for_entity(db, "sources", 1) if e["action"] == "corpus.imported"]
    assert imports[0]["after"]["new"] == 2


def test_same_content_under_another_id_is_a_new_source(db, tmp_path):
    rows = [{"vclaim_id": f"vclaim-sno-{i}", "vclaim": "Same claim.", "title": "T"} for i in (1, 2)]
    path = write(tmp_path / "v.jsonl", "\n".join(json.dumps(r) for r in rows))
    assert import_paths(db, [path])[0].new == 2


# --------------------------------------------------------------------------- bad input


BAD_INPUTS = {
    "empty.csv": ("", "is empty"),
    "header.csv": ("claim,rating\n", "header but no rows"),
    "nocolumn.csv": ("headline,rating\nx,false\n", "fields found: headline, rating"),
    "columns.csv": ("claim,rating\nok,false\na,b,c\n", "line 3: 3 columns, the header has 2"),
    "broken.jsonl": ('{"claim": "a"}\n{"claim": "b"\n', "line 2: broken JSON"),
    "dupes.jsonl": (
        '{"id": 1, "claim": "a"}\n{"id": 2, "claim": "b"}\n{"id": 1, "claim": "c"}\n',
        "line 3: duplicate id '1' (first at line 1)",
    ),
    "novalue.csv": ("claim,rating\n,false\n", "line 2: no value for 'claim'"),
    "broken.json": ('[{"claim": "a"},', "broken JSON at line 1"),
    "noreview.json": ('{"@type": "ClaimReview", "url": "u"}', "item 1: a ClaimReview without"),
    "data.xlsx": ("whatever", "give --format"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_refused_and_changes_nothing(db, tmp_path, name):
    import_paths(db, [write(tmp_path / "good.csv", CSV)])
    before = snapshot(db)
    content, message = BAD_INPUTS[name]
    with pytest.raises(InputError) as error:
        import_paths(db, [write(tmp_path / name, content)])
    assert message in str(error.value)
    assert snapshot(db) == before


def test_missing_option_field_lists_the_fields(db, tmp_path):
    path = write(tmp_path / "checks.csv", CSV)
    with pytest.raises(
        InputError, match=r"no field 'body' \(--text-field\); fields found: id, claim"
    ):
        import_paths(db, [path], ImportOptions(fields={"text": "body"}))


def test_one_bad_file_writes_none_of_the_others(db, tmp_path):
    good = write(tmp_path / "good.csv", CSV)
    bad = write(tmp_path / "bad.jsonl", '{"claim": "x"}\nnot json\n')
    with pytest.raises(InputError, match="line 2"):
        import_paths(db, [good, bad])
    assert store.counts(db)["sources"] == 0


def test_skip_bad_imports_the_rest_and_lists_them(db, tmp_path):
    path = write(
        tmp_path / "mixed.jsonl",
        '{"id": "a", "claim": "Fine one."}\n{broken\n{"id": "a", "claim": "Dup."}\n'
        '{"id": "b", "claim": "Fine two."}\n',
    )
    [result] = import_paths(db, [path], ImportOptions(skip_bad=True))
    assert result.new == 2
    assert [b.where for b in result.skipped] == ["line 2", "line 3"]
    assert "2 bad rows skipped" in result.message


def test_binary_and_missing_files(db, tmp_path):
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"claim\n\x00\x01\x02")
    with pytest.raises(InputError, match="binary"):
        import_paths(db, [binary])
    with pytest.raises(InputError, match="no such file"):
        import_paths(db, [tmp_path / "absent.csv"])
    with pytest.raises(InputError, match="unknown kind"):
        import_paths(db, [write(tmp_path / "c.csv", CSV)], ImportOptions(kind="blog"))


# --------------------------------------------------------------------------- helpers


def test_split_passages_windows_overlap_and_cover():
    text = " ".join(f"This is sentence {i:02d} of the report." for i in range(60))
    windows = split_passages(text, max_chars=200, overlap=1)
    assert windows[0][0] == 0 and windows[-1][1] == len(text)
    assert all(end - start <= 200 for start, end in windows)
    for (_, end1), (start2, _) in zip(windows, windows[1:]):
        assert start2 < end1  # consecutive windows share a sentence
    assert split_passages("One short paragraph.") == [(0, 20)]
    long_sentence = "word " * 400
    assert all(e - s <= 800 for s, e in split_passages(long_sentence.strip()))


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("26 May 2015", "2015-05-26"),
        ("stated on October 22, 2019 in a campaign mailer.:", "2019-10-22"),
        ("2021-07-20T09:00:00Z", "2021-07-20"),
        ("May 2015", None),
        ("soon", None),
        (None, None),
    ],
)
def test_parse_date(raw, expected):
    assert iso_date(raw) == expected


def test_verdict_slug():
    assert verdict_slug("Pants on Fire!") == "pants-on-fire"
    assert verdict_slug(" Mostly  False ") == "mostly-false"
    assert verdict_slug("  ") is None


# --------------------------------------------------------------------------- CLI


def test_cli_import_list_stats(db_path, tmp_path):
    runner = CliRunner()
    path = write(tmp_path / "checks.csv", CSV)
    first = runner.invoke(
        cli, ["corpus", "import", str(path), "--db", str(db_path), "--publisher", "Example"]
    )
    assert first.exit_code == 0, first.output
    assert "2 new, 0 already present (csv)" in first.output
    again = runner.invoke(cli, ["corpus", "import", str(path), "--db", str(db_path)])
    assert "0 new, 2 already present" in again.output
    listed = runner.invoke(cli, ["corpus", "list", "--db", str(db_path), "--format", "json"])
    rows = json.loads(listed.output)
    assert [r["publisher"] for r in rows] == ["Example", "Example"]
    assert rows[0]["passages"] == 2
    stats = json.loads(
        runner.invoke(cli, ["corpus", "stats", "--db", str(db_path), "--format", "json"]).output
    )
    assert stats["totals"]["sources"] == 2 and stats["fields"][0]["passages"] == 2


def test_cli_bad_input_is_one_line_and_exit_1(db_path, tmp_path):
    path = write(tmp_path / "bad.jsonl", '{"claim": "a"}\n{oops\n')
    result = CliRunner().invoke(cli, ["corpus", "import", str(path), "--db", str(db_path)])
    assert result.exit_code == 1
    assert "line 2: broken JSON" in result.output
    assert "Traceback" not in result.output


def test_cli_embed_encodes_once(db_path, tmp_path, monkeypatch):
    from factcheck.models import embed

    calls = []
    monkeypatch.setattr(
        embed,
        "encode",
        lambda texts, **kw: (
            calls.append(len(texts)) or __import__("numpy").eye(len(texts), 4, dtype="float32")
        ),
    )
    path = write(tmp_path / "checks.csv", CSV)
    runner = CliRunner()
    result = runner.invoke(
        cli, ["corpus", "import", str(path), "--db", str(db_path), "--embed", "--model", "fake"]
    )
    assert result.exit_code == 0, result.output
    assert "encoded 4 texts with fake" in result.output and sum(calls) == 4
    again = runner.invoke(cli, ["corpus", "embed", "--db", str(db_path), "--model", "fake"])
    assert "every text of the corpus already has a vector for fake" in again.output
    assert sum(calls) == 4


def _factcheck_row(verdict: str, title: str, claim: str = "Crime doubled in 2020.") -> str:
    return json.dumps({"id": "pf-1", "claim": claim, "title": title, "verdict": verdict}) + "\n"


def test_reimporting_an_id_with_new_content_corrects_the_source(db, tmp_path):
    """It added a second source with the same external id."""
    import_paths(db, [write(tmp_path / "a.jsonl", _factcheck_row("false", "Crime claim"))])
    [before] = sources(db)
    claim_passage = store.passages_of(db, before["id"])[0]
    [result] = import_paths(
        db, [write(tmp_path / "b.jsonl", _factcheck_row("half-true", "Crime claim, corrected"))]
    )
    [after] = sources(db)
    assert after["id"] == before["id"] and (result.new, result.corrected_ids) == (0, [after["id"]])
    assert "1 corrected (same id, new content)" in result.message
    assert (after["verdict"], after["title"]) == ("half-true", "Crime claim, corrected")
    assert store.passages_of(db, after["id"])[0]["id"] == claim_passage["id"]  # text unchanged
    assert fields(db, after["id"])["title"] == ["Crime claim, corrected"]
    [event] = db.execute(
        "SELECT before, after FROM events WHERE action = 'source.corrected'"
    ).fetchall()
    assert json.loads(event[0])["verdict"] == "false"
    assert json.loads(event[1])["verdict"] == "half-true"


def test_reimporting_an_id_can_be_refused_and_changes_nothing(db, tmp_path):
    import_paths(db, [write(tmp_path / "a.jsonl", _factcheck_row("false", "Crime claim"))])
    [before] = sources(db)
    events_before = db.execute("SELECT count(*) FROM events").fetchone()[0]
    with pytest.raises(InputError, match=r"1 row\(s\) carry an id already stored.*pf-1"):
        import_paths(
            db,
            [write(tmp_path / "b.jsonl", _factcheck_row("true", "Other"))],
            ImportOptions(on_existing="refuse"),
        )
    assert sources(db) == [before]
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == events_before


def test_a_correction_keeps_a_cited_passage_that_it_removes(db, tmp_path, settings):
    from factcheck import pipeline
    from factcheck.types import Document

    import_paths(db, [write(tmp_path / "a.jsonl", _factcheck_row("false", "Crime claim"))])
    [source] = sources(db)
    title = next(p for p in store.passages_of(db, source["id"]) if p["field"] == "title")
    article = pipeline.ingest_document(
        db, Document("Crime doubled in 2020, the mayor said.", "paste"), settings, actor="ann"
    )
    claim_id = db.execute(
        "SELECT id FROM claims WHERE article_id = ?", [article.article_id]
    ).fetchone()[0]
    with db.atomic():
        db.execute(
            "INSERT INTO citations (claim_id, passage_id, stance, created_by, created_at) "
            "VALUES (?, ?, 'refutes', 'ann', '2026-12-06T00:00:00Z')",
            [claim_id, title["id"]],
        )
    import_paths(db, [write(tmp_path / "b.jsonl", _factcheck_row("false", "A new title"))])
    kept = {p["id"]: p for p in store.passages_of(db, source["id"])}
    assert title["id"] in kept and kept[title["id"]]["idx"] < 0  # cited: kept, out of order
    assert [p["text"] for p in kept.values() if p["idx"] >= 0 and p["field"] == "title"] == [
        "A new title"
    ]


def test_cli_import_on_existing_refuse(db_path, tmp_path):
    first = write(tmp_path / "a.jsonl", _factcheck_row("false", "Crime claim"))
    second = write(tmp_path / "b.jsonl", _factcheck_row("true", "Other"))
    runner = CliRunner()
    assert runner.invoke(cli, ["corpus", "import", str(first)]).exit_code == 0
    refused = runner.invoke(cli, ["corpus", "import", str(second), "--on-existing", "refuse"])
    assert refused.exit_code == 1 and "already stored with other content" in refused.output
    corrected = runner.invoke(cli, ["corpus", "import", str(second)])
    assert corrected.exit_code == 0 and "1 corrected" in corrected.output


def test_a_file_not_in_utf8_is_imported_with_a_warning_naming_the_guess(db, settings, tmp_path):
    """It was decoded by charset-normalizer's guess without a word: here cp1250, which turns
    "Naïve" into "Naďve"; the warning now says so, and where the guess came from."""
    path = tmp_path / "refs.csv"
    path.write_bytes(
        'claim,verdict\n"Prices rose 5 € — “a record”, the minister said.",false\n'
        "Naïve claim about the économie,true\n".encode("cp1252")
    )
    (result,) = import_paths(db, [path], ImportOptions(), settings=settings)
    assert result.new == 2 and len(result.warnings) == 1
    assert result.warnings[0].startswith("not valid UTF-8: read as ")
    assert result.warnings[0].endswith(", a guess (save the file as UTF-8 to be sure)")
    logged = db.execute("SELECT after FROM events WHERE action = 'corpus.imported'").fetchone()[0]
    assert json.loads(logged)["warnings"] == result.warnings
    utf8 = write(tmp_path / "new.csv", "claim,verdict\nTaxes rose by 3%.,true\n")
    assert import_paths(db, [utf8], ImportOptions(), settings=settings)[0].warnings == []
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "old.txt").write_bytes("Prices rose 5 € — “a record”.".encode("cp1252"))
    (read,) = import_paths(db, [folder], ImportOptions(), settings=settings)
    assert read.warnings == ["file old.txt: not valid UTF-8: read as cp1252"]
    again = tmp_path / "again.csv"
    again.write_bytes(path.read_bytes().replace(b"5", b"6"))
    cli_run = CliRunner().invoke(
        cli, ["corpus", "import", str(again), "--db", str(settings.db_path)]
    )
    assert cli_run.exit_code == 0, cli_run.output
    assert [line for line in cli_run.stderr.splitlines() if line.startswith("Warning:")] == [
        f"Warning: {again}: {result.warnings[0]}"
    ]
