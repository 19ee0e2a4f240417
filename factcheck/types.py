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

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class IngestResult:
    """What one ingest did: the article id, whether it was new, and the counts."""

    article_id: int
    created: bool
    source: str | None
    title: str | None
    sentences: int
    claims: int
    message: str = ""


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
