"""The project's vocabularies, each defined once: the CLI's choices, the app's widgets, the
prompts, the storage checks and the validators all read them from here.

Nothing here imports the rest of the package.
"""

from __future__ import annotations

# ---------------------------------------------------------------- review
ROLES = ("viewer", "checker", "editor", "admin")
"""Account roles, each allowed what the ones before it are: viewers read; checkers review;
editors assign, adjudicate, publish, set scales and blind mode; admins manage accounts."""

AUTH_MODES = ("password", "header", "oidc", "none")
"""How people sign in to the app (the ``auth`` setting)."""

REVIEWS_NEEDED = (1, 2)
"""Independent verdicts a claim needs before it is ready to publish (a desk setting)."""

STATUSES = ("new", "in_review", "awaiting_second_review", "verdict", "published", "dismissed")
"""A claim's review status, in workflow order."""

REVIEW_STATES = ("in_review", "awaiting_second_review", "verdict")
"""Statuses a saved verdict can lead to."""

MANUAL_STATUSES = ("new", "in_review", "awaiting_second_review", "dismissed")
"""Statuses a person may set directly (the others follow from verdicts and publishing)."""

OPEN_STATUSES = ("new", "in_review", "awaiting_second_review")
"""Statuses of claims still waiting for work (the queue's default filter)."""

STANCES = ("supports", "refutes", "mixed", "context")
"""The stance of a cited source towards a claim."""

POLAR_STANCES = ("supports", "refutes", "mixed")
"""Stances that take a side (source agreement counts these; ``context`` takes none)."""

EVIDENCE_CHOICES = (*STANCES, "irrelevant")
"""What a checker can say of an evidence card: a stance, or ``irrelevant`` (dismiss it)."""

EVIDENCE_MEANINGS = {
    "supports": "the evidence says the claim is true or accurate",
    "refutes": "the evidence says the claim is false, wrong or misleading",
    "mixed": "the evidence says the claim is partly true and partly false",
    "context": "the evidence addresses the claim and adds context, but does not settle it",
    "irrelevant": "the evidence is about something else, or about the same topic without "
    "addressing this claim",
}
"""What each evidence choice means (the stance prompt tells the LLM), in EVIDENCE_CHOICES order."""

# ---------------------------------------------------------------- extraction
ARTICLE_FORMATS = ("article", "transcript")
"""How a text is read: prose (sentences, speakers from attribution) or a transcript (turns
"SPEAKER: text", CheckThat!/ClaimBuster TSV, SRT or WebVTT; each claim keeps its turn's speaker)."""

READ_AS = ("auto", *ARTICLE_FORMATS)
"""How a source is read (`factcheck ingest --format`, the app's "Read as", the API's format):
detected (a transcript when it looks like one), or chosen."""

SPEAKER_ROLES = ("moderator", "candidate", "audience", "speaker")
"""Roles of a transcript's speakers, where the transcript says them."""

MATCH_BANDS = ("strong", "suggested", "weak")
"""Bands of a claim's stored candidates, by calibrated confidence."""

FEED_STATUSES = ("ok", "not-modified", "error")
"""Outcomes of polling a watched feed (``factcheck watch``)."""

FEED_ITEM_STATUSES = ("ingested", "duplicate", "failed")
"""What became of a feed's item: a new article, one already stored, or a failure."""

EXTRACTORS = ("default", "llm")
"""Claim extractors: the offline model and rules, or an OpenAI-compatible LLM."""

SCORE_BACKENDS = ("torch", "onnx", "onnx-int8")
"""What runs the check-worthiness scorer."""

EMBED_BACKENDS = ("torch", "onnx", "onnx-int8")
"""What runs the sentence-embedding model."""

# ---------------------------------------------------------------- corpus and matching
CORPUS_FORMATS = ("auto", "csv", "tsv", "jsonl", "json", "folder", "claimreview", "checkthat")
"""Formats ``factcheck corpus import`` reads."""

CORPUS_KINDS = ("fact-check", "article", "official", "other")
"""Kinds of reference source."""

ON_EXISTING = ("update", "refuse")
"""What a corpus import does with a row whose id is stored with other content: update the
stored source as a recorded correction, or refuse the file."""

MATCH_METHODS = ("dense", "bm25", "hybrid", "rerank")
"""How candidates are ordered (the score shown is always the embedding similarity)."""

# ---------------------------------------------------------------- storage
DB_URL_SCHEMES = ("postgresql://", "postgres://")
"""Prefixes (any case) of a database location that is a PostgreSQL server, not a file."""


def is_db_url(location: object) -> bool:
    """True for a PostgreSQL URL (``postgresql://`` or ``postgres://``)."""
    return isinstance(location, str) and location.strip().lower().startswith(DB_URL_SCHEMES)


# ---------------------------------------------------------------- output
TABLE_FORMATS = ("table", "csv", "json")
"""Formats of the CLI's listings."""

EXPORT_FORMATS = (
    "csv",
    "tsv",
    "xlsx",
    "json",
    "jsonl",
    "markdown",
    "claimreview",
    "annotations",
    "trec-run",
)
"""Formats of ``factcheck export`` and the Export page."""

AGREEMENT_SCOPES = ("reviewers", "sources")
"""What ``factcheck agreement`` compares."""
