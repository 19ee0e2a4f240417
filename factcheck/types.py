"""Plain data types passed between the pipeline stages (no I/O here)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SOURCE_KINDS = ("url", "file", "stdin", "paste", "upload", "imported")

CLAIM_TYPES = (
    "statistic",  # a quantity, figure or percentage
    "quote",  # an attributed statement or quote
    "event",  # something that happened
    "prediction",  # a prediction or a stated intent
    "causal",  # X caused / led to Y
    "comparison",  # more than, the largest, compared with
    "opinion",  # a judgement, hard to verify
)


@dataclass
class Document:
    """A loaded source: its main text and what metadata could be found."""

    text: str
    source: str | None
    source_kind: str = "file"
    title: str | None = None
    publisher: str | None = None
    published_date: str | None = None
    language: str | None = None
    format: str = "article"  # vocab.ARTICLE_FORMATS
    turns: list[Turn] | None = field(default=None, repr=False)  # a transcript's, when read as one
    warnings: list[str] = field(default_factory=list)  # e.g. "not valid UTF-8: read as cp1252"


@dataclass
class TurnPiece:
    """A stretch of a transcript turn's text: a paragraph, a subtitle cue, or a TSV row.

    ``start``/``end`` are offsets into the Document's text. ``given``: the piece is one
    sentence as the source gave it (a TSV row), never split again.
    """

    start: int
    end: int
    given: bool = False
    line: int | None = None
    time_start: float | None = None
    time_end: float | None = None


@dataclass
class Turn:
    """One speaker's turn in a transcript (``stage``: a stage direction, never a claim)."""

    index: int
    speaker: str | None
    role: str | None
    pieces: list[TurnPiece] = field(default_factory=list)
    stage: bool = False


@dataclass
class SentenceClaim:
    """One sentence of an article, analysed and scored (a claim when ``check_worthy``)."""

    sentence_index: int
    text: str
    start: int
    end: int
    score: float
    reasons: list[str] = field(default_factory=list)
    check_worthy: bool = False
    context: str = ""
    speaker: str | None = None
    attribution: str | None = None
    quantities: list[dict] = field(default_factory=list)
    entities: list[dict] = field(default_factory=list)
    claim_type: str | None = None
    origin: str = "default"
    anchored: bool = True
    turn: int | None = None  # transcripts: the turn (0-based, in the order spoken)
    speaker_role: str | None = None  # transcripts: moderator, candidate, audience, speaker
    time_start: float | None = None  # transcripts with cues (SRT/WebVTT): seconds
    time_end: float | None = None
    source_line: int | None = None  # transcripts: a TSV row's line column, else the input line

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class IngestResult:
    """What one ingest did: the article id, whether it was new, and the counts; ``warnings``
    about reading the input (a decoding fallback), which every caller shows as warnings."""

    article_id: int
    created: bool
    source: str | None
    title: str | None
    sentences: int
    claims: int
    message: str = ""
    warnings: list[str] = field(default_factory=list)  # the Document's: shown beside message


@dataclass
class AddResult(IngestResult):
    """What adding an article did: its ingest, then matching its new claims.

    ``message`` is the one line every caller shows: the ingest's, then the match outcome
    ("; 3 matches with the reference corpus" or "; claims not matched: <why>"). ``matched`` is
    the number of matches stored, None when matching did not run (an article seen before, no
    reference corpus, matching skipped) or failed; ``match_error`` says why it failed (the
    article stays stored; ``factcheck match --article ID`` matches it later).
    """

    matched: int | None = None
    match_error: str | None = None
