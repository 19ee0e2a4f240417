"""factcheck.text: the one sentence splitter, the one date parser and the one Markdown escape,
and the modules that use them instead of keeping copies."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from factcheck.corpus import importer
from factcheck.export import verdicts
from factcheck.extract import anchor, segment
from factcheck.extract.anchor import ArticleText
from factcheck.text import escape_markdown, iso_date, parse_date, split_sentences


def texts(text: str, spans) -> list[str]:
    return [text[start:end] for start, end in spans]


# --------------------------------------------------------------------------- sentences


def test_spans_are_exact_and_trimmed():
    text = "  The rate fell. Prices rose sharply!  Why? "
    spans = split_sentences(text)
    assert texts(text, spans) == ["The rate fell.", "Prices rose sharply!", "Why?"]
    assert all(text[s:e] == text[s:e].strip() for s, e in spans)


def test_abbreviations_and_initials_do_not_end_a_sentence():
    text = "The U.S. Army said Gen. Smith left. Dr. J. Doe stayed."
    assert texts(text, split_sentences(text)) == [
        "The U.S. Army said Gen. Smith left.",
        "Dr. J. Doe stayed.",
    ]


def test_a_part_of_the_text_keeps_article_offsets():
    text = "Header line\nIt rose. It fell."
    start = text.index("It rose")
    assert split_sentences(text, start, len(text)) == [(start, start + 8), (start + 9, len(text))]


@pytest.mark.parametrize(
    "breaks, expected",
    [
        (None, ["A heading\n\nThe first line goes on\nhere.", "Next one.", "Last line"]),
        ("line", ["A heading", "The first line goes on", "here.", "Next one.", "Last line"]),
        ("paragraph", ["A heading", "The first line goes on\nhere.", "Next one.", "Last line"]),
    ],
)
def test_breaks_decide_what_a_newline_ends(breaks, expected):
    text = "A heading\n\nThe first line goes on\nhere. Next one.\nLast line"
    assert texts(text, split_sentences(text, breaks=breaks)) == expected


def test_empty_and_blank_text_have_no_sentences():
    assert split_sentences("") == [] and split_sentences(" \n\n ", breaks="paragraph") == []


def test_extraction_anchoring_and_corpus_passages_share_the_splitter():
    assert segment.split_sentences is split_sentences
    assert not hasattr(anchor, "sentence_spans") and not hasattr(importer, "sentence_spans")
    text = "Title line\nThe U.S. economy grew. Jobs rose.\n\nA new paragraph."
    assert ArticleText(text).sentences == split_sentences(text, breaks="line")
    assert texts(text, ArticleText(text).sentences) == [
        "Title line",
        "The U.S. economy grew.",
        "Jobs rose.",
        "A new paragraph.",
    ]


def test_corpus_windows_hold_whole_sentences_split_at_blank_lines():
    text = "Figures\n\nThe U.S. rate fell in March. It rose again in May."
    windows = importer.split_passages(text, max_chars=40, overlap=0)
    assert texts(text, windows) == [
        "Figures\n\nThe U.S. rate fell in March.",
        "It rose again in May.",
    ]


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("26 May 2015", date(2015, 5, 26)),
        ("stated on October 22, 2019 in a campaign mailer.:", date(2019, 10, 22)),
        ("2021-07-20T09:00:00Z", date(2021, 7, 20)),
        ("20160926", date(2016, 9, 26)),
        ("6 March 2021", date(2021, 3, 6)),
        ("May 8th, 2018", date(2018, 5, 8)),
        ("22 oct 2019", date(2019, 10, 22)),
        ("Sept. 5, 2020", date(2020, 9, 5)),
        ("07/20/2021", date(2021, 7, 20)),
        ("Tue, 20 Jul 2021 09:00:00 GMT", date(2021, 7, 20)),
        ("May 2015", None),
        ("2015", None),
        ("2020-13-45", None),
        ("soon", None),
        ("", None),
        (None, None),
        (date(2020, 1, 2), date(2020, 1, 2)),
        (datetime(2020, 1, 2, 15, 30), date(2020, 1, 2)),
    ],
)
def test_parse_date(raw, expected):
    assert parse_date(raw) == expected
    assert iso_date(raw) == (expected.isoformat() if expected else None)


def test_corpus_and_documents_store_dates_through_the_one_parser():
    assert not hasattr(importer, "parse_date")
    from factcheck.ingest.read import markdown_to_document

    document = markdown_to_document("---\ndate: March 5, 2024\n---\nBody.\n")
    assert document.published_date == "2024-03-05"


# --------------------------------------------------------------------------- Markdown


def test_escape_markdown_leaves_no_markup():
    hostile = "**bold** [link](javascript:alert(1)) <b>x</b> :red[x] $x$ # h"
    escaped = escape_markdown(hostile)
    for markup in ("**", "](", "<b>", ":red[", "$x$"):
        assert markup not in escaped
    assert escaped.startswith("\\*\\*bold\\*\\* \\[link\\]\\(javascript")


def test_escape_markdown_breaks_autolinks_and_keeps_line_breaks():
    escaped = escape_markdown("see https://evil.example or mail a@b.org\r\n  next line")
    assert "https\u2060\\:" in escaped and "a\u2060\\@b" in escaped
    assert escaped.endswith("  \nnext line")
    assert escape_markdown(None) == "" and escape_markdown(3) == "3"


def test_one_line_without_link_breaking_is_the_report_escape():
    text = 'a\n  =HYPERLINK("http://x")\r\nb'
    assert escape_markdown(text, one_line=True, break_links=False) == (
        'a \\=HYPERLINK\\(\\"http\\:\\/\\/x\\"\\) b'
    )
    assert verdicts.md_escape(text) == escape_markdown(text, one_line=True, break_links=False)


def test_the_app_uses_the_library_escape():
    from app_pages.common import safe_md

    assert safe_md is escape_markdown
