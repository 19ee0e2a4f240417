"""Request and response bodies of the HTTP API (pydantic models: validation and OpenAPI).

Bounds here only keep requests to a sane size and the database's integer range; the library
checks the meaning (labels, stances, statuses, dates) and says what is wrong.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from factcheck.vocab import READ_AS, STANCES

MAX_ID = 2**63 - 1  # SQLite's (and PostgreSQL's bigint) largest integer
MAX_TEXT = 20_000  # the workflow's limit on a rationale, quote or note
MAX_SENTENCES = 1000
MAX_SENTENCE = 5000
MAX_URL = 2048

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Stance = Literal[STANCES]  # type: ignore[valid-type]
ReadAs = Literal[READ_AS]  # type: ignore[valid-type]


class Strict(BaseModel):
    """A request body: unknown fields are refused (a typo is not silently ignored)."""

    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- errors


class ErrorDetail(BaseModel):
    code: str = Field(description="a stable machine-readable code, e.g. `conflict`")
    message: str = Field(description="what went wrong and what to do, for a person")
    details: list[dict[str, Any]] | None = Field(
        None, description="for `invalid_request`: each invalid field (loc, msg, type)"
    )


class ErrorBody(BaseModel):
    """Every error answer: ``{"error": {"code": ..., "message": ...}}``."""

    error: ErrorDetail


# ---------------------------------------------------------------- who is calling


class Me(BaseModel):
    name: str
    role: str


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    schema_version: int


# ---------------------------------------------------------------- scoring


class ScoreRequest(Strict):
    sentences: list[Annotated[str, Field(max_length=MAX_SENTENCE)]] = Field(
        min_length=1, max_length=MAX_SENTENCES, description="the sentences to score, in order"
    )
    threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        allow_inf_nan=False,
        description="score from which a sentence is check-worthy (default: FACTCHECK_THRESHOLD)",
    )


class ScoredSentence(BaseModel):
    index: int
    text: str
    score: float
    check_worthy: bool
    reasons: list[str]


class ScoreResponse(BaseModel):
    threshold: float
    results: list[ScoredSentence]


# ---------------------------------------------------------------- articles


class ArticleRequest(Strict):
    text: str | None = Field(None, description="the article's text (plain, Markdown or HTML)")
    url: str | None = Field(
        None,
        max_length=MAX_URL,
        description="an http(s) URL to fetch instead (public addresses only, unless "
        "FACTCHECK_ALLOW_PRIVATE_URLS is set on the server)",
    )
    title: str | None = Field(None, max_length=500, description="a title to store")
    format: ReadAs = Field(
        "auto",
        description="read the text as an article or a transcript (speakers' turns: "
        "'NAME: text', TSV line/speaker/text, SRT, WebVTT); auto: a transcript when it "
        "looks like one",
    )


class Match(BaseModel):
    passage_id: int
    source_id: int
    external_id: str | None = Field(None, description="the source's id in its corpus file")
    rank: int = Field(description="1 = the re-ranker's best candidate")
    score: float = Field(description="cosine similarity of claim and fact-check (0..1)")
    confidence: float | None = Field(
        None, description="calibrated chance (0..1) that this is the right fact-check"
    )
    band: str = Field(description="strong, suggested or weak (by confidence)")
    strength: str = Field(description="the band (kept for older clients)")
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    date: str | None = None
    verdict: str | None = None
    text: str


class ExtractedClaim(BaseModel):
    id: int
    text: str
    score: float
    claim_type: str | None = None
    speaker: str | None = None
    speaker_role: str | None = Field(None, description="transcripts: moderator, candidate, ...")
    turn: int | None = Field(None, description="transcripts: the turn (0-based)")
    time_start: float | None = Field(None, description="transcripts with cues: seconds")
    time_end: float | None = None
    reasons: list[str]
    matches: list[Match]


class ArticleResponse(BaseModel):
    article_id: int
    created: bool = Field(description="false: the same text was ingested before; nothing added")
    title: str | None = None
    source: str
    sentences: int
    matched: int | None = Field(None, description="matches stored (null: not matched)")
    match_error: str | None = None
    message: str
    warnings: list[str] = Field(
        default_factory=list,
        description="how the input was read, when not as given: e.g. 'not valid UTF-8: read "
        "as cp1252' (a fetched page)",
    )
    claims: list[ExtractedClaim] = Field(description="the article's check-worthy claims")


# ---------------------------------------------------------------- review


class CitationRequest(Strict):
    passage_id: Id | None = Field(None, description="a matched passage (an evidence card)")
    url: str | None = Field(None, max_length=MAX_URL, description="or an external source's URL")
    stance: Stance
    title: str | None = Field(None, max_length=MAX_TEXT, description="the external source's")
    quote: str | None = Field(None, max_length=MAX_TEXT)
    note: str | None = Field(None, max_length=MAX_TEXT)


class Citation(BaseModel):
    id: int
    created_by: str
    stance: str
    passage_id: int | None = None
    url: str | None = None
    title: str | None = None
    quote: str | None = None
    note: str | None = None
    accessed_at: str | None = None
    in_final: bool
    created_at: str | None = None


class VerdictRequest(Strict):
    label: str = Field(min_length=1, max_length=200, description="a label of the claim's scale")
    version: int = Field(
        ge=0,
        le=MAX_ID,
        description="the claim's `version` as you read it (GET /api/claims/{id}); if someone "
        "changed the claim since, the answer is 409 Conflict: read it again",
    )
    scale: str | None = Field(None, max_length=200, description="default: the claim's scale")
    confidence: float | None = Field(None, ge=0.0, le=1.0, allow_inf_nan=False)
    rationale: str = Field("", max_length=MAX_TEXT)


class PublishRequest(Strict):
    version: int = Field(ge=0, le=MAX_ID, description="the claim's `version` as you read it")
    citations: list[Id] | None = Field(
        None,
        max_length=1000,
        description="the citations the published verdict cites (default: every citation)",
    )


class ClaimState(BaseModel):
    id: int
    status: str
    version: int


class ClaimPage(BaseModel):
    total: int = Field(description="claims matching the filters")
    counts: dict[str, int] = Field(description="claims per status (the status filter ignored)")
    limit: int
    offset: int
    rows: list[dict[str, Any]]


# ---------------------------------------------------------------- watched feeds


class FeedRequest(Strict):
    url: str = Field(
        min_length=1,
        max_length=MAX_URL,
        description="the RSS or Atom feed's http(s) URL (public addresses only, unless "
        "FACTCHECK_ALLOW_PRIVATE_URLS is set on the server)",
    )
    every: str = Field(
        "15m",
        min_length=1,
        max_length=40,
        description="how often to poll: a number and a unit (90s, 15m, 1h, 1h30m, 1d; from 1m "
        "to 7d)",
    )
    title: str | None = Field(None, max_length=500, description="a name (default: the feed's)")


class Feed(BaseModel):
    id: int
    url: str
    title: str | None = None
    every: str = Field(description="the interval, e.g. 15m")
    every_seconds: int
    active: bool = Field(description="false: paused, never polled")
    added_by: str
    added_at: str
    last_polled_at: str | None = None
    last_status: str | None = Field(
        None, description="the last poll's outcome: ok, not-modified or error (null: not yet)"
    )
    last_error: str | None = None
    consecutive_failures: int = Field(
        description="failed polls in a row (0 after a poll that works): each one after the "
        "first doubles the wait for the next poll, at most a day"
    )
    next_poll_at: str = Field(description="when the feed is due (ISO 8601, UTC)")
    items_ingested: int = Field(description="new articles from this feed")
    items_duplicate: int = Field(description="items whose article was already stored")
    items_failed: int = Field(description="items that could not be read")


class FeedPoll(BaseModel):
    id: int
    feed_id: int
    started_at: str
    finished_at: str
    status: str = Field(description="ok, not-modified or error")
    http_status: int | None = None
    items_seen: int
    items_new: int
    items_duplicate: int
    items_failed: int
    error: str | None = None


class PollNow(BaseModel):
    """A poll made now, and the feed's state after it."""

    status: str = Field(description="ok, not-modified or error")
    http_status: int | None = None
    seen: int = Field(description="entries in the feed's answer")
    new: int = Field(description="new articles")
    duplicate: int = Field(description="new entries whose article was already stored")
    failed: int = Field(description="entries that could not be ingested")
    error: str | None = None
    message: str
    feed: Feed


# ---------------------------------------------------------------- trending


class TrendingClaim(BaseModel):
    claim_id: int
    text: str
    speaker: str | None = None
    article_id: int
    article_title: str | None = None
    seen: str | None = Field(None, description="the article's published date, else ingested")
    similarity: float | None = Field(None, description="cosine to the claim it joined")
    status: str = Field(description="as blind review lets the caller see it")
    label: str | None = Field(None, description="its verdict, when the caller may see it")
    scale: str | None = None


class TrendingGroup(BaseModel):
    group_id: int
    claim: str = Field(description="the group's first claim")
    articles: int
    claims: int
    first_seen: str | None = None
    last_seen: str | None = None
    speakers: list[str] = Field(description="the most frequent speakers (at most 3)")
    best_match: str | None = Field(None, description="the best fact-check's title")
    best_match_verdict: str | None = None
    best_match_band: str | None = None
    best_match_confidence: float | None = None
    best_match_url: str | None = None
    verdicts: list[str] = Field(description="verdicts given on its claims, as the caller sees")
    members: list[TrendingClaim]


class TrendingPage(BaseModel):
    since: str | None = Field(None, description="the window's first day (null: all time)")
    min_articles: int
    limit: int
    groups: list[TrendingGroup]
