"""Sentence segmentation: offsets, quotes, abbreviations, headings and page furniture."""

from __future__ import annotations

import pytest
import syntok.segmenter

from factcheck.extract.segment import segment
from factcheck.text import split_sentences


def sentences(text: str) -> list[str]:
    return [s.text for s in segment(text) if not s.is_junk]


def kinds(text: str) -> dict[str, str]:
    return {s.text: s.kind for s in segment(text)}


def test_offsets_are_exact_for_awkward_whitespace():
    text = "  Title line here\r\n\r\nFirst sentence\u00a0here. Second one!\r\n\n  Third  one?  \n"
    segments = segment(text)
    assert [s.text for s in segments] == [
        "Title line here",
        "First sentence\u00a0here.",
        "Second one!",
        "Third  one?",
    ]
    for s in segments:
        assert text[s.start : s.end] == s.text
    assert [s.start for s in segments] == sorted(s.start for s in segments)


def test_abbreviations_do_not_end_sentences():
    text = (
        "Gen. Mark Milley said the U.S. Army will stay until Jan. 5 at the latest. "
        "Dr. Smith disagreed with Mr. Jones. Prices rose 2.5 percent."
    )
    assert sentences(text) == [
        "Gen. Mark Milley said the U.S. Army will stay until Jan. 5 at the latest.",
        "Dr. Smith disagreed with Mr. Jones.",
        "Prices rose 2.5 percent.",
    ]


def test_quotes_stay_with_their_sentences():
    text = (
        "“There is war, there is pressure. Sometimes they don’t, but we will continue,” "
        'he said. “Why?” she asked. "We will win," he said.'
    )
    assert sentences(text) == [
        "“There is war, there is pressure.",
        "Sometimes they don’t, but we will continue,” he said.",
        "“Why?” she asked.",
        '"We will win," he said.',
    ]


def test_short_lines_without_closing_punctuation_are_headings():
    text = (
        "US withdrawal 90% complete\n\n"
        "On Tuesday, the US military said it had withdrawn more than 90% of its troops.\n"
        "Russia drills attacking armed groups in Tajikistan base\n"
        "Key figures:\n"
        "Russia held a drill."
    )
    found = kinds(text)
    assert found["US withdrawal 90% complete"] == "heading"
    assert found["Russia drills attacking armed groups in Tajikistan base"] == "heading"
    assert found["Key figures:"] == "heading"
    assert found["Russia held a drill."] == "sentence"
    body = "On Tuesday, the US military said it had withdrawn more than 90% of its troops."
    assert found[body] == "sentence"


def test_list_items_without_full_stops_are_sentences_not_headings():
    long_item = "- Tajikistan mobilised 20,000 military reservists to bolster its border defenses"
    text = f"Key figures:\n{long_item}\n• Russia held drills\n1. Talks stalled"
    found = kinds(text)
    assert found["Key figures:"] == "heading"
    for item in (long_item, "• Russia held drills", "1. Talks stalled"):
        assert found[item] == "sentence"


def test_a_long_line_without_a_full_stop_is_still_a_sentence():
    line = " ".join(["word"] * 25)
    assert kinds(line) == {line: "sentence"}


def test_navigation_bylines_and_datelines_are_marked():
    text = (
        "AfghanistanAsia-PacificNorth America\n"
        "Home | World | Asia\n"
        "By Jane Doe\n"
        "Published: July 7, 2021 10:20 GMT\n\n"
        "The talks failed.\n\n"
        "Back to top button"
    )
    found = kinds(text)
    assert found["AfghanistanAsia-PacificNorth America"] == "navigation"
    assert found["Home | World | Asia"] == "navigation"
    assert found["By Jane Doe"] == "byline"
    assert found["Published: July 7, 2021 10:20 GMT"] == "dateline"
    assert found["Back to top button"] == "navigation"
    assert found["The talks failed."] == "sentence"


def test_a_dateline_prefix_is_split_from_the_first_sentence():
    text = "KABUL, July 7 (Reuters) - The Taliban took the district. They held it."
    segments = segment(text)
    assert [(s.kind, s.text) for s in segments] == [
        ("dateline", "KABUL, July 7 (Reuters)"),
        ("sentence", "The Taliban took the district."),
        ("sentence", "They held it."),
    ]


def test_a_dateline_with_a_year_is_split_off():
    found = [
        (s.kind, s.text) for s in segment("GENEVA, January 2024 — Agencies agree on the figure.")
    ]
    assert found == [
        ("dateline", "GENEVA, January 2024"),
        ("sentence", "Agencies agree on the figure."),
    ]


def test_hard_wrapped_lines_are_joined_back():
    text = (
        "The government said on Tuesday that it would take back every district that\n"
        "the militants had captured. It gave no date for the operation.\n"
    )
    found = sentences(text)
    assert found == [
        "The government said on Tuesday that it would take back every district that\n"
        "the militants had captured.",
        "It gave no date for the operation.",
    ]


@pytest.mark.shared
def test_fast_path_agrees_with_syntok_on_the_seed_article(seed_article):
    text = seed_article.read_text(encoding="utf-8")
    checked = 0
    for block in [b for b in text.split("\n") if b.strip()]:
        start = text.index(block)
        ours = [s for s, _ in split_sentences(text, start, start + len(block))]
        theirs = [
            start + sentence[0].offset
            for paragraph in syntok.segmenter.analyze(block)
            for sentence in paragraph
        ]
        assert ours == theirs, block
        checked += len(ours)
    assert checked > 40
