"""The verdict table and its formats, each opened with its own reader; injection cases; filters;
empty databases; research exports (annotations, TREC run); the CLI and the Export page."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from factcheck.cli import cli
from factcheck.errors import InputError
from factcheck.export import verdicts as export
from factcheck.export.verdicts import ExportFilters, read_export, verdict_table
from factcheck.research.metrics import read_run
from factcheck.review import workflow as review
from factcheck.storage import articles as article_store
from factcheck.storage import claims as claim_store
from factcheck.storage import corpus as corpus_store
from factcheck.types import Document, SentenceClaim

ARTICLE_URL = "https://news.example/budget-speech"
INJECTION = '=HYPERLINK("http://evil.example","click")'
RISKY = ("=", "+", "-", "@", "\t", "\r")


def add_article(db, key, claims, *, url=None, publisher=None, published=None, title=None):
    """An article with check-worthy claims ((text, speaker) pairs); their ids."""
    with db.atomic():
        article_id = article_store.insert(
            db,
            Document(
                text=" ".join(t for t, _ in claims),
                source=url or f"{key}.txt",
                source_kind="url" if url else "file",
                title=title or key,
                publisher=publisher,
                published_date=published,
            ),
            content_hash=f"hash-{key}",
            extractor="default",
            actor="ingest",
        )
        sentences = [
            SentenceClaim(
                sentence_index=i,
                text=t,
                start=0,
                end=len(t),
                score=0.8,
                check_worthy=True,
                speaker=s,
            )
            for i, (t, s) in enumerate(claims)
        ]
        return claim_store.insert_many(db, article_id, sentences, actor="ingest")


def add_passage(db):
    with db.atomic():
        source_id = corpus_store.insert_source(
            db,
            {
                "kind": "fact-check",
                "title": "Jobless rate fact-check",
                "publisher": "FactDesk",
                "url": "https://factdesk.example/jobless",
                "text": "Unemployment was 4%.",
                "content_hash": "src1",
                "verdict": "false",
            },
            [
                {
                    "idx": 0,
                    "field": "claim",
                    "text": "Unemployment was 4%.",
                    "start": 0,
                    "end": 20,
                    "text_hash": "p1",
                }
            ],
        )
    return corpus_store.passages_of(db, source_id)[0]["id"]


def build_newsroom(db) -> SimpleNamespace:
    """Published (adjudicated), agreed, single-verdict and unreviewed claims; an injection."""
    for name, role in (("Ann", "checker"), ("Bob", "checker"), ("Eve", "editor")):
        review.ensure_reviewer(db, name, role)
    jobs, injected, ministry, untouched = add_article(
        db,
        "Budget speech",
        [
            ("Unemployment fell to 2% last year.", "Jane Smith"),
            (INJECTION, "@attacker"),
            ("The ministry spent 3 billion on roads.", "the Health Ministry"),
            ("Taxes will fall next year.", None),
        ],
        url=ARTICLE_URL,
        publisher="Daily Example",
        published="2024-05-01",
    )
    (other,) = add_article(db, "Other", [("Exports doubled in 2023.", "Tom Lee")])
    passage = add_passage(db)

    review.assign(db, "Eve", [jobs], ["Ann", "Bob"])
    review.cite_passage(db, "Ann", jobs, passage, "refutes", quote="was 4%")
    review.cite_external(
        db,
        "Bob",
        jobs,
        "https://stats.example/q1",
        "mixed",
        title="+Quarterly stats",
        quote="-0.5 points\non the year",
    )
    review.save_verdict(db, "Ann", jobs, "False", rationale="Official data say 4%.")
    review.save_verdict(db, "Bob", jobs, "Mostly False")
    review.adjudicate(db, "Eve", jobs, "False", rationale="-2 points off; see the stats.")
    review.publish(db, "Eve", jobs)

    review.cite_external(
        db,
        "Ann",
        injected,
        "https://evil.example/x",
        "supports",
        title="@SUM(1+1)",
        quote="+cmd|' /C calc'!A0",
    )
    review.save_verdict(db, "Ann", injected, "half-true", rationale="=1+1")
    review.save_verdict(db, "Bob", ministry, "True")
    review.save_verdict(db, "Ann", other, "pants on fire")
    return SimpleNamespace(
        jobs=jobs,
        injected=injected,
        ministry=ministry,
        untouched=untouched,
        other=other,
        passage=passage,
    )


@pytest.fixture
def newsroom(db):
    return build_newsroom(db)


def _row(table, claim_id) -> dict:
    (row,) = table[table["claim_id"] == claim_id].to_dict("records")
    return row


# --------------------------------------------------------------------------- the table


def test_table_has_the_documented_columns_in_order_and_one_row_per_reviewed_claim(db, newsroom):
    table = verdict_table(db)
    assert list(table.columns) == export.NAMES
    assert export.NAMES[:4] == ["claim_id", "claim_text", "speaker", "article_id"]
    assert table["claim_id"].tolist() == [
        newsroom.jobs,
        newsroom.injected,
        newsroom.ministry,
        newsroom.other,
    ]  # article, then sentence order
    assert newsroom.untouched not in table["claim_id"].tolist()  # no verdict: not exported
    assert str(table["claim_id"].dtype) == "Int64"
    assert str(table["verdict_ordinal"].dtype) == "Float64"


def test_published_claim_row_carries_final_verdict_sources_and_reviewers(db, newsroom):
    row = _row(verdict_table(db), newsroom.jobs)
    assert row["claim_text"] == "Unemployment fell to 2% last year."
    assert (row["speaker"], row["article_title"], row["article_url"]) == (
        "Jane Smith",
        "Budget speech",
        ARTICLE_URL,
    )
    assert (row["article_publisher"], row["article_date"], row["status"]) == (
        "Daily Example",
        "2024-05-01",
        "published",
    )
    assert (row["verdict_label"], row["verdict_ordinal"], row["verdict_scale"]) == (
        "False",
        2.0,
        "politifact",
    )
    assert (row["verdict_by"], row["rationale"]) == ("Eve", "-2 points off; see the stats.")
    assert row["source_urls"].split("\n") == [
        "https://factdesk.example/jobless",
        "https://stats.example/q1",
    ]
    assert row["source_titles"].split("\n") == ["Jobless rate fact-check", "+Quarterly stats"]
    assert row["source_quotes"].split("\n") == ["was 4%", "-0.5 points on the year"]
    assert row["source_stances"].split("\n") == ["refutes", "mixed"]
    assert row["reviewers"].split("\n") == ["Ann", "Bob"]
    assert row["reviewer_verdicts"].split("\n") == ["Ann: False", "Bob: Mostly False"]
    assert row["published_at"] >= row["verdict_at"] >= row["claim_created_at"] > ""


def test_agreed_and_open_verdicts(db, newsroom):
    table = verdict_table(db)
    agreed = _row(table, newsroom.ministry)  # one reviewer, status 'verdict'
    assert (agreed["status"], agreed["verdict_label"], agreed["verdict_by"]) == (
        "verdict",
        "True",
        "agreed",
    )
    assert agreed["rationale"] == "" and agreed["published_at"] == ""
    assert agreed["article_url"] == ARTICLE_URL
    other = _row(table, newsroom.other)
    assert other["article_url"] == ""  # a file path is never shown as a URL
    assert other["verdict_label"] == "Pants on Fire!" and other["verdict_ordinal"] == 1.0


@pytest.mark.parametrize(
    "filters, expected",
    [
        (ExportFilters(statuses=("published",)), ["jobs"]),
        (ExportFilters(statuses="verdict"), ["injected", "ministry", "other"]),
        (ExportFilters(reviewer="bob"), ["jobs", "ministry"]),  # assigned or judged; any case
        (ExportFilters(verdict="half-true"), ["injected"]),  # loosely matched label
        (ExportFilters(verdict="pants-fire"), ["other"]),
        (
            ExportFilters(date_from=date.today(), date_to=date.today().isoformat()),
            ["jobs", "injected", "ministry", "other"],
        ),
        (ExportFilters(date_from="2000-01-01", date_to="2000-12-31"), []),
    ],
)
def test_filters(db, newsroom, filters, expected):
    ids = verdict_table(db, filters)["claim_id"].tolist()
    assert ids == [getattr(newsroom, name) for name in expected]


def test_article_filter(db, newsroom):
    article_id = claim_store.get(db, newsroom.other)["article_id"]
    assert verdict_table(db, ExportFilters(article_id=article_id))["claim_id"].tolist() == [
        newsroom.other
    ]


@pytest.mark.parametrize(
    "filters, message",
    [
        (ExportFilters(statuses=("done",)), "unknown status 'done'"),
        (ExportFilters(date_from="31/05/2024"), "from date must be a date like"),
        (ExportFilters(date_from="2024-06-01", date_to="2024-05-01"), "is after the to date"),
    ],
)
def test_bad_filters_are_refused(db, newsroom, filters, message):
    with pytest.raises(InputError, match=message):
        verdict_table(db, filters)


# --------------------------------------------------------------------------- CSV / TSV


@pytest.mark.parametrize("fmt, sep", [("csv", ","), ("tsv", "\t")])
def test_delimited_export_reads_back_as_the_same_table(db, newsroom, fmt, sep):
    data = export.export(db, fmt)
    back = read_export(data, fmt)
    pd.testing.assert_frame_equal(back, verdict_table(db))
    assert data.decode("utf-8").splitlines()[0] == sep.join(export.NAMES)


@pytest.mark.parametrize("fmt, sep", [("csv", ","), ("tsv", "\t")])
def test_no_cell_of_a_delimited_export_starts_a_formula(db, newsroom, fmt, sep):
    text = export.export(db, fmt).decode("utf-8")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=sep) for cell in row]
    assert not [cell for cell in cells if cell.startswith(RISKY)]
    raw = pd.read_csv(io.StringIO(text), sep=sep, keep_default_na=False)  # a plain reader
    row = raw[raw["claim_id"] == newsroom.injected].iloc[0]
    assert row["claim_text"] == "'" + INJECTION
    assert (row["speaker"], row["rationale"]) == ("'@attacker", "'=1+1")
    assert row["source_titles"] == "'@SUM(1+1)"
    assert row["source_quotes"] == "'+cmd|' /C calc'!A0"
    jobs = raw[raw["claim_id"] == newsroom.jobs].iloc[0]
    assert jobs["rationale"] == "'-2 points off; see the stats."
    assert jobs["verdict_ordinal"] == 2.0  # numbers stay numbers


def test_tab_and_carriage_return_cells_are_neutralised_and_restored():
    from factcheck.export.tables import read_delimited, to_delimited

    frame = pd.DataFrame(
        {
            "n": pd.array([1, None], dtype="Int64"),
            "text": pd.array(["\tcmd", "\r=cmd"], dtype="str"),
        }
    )
    data = to_delimited(frame)
    cells = [row[1] for row in csv.reader(io.StringIO(data.decode()))][1:]
    assert cells == ["'\tcmd", "'\r=cmd"]
    pd.testing.assert_frame_equal(read_delimited(data, [("n", "int"), ("text", "str")]), frame)


@pytest.mark.parametrize(
    "text", ["=1+1", "+1", "-1", "@x", "\tx", "\rx", "'=x", "''+x", "'x", "x=1", "", "plain"]
)
def test_neutralise_is_reversible(text):
    from factcheck.export.tables import neutralise, restore

    safe = neutralise(text)
    assert not safe.startswith(RISKY)
    assert restore(safe) == text


# --------------------------------------------------------------------------- JSON, JSONL


def test_json_and_jsonl(db, newsroom):
    rows = json.loads(export.export(db, "json"))
    assert [list(r) for r in rows] == [export.NAMES] * 4
    injected = next(r for r in rows if r["claim_id"] == newsroom.injected)
    assert injected["claim_text"] == INJECTION  # JSON keeps text verbatim
    assert injected["verdict_ordinal"] == 4.0 and injected["status"] == "verdict"
    lines = export.export(db, "jsonl").decode("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == rows
    for fmt in ("json", "jsonl"):
        pd.testing.assert_frame_equal(read_export(export.export(db, fmt), fmt), verdict_table(db))


def test_json_exports_are_safe_to_paste_into_a_script_element(db, newsroom):
    hostile = "Rates</script><script>alert(1)</script> & <!-- rose\u2028fast\u2029."
    (claim_id,) = add_article(db, "hostile", [(hostile, None)])
    review.save_verdict(db, "Ann", claim_id, "true")
    for fmt in ("json", "jsonl"):
        text = export.export(db, fmt).decode("utf-8")
        assert "</script" not in text.casefold() and "<!--" not in text
        assert not set("<>&\u2028\u2029") & set(text), fmt
        back = read_export(export.export(db, fmt), fmt)
        assert _row(back, claim_id)["claim_text"] == hostile  # the same text, read back
    pd.testing.assert_frame_equal(read_export(export.export(db, "json"), "json"), verdict_table(db))


def test_html_safe_json_only_changes_how_strings_are_written():
    from factcheck.text import html_safe_json

    value = {"a<b>&": ["</script>", "\u2028\u2029", "plain", 1.5, None]}
    text = html_safe_json(json.dumps(value, ensure_ascii=False))
    assert json.loads(text) == value
    assert text == (
        '{"a\\u003cb\\u003e\\u0026": ["\\u003c/script\\u003e", "\\u2028\\u2029", '
        '"plain", 1.5, null]}'
    )


# --------------------------------------------------------------------------- Excel


def _workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_sheets_header_filter_links_and_no_formulas(db, newsroom):
    data = export.export(db, "xlsx")
    book = _workbook(data)
    assert book.sheetnames == ["Verdicts", "Sources", "Correction log"]
    sheet = book["Verdicts"]
    assert [c.value for c in sheet[1]] == export.NAMES
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(export.NAMES)).column_letter}5"
    url_col = export.NAMES.index("article_url") + 1
    assert sheet.cell(2, url_col).hyperlink.target == ARTICLE_URL
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref
        assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    text_col = export.NAMES.index("claim_text") + 1
    injected = sheet.cell(3, text_col)
    assert (injected.value, injected.data_type) == (INJECTION, "s")  # text, kept verbatim
    frame = pd.read_excel(io.BytesIO(data), sheet_name="Verdicts")
    assert frame["claim_id"].tolist() == verdict_table(db)["claim_id"].tolist()


def test_xlsx_sources_and_correction_log_sheets(db, newsroom):
    book = _workbook(export.export(db, "xlsx"))
    sources = pd.DataFrame(book["Sources"].values)
    header, rows = sources.iloc[0].tolist(), sources.iloc[1:]
    assert header[:6] == ["claim_id", "citation_id", "stance", "url", "title", "quote"]
    assert len(rows) == 3  # one row per citation
    links = [c.hyperlink.target for c in book["Sources"]["D"][1:] if c.hyperlink]
    assert links == [
        "https://factdesk.example/jobless",
        "https://stats.example/q1",
        "https://evil.example/x",
    ]
    log = pd.read_excel(io.BytesIO(export.export(db, "xlsx")), sheet_name="Correction log")
    jobs = log[log["claim_id"] == newsroom.jobs]
    assert {
        "claim.assigned",
        "citation.added",
        "verdict.saved",
        "verdict.final",
        "claim.status",
    } <= set(jobs["action"])
    final = jobs[jobs["action"] == "verdict.final"].iloc[0]
    assert json.loads(final["after"])["label"] == "False" and final["actor"] == "Eve"
    assert log["event_id"].is_monotonic_increasing


# --------------------------------------------------------------------------- Markdown


def test_markdown_report_escapes_untrusted_text(db, newsroom):
    text = export.export(db, "markdown").decode("utf-8")
    assert text.startswith("# Verdict report\n")
    assert f"## Claim {newsroom.jobs}" in text and "4 claims" in text
    assert "**Verdict:** False (politifact, 2)" in text
    assert f"<{ARTICLE_URL}>" in text  # a safe URL becomes a link
    assert INJECTION not in text and '\\=HYPERLINK\\(\\"http\\:' in text
    assert "[" not in text.replace("\\[", "")  # no Markdown link syntax survives


# --------------------------------------------------------------------------- empty database


def test_empty_database_gives_valid_empty_files(db):
    header = pd.read_csv(io.BytesIO(export.export(db, "csv")))
    assert list(header.columns) == export.NAMES and header.empty
    tsv = pd.read_csv(io.BytesIO(export.export(db, "tsv")), sep="\t")
    assert list(tsv.columns) == export.NAMES and tsv.empty
    assert json.loads(export.export(db, "json")) == []
    assert export.export(db, "jsonl") == b""
    assert json.loads(export.export(db, "claimreview")) == []
    book = _workbook(export.export(db, "xlsx"))
    assert [c.value for c in book["Verdicts"][1]] == export.NAMES
    assert book["Verdicts"].max_row == 1 and book["Sources"].max_row == 1
    assert "No claims match." in export.export(db, "markdown").decode()
    annotations = pd.read_csv(io.BytesIO(export.export(db, "annotations")))
    assert (
        list(annotations.columns)
        == ["claim_id", "reviewer", "label", "ordinal", "scale", "created_at", "updated_at"]
        and annotations.empty
    )
    assert export.export(db, "trec-run") == b""


def test_unknown_format_lists_the_valid_ones(db):
    with pytest.raises(InputError, match="choose one of: csv, tsv, xlsx, json"):
        export.export(db, "pdf")


def test_cli_offers_exactly_the_library_formats_and_statuses():
    from factcheck import vocab

    options = {param.name: param for param in cli.commands["export"].params}
    assert tuple(options["fmt"].type.choices) == vocab.EXPORT_FORMATS
    assert tuple(options["statuses"].type.choices) == vocab.STATUSES


# --------------------------------------------------------------------------- research exports


def test_annotations_are_the_individual_labels_in_long_form(db, newsroom):
    frame = pd.read_csv(io.BytesIO(export.export(db, "annotations")))
    assert len(frame) == 5  # editors' final verdicts left out
    jobs = frame[frame["claim_id"] == newsroom.jobs]
    assert jobs[["reviewer", "label", "ordinal"]].values.tolist() == [
        ["Ann", "False", 2.0],
        ["Bob", "Mostly False", 3.0],
    ]
    assert set(frame["scale"]) == {"politifact"} and frame["created_at"].notna().all()


def test_trec_run_lists_the_matches(db, newsroom, tmp_path):
    db.executemany(
        "INSERT INTO matches (claim_id, passage_id, score, rank, method, model, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (newsroom.jobs, newsroom.passage, 0.91234567, 1, "dense", "all-MiniLM-L6-v2", "2024"),
            (newsroom.other, newsroom.passage, 0.5, 1, "lexical", "", "2024"),
        ],
    )
    lines = [line.split() for line in export.export(db, "trec-run").decode().splitlines()]
    assert lines == [
        [
            str(newsroom.jobs),
            "Q0",
            str(newsroom.passage),
            "1",
            "0.912346",
            "dense-all-MiniLM-L6-v2",
        ],
        [str(newsroom.other), "Q0", str(newsroom.passage), "1", "0.500000", "lexical"],
    ]
    run = tmp_path / "matches.run"
    run.write_bytes(export.export(db, "trec-run"))
    assert read_run(run) == {
        str(newsroom.jobs): [str(newsroom.passage)],  # the project's reader
        str(newsroom.other): [str(newsroom.passage)],
    }
    article = claim_store.get(db, newsroom.other)["article_id"]
    only = export.export(db, "trec-run", ExportFilters(article_id=article)).decode()
    assert only.split()[0] == str(newsroom.other) and len(only.splitlines()) == 1
    with pytest.raises(InputError, match="only the article filter"):
        export.export(db, "trec-run", ExportFilters(statuses=("published",)))


# --------------------------------------------------------------------------- CLI


def test_cli_export_to_file_and_stdout(db, db_path, newsroom, tmp_path):
    runner = CliRunner()
    out = tmp_path / "verdicts.csv"
    result = runner.invoke(
        cli, ["export", "-o", str(out), "--status", "published", "--db", str(db_path)]
    )
    assert result.exit_code == 0, result.output
    assert read_export(out)["claim_id"].tolist() == [newsroom.jobs]
    result = runner.invoke(
        cli, ["export", "--format", "json", "--verdict", "true", "--db", str(db_path)]
    )
    assert [r["claim_id"] for r in json.loads(result.stdout)] == [newsroom.ministry]
    result = runner.invoke(cli, ["export", "--format", "xlsx", "--db", str(db_path)])
    assert result.exit_code == 0  # not a terminal: the bytes go to the pipe
    assert _workbook(result.stdout_bytes).sheetnames[0] == "Verdicts"


def test_cli_export_bad_input(db, db_path, newsroom, tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "--format", "pdf", "--db", str(db_path)])
    assert result.exit_code == 2 and "'csv', 'tsv', 'xlsx'" in result.output
    out = tmp_path / "never.csv"
    result = runner.invoke(cli, ["export", "--from", "May 1", "-o", str(out), "--db", str(db_path)])
    assert result.exit_code == 1 and "from date must be a date" in result.stderr
    assert not out.exists()


# --------------------------------------------------------------------------- the page


def test_export_page_previews_and_offers_every_format(db, newsroom):
    from streamlit.testing.v1 import AppTest

    from app_pages.common import ACCOUNT_KEY

    eve = review.account(db, "Eve")
    page = AppTest.from_file("../app_pages/export.py", default_timeout=60)
    page.session_state[ACCOUNT_KEY] = {k: eve[k] for k in ("id", "name", "role")}
    page.run()
    assert not page.exception and not page.error
    preview = page.dataframe[0].value
    assert list(preview.columns) == export.NAMES and len(preview) == 4
    labels = {b.label for b in page.get("download_button")}
    assert {"CSV", "Excel", "ClaimReview JSON-LD", "TREC run (matches)"} <= labels
    page.multiselect(key="fc_export_status").set_value(["published"]).run()
    assert page.dataframe[0].value["claim_id"].tolist() == [newsroom.jobs]
