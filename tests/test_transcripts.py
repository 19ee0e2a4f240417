"""Transcripts as input: detection, the four shapes ("NAME: text" turns, CheckThat!/ClaimBuster
TSV, SRT, WebVTT), speakers and roles, timestamps, claims cut per turn with exact offsets and
no speaker label in their text, hostile input refused with nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck import pipeline
from factcheck.config import Settings
from factcheck.errors import InputError
from factcheck.extract.turns import CONTEXT_SENTENCES, extract_transcript
from factcheck.ingest import read, transcript
from factcheck.storage import claims as claim_store
from tests.stubs import FixedScorer

TRANSCRIPTS = Path("/work/shared/data/checkthat2021-2b/transcripts")
CHECKTHAT_FILE = TRANSCRIPTS / "20121023_third_presidential_debate.tsv"

DEBATE = """Second presidential debate
Date: October 7, 2008
PARTICIPANTS: Senator John McCain (R-AZ) and Senator Barack Obama (D-IL)
MODERATOR: Tom Brokaw (NBC News)

BROKAW: Good evening from Belmont University in Nashville, Tennessee. We begin now.

JOHN MCCAIN: We have lost 760,000 jobs this year. Rumsfeld said "the war would be short."
It was not short at all.

OBAMA: Senator McCain voted for the budget 90% of the time. (APPLAUSE) That is a fact.

MCCAIN:
The deficit rose by 2 trillion dollars under this administration.

That is why I oppose it.

QUESTION: Senator, how will you fix Social Security?

BROKAW: Senator Obama, two minutes.
"""

LABELS = """SEN. SANDERS: Wall Street banks got 700 billion dollars in 2008.

Sen. Bernie Sanders: Medicare for all would cover 30 million people.

MR. ROMNEY: I created 100,000 jobs at Bain.

SANDERS (D-VT): The minimum wage has not risen since 2009.

PRESIDENT OBAMA: We killed Osama bin Laden in 2011.

WOLF BLITZER (MODERATOR): Thank you, Senator.

AUDIENCE MEMBER: What about student debt?

MR. ROMNEY: We will cut the deficit by half.
"""

SRT = """1
00:00:01,000 --> 00:00:04,000
JOE BIDEN: We lost 200,000 people

2
00:00:04,000 --> 00:00:07,500
to the virus this year. <i>That is</i> a tragedy.

3
00:00:08,000 --> 00:00:10,000
DONALD TRUMP: Not true. We built the economy.
"""

VTT = """WEBVTT
Kind: captions

NOTE an editor's note, not a cue

00:00:01.000 --> 00:00:03.000 align:start
<v Moderator>Welcome to the debate.</v>

intro
00:00:03.000 --> 00:00:06.250
<v Kamala Harris>Unemployment rose to <c.highlight>14.7%</c> in April.

00:00:06.250 --> 00:00:08.000
It was the worst since &amp; before the Depression.

00:01:02.000 --> 00:01:05.000
<v Mike Pence>That is not the whole story.
"""

CHECKTHAT_ROWS = (
    "0001\tBOB SCHIEFFER\tGood evening from Lynn University.\n"
    "0002\tBOB SCHIEFFER\tThe questions are mine.\n"
    "0003\tSYSTEM\t(Sustained cheers, applause.)\n"
    "0004\tPRESIDENT OBAMA\tWe created 5 million jobs since 2009.  Really.\n"
    '0005\tPRESIDENT OBAMA\tRumsfeld said "it would be over quickly."\n'
    "0006\tMR. ROMNEY\tBut you (inaudible).\n"
)


def claims_of(document):
    return extract_transcript(document.text, document.turns, threshold=0.5, scorer=FixedScorer())


def sentences(claims):
    return [c for c in claims if c.claim_type is not None]


def assert_offsets(document, claims):
    for claim in claims:
        assert document.text[claim.start : claim.end] == claim.text


def load(text: str, name: str | None = None, read_as: str = "auto"):
    return read.load_bytes(
        text.encode("utf-8"),
        source=name or "paste",
        source_kind="paste",
        settings=Settings(),
        name=name,
        read_as=read_as,
    )


# ---------------------------------------------------------------- detection


def test_each_shape_is_detected_and_articles_stay_articles(seed_article):
    assert transcript.detect(DEBATE) == "turns"
    assert transcript.detect(LABELS) == "turns"
    assert transcript.detect(SRT) == "srt"
    assert transcript.detect(VTT) == "vtt"
    assert transcript.detect(CHECKTHAT_ROWS) == "tsv"
    assert transcript.detect("id,speaker,text\n1,A,Hi.\n", "x.csv") == "tsv"
    assert transcript.detect(seed_article.read_text(encoding="utf-8")) is None
    demo = Path(__file__).resolve().parent.parent / "examples" / "demo_article.md"
    assert transcript.detect(demo.read_text(encoding="utf-8")) is None
    news = (
        "WASHINGTON: The Senate voted 52-48 on Tuesday to pass the bill.\n\n"
        "Note: This story was updated with the final vote.\n\n"
        "Sen. Smith said the bill would cost 3 billion dollars.\n\n"
        "Update: The House votes next week.\n"
    )
    assert transcript.detect(news) is None
    assert load(news).format == "article"


def test_auto_reads_a_transcript_and_article_keeps_it_prose():
    assert load(DEBATE).format == "transcript"
    as_article = load(DEBATE, read_as="article")
    assert as_article.format == "article" and as_article.turns is None
    with pytest.raises(InputError, match="unknown format 'speech'; choose one of: auto"):
        load(DEBATE, read_as="speech")


# ---------------------------------------------------------------- "NAME: text" turns


def test_turns_keep_their_speaker_and_no_label_stays_in_a_claim():
    document = load(DEBATE)
    assert (document.title, document.published_date) == ("Second presidential debate", "2008-10-07")
    claims = claims_of(document)
    assert_offsets(document, claims)
    said = [(c.speaker, c.text) for c in sentences(claims)]
    assert said == [
        ("Brokaw", "Good evening from Belmont University in Nashville, Tennessee."),
        ("Brokaw", "We begin now."),
        ("John McCain", "We have lost 760,000 jobs this year."),
        ("John McCain", 'Rumsfeld said "the war would be short."'),
        ("John McCain", "It was not short at all."),
        ("Obama", "Senator McCain voted for the budget 90% of the time."),
        ("Obama", "That is a fact."),
        ("John McCain", "The deficit rose by 2 trillion dollars under this administration."),
        ("John McCain", "That is why I oppose it."),
        ("Question", "Senator, how will you fix Social Security?"),
        ("Brokaw", "Senator Obama, two minutes."),
    ]
    for claim in claims:
        assert ":" not in claim.text[:20] or "," in claim.text[:20], claim.text
    rumsfeld = next(c for c in claims if c.text.startswith("Rumsfeld"))
    assert rumsfeld.speaker == "John McCain" and rumsfeld.attribution == "transcript turn"
    assert "reports: Rumsfeld (said)" in rumsfeld.reasons
    assert DEBATE.splitlines()[rumsfeld.source_line - 1].startswith("JOHN MCCAIN: We have")


def test_roles_come_from_the_header_and_the_label():
    claims = sentences(claims_of(load(DEBATE)))
    roles = {c.speaker: c.speaker_role for c in claims}
    assert roles == {
        "Brokaw": "moderator",
        "John McCain": "candidate",
        "Obama": "candidate",
        "Question": "audience",
    }
    turns = [c.turn for c in claims]
    assert turns == sorted(turns) and turns[0] == 0 and turns[-1] == 5


def test_stage_directions_are_furniture_never_claims():
    claims = claims_of(load(DEBATE))
    (applause,) = [c for c in claims if c.text == "(APPLAUSE)"]
    assert applause.claim_type is None and not applause.check_worthy and applause.score == 0


def test_honorifics_party_tags_and_role_words_are_labels():
    document = load(LABELS)
    claims = sentences(claims_of(document))
    assert_offsets(document, claims)
    assert [(c.speaker, c.speaker_role) for c in claims] == [
        ("Sen. Bernie Sanders", None),
        ("Sen. Bernie Sanders", None),
        ("Mr. Romney", None),
        ("Sen. Bernie Sanders", None),
        ("President Obama", None),
        ("Wolf Blitzer", "moderator"),
        ("Audience Member", "audience"),
        ("Mr. Romney", None),
    ]
    assert claims[3].text == "The minimum wage has not risen since 2009."


def test_press_briefing_and_numbered_speaker_labels():
    text = (
        "THE PRESIDENT: We added 300,000 jobs last month.\n\n"
        "Q: Mr. President, what about inflation?\n\n"
        "THE PRESIDENT: Inflation fell to 3%.\n\n"
        "Speaker 1: (00:12) It rose in 2022.\n\n"
        "Look: it is simple.\n"
    )
    document = load(text)
    claims = sentences(claims_of(document))
    assert [(c.speaker, c.speaker_role, c.text) for c in claims] == [
        ("The President", None, "We added 300,000 jobs last month."),
        ("Q", "audience", "Mr. President, what about inflation?"),
        ("The President", None, "Inflation fell to 3%."),
        ("Speaker 1", None, "It rose in 2022."),
        ("Speaker 1", None, "Look: it is simple."),  # a one-off "Look:" is no speaker
    ]


def test_context_is_the_five_sentences_before_any_speaker():
    claims = claims_of(load(DEBATE))
    seventh = claims[7]
    expected = " ".join(c.text for c in claims[7 - CONTEXT_SENTENCES : 7])
    assert seventh.context == expected and claims[0].context == ""


def test_a_timestamp_before_or_after_the_label_times_the_turn():
    text = (
        "[00:01:02] JOE BIDEN: We lost 200,000 people.\n\n"
        "Donald Trump: (01:10) Not true at all.\n\n"
        "[00:01:30] JOE BIDEN: It is true.\n\n"
        "Donald Trump: Wrong.\n"
    )
    claims = sentences(claims_of(load(text, read_as="transcript")))
    assert [(c.speaker, c.time_start, c.time_end) for c in claims] == [
        ("Joe Biden", 62.0, 70.0),
        ("Donald Trump", 70.0, 90.0),
        ("Joe Biden", 90.0, None),
        ("Donald Trump", None, None),
    ]


def test_a_markdown_page_of_bold_labels_is_read_as_turns():
    text = (
        "# Debate night\n\n**JOE BIDEN:** We lost 10,000 jobs.\n\n"
        "**DONALD TRUMP:** Not true.\n\n**JOE BIDEN:** It is.\n"
    )
    document = load(text, name="debate.md")
    assert (document.format, document.title) == ("transcript", "Debate night")
    claims = sentences(claims_of(document))
    assert_offsets(document, claims)
    assert [(c.speaker, c.text) for c in claims] == [
        ("Joe Biden", "We lost 10,000 jobs."),
        ("Donald Trump", "Not true."),
        ("Joe Biden", "It is."),
    ]


# ---------------------------------------------------------------- TSV


def test_checkthat_rows_are_kept_as_given_with_their_line_numbers():
    document = load(CHECKTHAT_ROWS, name="20121022_third_debate.tsv")
    assert (document.format, document.title, document.published_date) == (
        "transcript",
        "third debate",
        "2012-10-22",
    )
    claims = claims_of(document)
    assert_offsets(document, claims)
    rows = [line.split("\t") for line in CHECKTHAT_ROWS.splitlines()]
    assert [c.text for c in claims] == [row[2].strip() for row in rows]
    assert [c.source_line for c in claims] == [int(row[0]) for row in rows]
    assert [c.speaker for c in claims] == [transcript.speaker_name(row[1]) for row in rows]
    assert [c.turn for c in claims] == [0, 0, 1, 2, 2, 3]
    system = claims[2]
    assert system.claim_type is None and not system.check_worthy
    assert document.text.startswith("Bob Schieffer: Good evening from Lynn University. The q")


def test_a_claimbuster_style_csv_with_a_header_is_read_by_its_columns():
    text = (
        'Sentence_id,Speaker,Text,Speaker_party\n12,Obama,"We cut taxes, twice.",D\n'
        "13,Romney,Not true.,R\n"
    )
    document = load(text, name="claimbuster.csv")
    claims = claims_of(document)
    assert [(c.source_line, c.speaker, c.text) for c in claims] == [
        (12, "Obama", "We cut taxes, twice."),
        (13, "Romney", "Not true."),
    ]


@pytest.mark.skipif(not CHECKTHAT_FILE.exists(), reason=f"shared data absent: {CHECKTHAT_FILE}")
def test_a_real_checkthat_transcript_keeps_every_row_and_its_speaker():
    raw = CHECKTHAT_FILE.read_text(encoding="utf-8")
    rows = [line.split("\t") for line in raw.split("\n") if line.strip()]
    document = read.load_bytes(
        raw.encode("utf-8"),
        source=str(CHECKTHAT_FILE),
        source_kind="file",
        settings=Settings(),
        name=str(CHECKTHAT_FILE),
    )
    assert document.format == "transcript" and document.published_date == "2012-10-23"
    claims = claims_of(document)
    assert len(claims) == len(rows)
    assert_offsets(document, claims)
    for claim, row in zip(claims, rows):
        assert claim.source_line == int(row[0])
        assert claim.speaker == transcript.speaker_name(row[1])
        assert claim.text == row[2].strip()
        assert (claim.claim_type is None) == (row[1] == "SYSTEM" or row[2].strip() == "(APPLAUSE)")


# ---------------------------------------------------------------- subtitles


def test_srt_cues_merge_into_turns_and_sentences_keep_their_cue_times():
    document = load(SRT, name="debate.srt")
    assert document.text.startswith("[00:00:01] Joe Biden: We lost 200,000 people to the virus")
    claims = sentences(claims_of(document))
    assert_offsets(document, claims)
    assert [(c.speaker, c.text, c.time_start, c.time_end) for c in claims] == [
        ("Joe Biden", "We lost 200,000 people to the virus this year.", 1.0, 7.5),
        ("Joe Biden", "That is a tragedy.", 4.0, 7.5),
        ("Donald Trump", "Not true.", 8.0, 10.0),
        ("Donald Trump", "We built the economy.", 8.0, 10.0),
    ]
    assert [c.turn for c in claims] == [0, 0, 1, 1]


def test_webvtt_voice_tags_name_the_speaker_and_other_tags_go():
    document = load(VTT)
    claims = sentences(claims_of(document))
    assert_offsets(document, claims)
    assert [(c.speaker, c.speaker_role, c.text, c.time_start) for c in claims] == [
        ("Moderator", "moderator", "Welcome to the debate.", 1.0),
        ("Kamala Harris", None, "Unemployment rose to 14.7% in April.", 3.0),
        ("Kamala Harris", None, "It was the worst since & before the Depression.", 6.25),
        ("Mike Pence", None, "That is not the whole story.", 62.0),
    ]
    assert "[00:01:02] Mike Pence: That is not the whole story." in document.text
    assert "NOTE" not in document.text and "<" not in document.text


# ---------------------------------------------------------------- stored, and refused


def test_a_pasted_debate_is_stored_with_turns_speakers_and_times(db, settings):
    result = pipeline.add_article(
        db, settings, actor="tester", document=load(SRT, name="debate.srt"), match=False
    )
    assert "a transcript: 2 turns, 2 speakers" in result.message
    (article,) = db.query("SELECT format, extractor, text FROM articles")
    assert (article["format"], article["extractor"]) == ("transcript", "default")
    stored = claim_store.list_claims(db, article_id=result.article_id, include_all=True)
    assert [(c["speaker"], c["turn"], c["time_start"], c["time_end"]) for c in stored] == [
        ("Joe Biden", 0, 1.0, 7.5),
        ("Joe Biden", 0, 4.0, 7.5),
        ("Donald Trump", 1, 8.0, 10.0),
        ("Donald Trump", 1, 8.0, 10.0),
    ]
    assert all(article["text"][c["start"] : c["end"]] == c["text"] for c in stored)


def test_a_transcript_goes_through_the_default_extractor_even_when_llm_is_chosen(db, settings):
    result = pipeline.add_article(
        db, settings, actor="tester", document=load(DEBATE), extractor="llm", match=False
    )
    assert "transcripts use the default extractor" in result.message
    (article,) = db.query("SELECT extractor FROM articles")
    assert article["extractor"] == "default"


def test_a_transcript_document_without_turns_is_read_from_its_text(settings):
    document = load(DEBATE)
    document.turns = None  # as a caller that built the Document itself would give it
    claims = pipeline.run_extractor(document, settings)
    assert_offsets(document, claims)
    assert {c.speaker for c in claims if c.claim_type} == {
        "Brokaw",
        "John McCain",
        "Obama",
        "Question",
    }


def articles(db) -> int:
    return db.execute("SELECT count(*) FROM articles").fetchone()[0]


MALFORMED = [
    ("bad.srt", b"1\n00:00:01,000 --> soon\nHello there.\n", "line 2: not a cue timing"),
    ("back.srt", b"1\n00:00:05,000 --> 00:00:01,000\nHi.\n", "line 2: the cue ends before"),
    ("none.srt", b"Just a line of text.\n", "line 1: text before the first cue timing"),
    ("short.tsv", b"0001\tA\tHi there.\n0002\tB\n", "line 2: expected 3 columns"),
    ("refs.csv", b"claim,verdict\nThe moon is cheese.,false\n", "not a transcript table"),
    ("img.vtt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a PNG image"),
    ("long.txt", b"x" * 1_000_000, "no speaker turns found"),
]


@pytest.mark.parametrize(("name", "data", "message"), MALFORMED)
def test_hostile_transcripts_are_refused_and_nothing_is_stored(db, settings, name, data, message):
    before = articles(db)
    with pytest.raises(InputError, match=message):
        document = read.load_bytes(
            data,
            source=name,
            source_kind="upload",
            settings=settings,
            name=name,
            read_as="transcript" if name.endswith(".txt") else "auto",  # by extension
        )
        pipeline.add_article(db, settings, actor="tester", document=document, match=False)
    assert articles(db) == before


def test_the_transcript_workload_setting_caps_what_ingest_flags(db, db_path, monkeypatch):
    """FACTCHECK_TRANSCRIPT_WORKLOAD reaches the transcript path: at most that share flagged."""
    from factcheck.config import load_settings
    from factcheck.extract import claims as claims_module

    class Confident:
        def score(self, texts):
            return [0.99 - i * 1e-4 for i in range(len(texts))]

    monkeypatch.setattr(claims_module, "_default_scorer", lambda: Confident())
    monkeypatch.setenv("FACTCHECK_TRANSCRIPT_WORKLOAD", "0.25")
    settings = load_settings(db_path=db_path)
    assert settings.transcript_workload == 0.25
    lines = [f"SANDERS: Exports to country {n} doubled between 2010 and 2016." for n in range(48)]
    text = (
        "\n\n".join(lines[::2])
        + "\n\nCLINTON: "
        + " ".join(line.split(": ", 1)[1] for line in lines[1::2])
    )
    result = pipeline.add_article(
        db, settings, actor="tester", document=load(text, read_as="transcript"), match=False
    )
    stored = claim_store.list_claims(db, article_id=result.article_id, include_all=True)
    assert len(stored) == 48
    assert sum(bool(c["check_worthy"]) for c in stored) == 12  # 25% of 48
    capped = [c for c in stored if not c["check_worthy"]]
    assert all("at most 25%" in " ".join(c["reasons"]) for c in capped)


def test_a_bad_transcript_workload_setting_is_refused(monkeypatch, tmp_path):
    from factcheck.config import load_settings
    from factcheck.errors import ConfigError

    monkeypatch.setenv("FACTCHECK_TRANSCRIPT_WORKLOAD", "0")
    with pytest.raises(ConfigError, match="FACTCHECK_TRANSCRIPT_WORKLOAD"):
        load_settings(db_path=tmp_path / "x.db")
